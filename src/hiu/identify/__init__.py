"""Identification: who meets a site's thresholds on a given day (DESIGN §6).

``rules`` reads a site's rule set; ``query`` turns it into SQL that ``engines`` run on DuckDB
(the default) or Apache Spark; ``reference`` is a plain-Python statement of the same rules the
tests compare the engines against; ``listing`` applies the people criteria, ranks and cuts the
list; ``output`` writes it as CSV or XLSX; ``table_one`` builds the business-case table.
"""
