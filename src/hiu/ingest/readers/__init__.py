"""Reading activity extracts (CSV, Excel XLSX, Parquet) as text, in chunks, with row numbers.

Readers do not judge values: every value comes out as text exactly as the file has it (stripped
of surrounding whitespace; empty cells are null), so that "00123" stays "00123" and
"=HYPERLINK(...)" stays plain text. The validator decides what a value means. What readers do
decide is everything about the file itself: its encoding and delimiter, which physical line or
spreadsheet row each record came from (``_row``), which rows could not be split cleanly
(``_problem``), and whether the file can be read at all (:class:`UnreadableFile`).

Headers are renamed to canonical column names: first by the mapping profile's ``[columns]``,
then by normalising ("Attendance ID" means ``attendance_id``). Other headers are kept as extra
columns under their own names.

CSV files are streamed, so memory stays bounded whatever the file size. Clean stretches of a file
are split by Polars after a vectorised pass over the bytes has found where each record starts
(and so its line number) and checked that the stretch is plain, well-quoted CSV; any stretch
that is not (a stray quote inside a value, a row with the wrong number of values, a carriage
return on its own) is read by Python's csv module instead, line by line, which handles every
irregularity the same way for every file. docs/profiles.md describes the rules for users.

The package, by concern: ``opening`` (:func:`open_source`: the checks every file gets, and
which reader it goes to); ``source`` (:class:`Source`, and the finishing of chunks, shared by
every reader); ``headers`` (column names); ``sizes`` (how much of a CSV file is read at once, and
what is too large); CSV in ``encoding``, ``delimited`` (the header, and the engine that drives
the two paths), ``fast_path`` and ``slow_path``; then ``xlsx`` and ``parquet``. Only the names
below are for use outside the package.
"""

from hiu.ingest.readers.headers import column_names, normalise
from hiu.ingest.readers.opening import FORMATS, open_source
from hiu.ingest.readers.sizes import BLOCK_BYTES, MAX_HEADER_BYTES, MAX_RECORD_BYTES, SLOW_BYTES
from hiu.ingest.readers.source import OVERFLOW, WHITESPACE, Source

__all__ = [
    "BLOCK_BYTES",
    "FORMATS",
    "MAX_HEADER_BYTES",
    "MAX_RECORD_BYTES",
    "OVERFLOW",
    "SLOW_BYTES",
    "WHITESPACE",
    "Source",
    "column_names",
    "normalise",
    "open_source",
]
