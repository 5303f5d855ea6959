"""The service report for commissioners (DESIGN §9; 000 §4.1): the measures, Table One, KPIs
and the evaluation summary for a quarter or a year, as a web page, PDF and XLSX, every figure
through disclosure control (``hiu.disclosure``). No Django: the web app gathers the facts and
calls in here."""
