"""The activity store: Parquet files read with DuckDB, changed one atomic batch at a time."""
