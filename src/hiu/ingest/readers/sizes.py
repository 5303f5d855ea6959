"""How much of a CSV file is read at a time, and the sizes past which its header or a record
is not believed."""

#: Bytes read from a CSV file at a time, and so roughly the text handed to Polars at once.
BLOCK_BYTES = 16 * 1024 * 1024
#: The least the csv module reads when the fast path cannot (see _CsvBackend.frames).
SLOW_BYTES = 64 * 1024
#: A header row longer than this is not a header: a quote in it is never closed.
MAX_HEADER_BYTES = 4 * 1024 * 1024
#: A single record larger than this means a closing quote is missing somewhere: stop there,
#: rather than read the rest of a large file into memory as one value. (Python's csv module
#: holds a value at four bytes a character, so this bounds memory at a few hundred MB.)
MAX_RECORD_BYTES = 64 * 1024 * 1024
