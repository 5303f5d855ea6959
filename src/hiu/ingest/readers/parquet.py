"""Reading a Parquet file a batch at a time, every column as the text a CSV export of it would
hold."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from hiu.ingest.errors import UnreadableFile
from hiu.ingest.profiles import Profile
from hiu.ingest.readers.headers import column_names
from hiu.ingest.readers.source import WHITESPACE, Source, _finish
from hiu.schemas import ROW, Extract


def _open_parquet(path: Path, extract: Extract, profile: Profile | None) -> Source:
    try:
        with pq.ParquetFile(path) as parquet:
            schema = parquet.schema_arrow
            total = int(parquet.metadata.num_rows)
    except (pa.ArrowException, OSError) as error:
        raise UnreadableFile(
            f"{path.name} cannot be read as a Parquet file: it may be damaged or another kind of "
            f"file ({type(error).__name__})"
        ) from None
    original = tuple(str(name).strip(WHITESPACE) for name in schema.names)
    names = column_names(original, extract, profile, path.name)
    for name, arrow_type in zip(original, schema.types, strict=True):
        if (
            pa.types.is_nested(arrow_type)
            or pa.types.is_binary(arrow_type)
            or (pa.types.is_large_binary(arrow_type) or pa.types.is_fixed_size_binary(arrow_type))
        ):
            raise UnreadableFile(
                f"{path.name}: column {name!r} holds {arrow_type}, which cannot be read as text"
            )
    return Source(
        path=path,
        format="parquet",
        header=names,
        original_header=original,
        encoding=None,
        delimiter=None,
        total_rows=total,
        _backend=_ParquetBackend(path, names, total),
    )


class _ParquetBackend:
    def __init__(self, path: Path, names: tuple[str, ...], total: int) -> None:
        self._path = path
        self._names = names
        self._total = total
        self._done = 0

    def progress(self) -> float | None:
        return self._done / self._total if self._total else 1.0

    def frames(self) -> Iterator[pl.DataFrame]:
        self._done = 0
        try:
            with pq.ParquetFile(self._path) as parquet:
                yield from self._batches(parquet)
        except (pa.ArrowException, OSError) as error:
            raise UnreadableFile(
                f"{self._path.name} cannot be read past row {self._done + 1}: the Parquet file "
                f"may be damaged ({type(error).__name__})"
            ) from None
        self._done = self._total

    def _batches(self, parquet: pq.ParquetFile) -> Iterator[pl.DataFrame]:
        for batch in parquet.iter_batches(batch_size=100_000):
            # Positional names: the file's own may repeat or clash before renaming.
            table = pa.Table.from_batches([batch]).rename_columns(list(self._names))
            frame = pl.from_arrow(table)
            assert isinstance(frame, pl.DataFrame)
            frame = frame.select(
                [_parquet_text(pl.col(name), frame.schema[name]) for name in self._names]
            )
            start = self._done + 2
            rows = pl.int_range(pl.len(), dtype=pl.Int64) + start
            self._done += batch.num_rows
            yield _finish(frame.with_columns(rows.alias(ROW)), self._names)


def _parquet_text(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A Parquet column as the text a CSV export of it would hold."""
    name = column.meta.output_name()
    if dtype == pl.String:
        text = column
    elif dtype.is_float():
        whole = column.is_finite() & (column == column.round(0)) & (column.abs() < 2**53)
        as_integer = column.cast(pl.Int64).cast(pl.String)
        text = pl.when(whole).then(as_integer).otherwise(column.cast(pl.String))
    elif dtype == pl.Date:
        text = column.dt.strftime("%Y-%m-%d")
    elif isinstance(dtype, pl.Datetime):
        local = column
        if dtype.time_zone is not None:
            # DESIGN §5: date-times are Europe/London local time.
            local = column.dt.convert_time_zone("Europe/London").dt.replace_time_zone(None)
        text = (
            pl.when(local == local.dt.truncate("1s"))
            .then(local.dt.strftime("%Y-%m-%dT%H:%M:%S"))
            .otherwise(local.dt.strftime("%Y-%m-%dT%H:%M:%S%.f"))
        )
    elif dtype == pl.Time:
        text = column.dt.strftime("%H:%M:%S")
    elif isinstance(dtype, pl.Duration):
        text = column.dt.to_string("iso")
    else:
        text = column.cast(pl.String)
    return text.alias(name)
