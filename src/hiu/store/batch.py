"""Writing one import batch into the store, all or nothing.

An import stages its accepted rows (typed, as Parquet parts) and rejected rows (as read) under
``staging/<id>/``. On commit it finds identifiers that appear more than once in the file and
moves those rows to quarantine; builds the kind's new table — the batch's rows plus every
current row whose identifier the batch does not re-send — sorted for person lookups; writes the
manifest and quarantine file; renames the staging directory into ``batches/``; and finally
replaces ``state.json``. Only that last rename makes the batch exist. Whatever was left behind
by a crash before it is deleted the next time an import takes the lock.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from hiu.schemas import BATCH, REASONS, ROW, Extract, extract_for
from hiu.spreadsheet_safety import escape_formula
from hiu.store.files import exclusive_lock, fsync_directory, fsync_file, write_atomically
from hiu.store.manifest import Manifest
from hiu.store.store import State, Store, TableState, sql_string

#: The first two columns of a quarantine file. An import drops them, so a corrected quarantine
#: file can be imported again as it is.
QUARANTINE_ROW = "quarantine_row"
QUARANTINE_REASONS = "quarantine_reasons"
QUARANTINE_COLUMNS = (QUARANTINE_ROW, QUARANTINE_REASONS)
#: Row groups of 25,000 rows: a person lookup reads one (about 9 ms in a 25-million-row table,
#: against 26 ms with groups of 100,000, bench/results/ingest.json), while compression and
#: full scans are no worse.
ROW_GROUP_SIZE = 25_000


@dataclass(frozen=True)
class Outcome:
    accepted: int
    replaced: int
    table_rows: int


@dataclass(frozen=True)
class Quarantine:
    rows: int
    #: Rows by reason ("column: rule"), most frequent first.
    reasons: dict[str, int]
    path: Path | None


class StoreWriter:
    """The one writer of a store: holds its lock and clears what crashed imports left."""

    def __init__(self, store: Store, *, memory_limit: str = "2GB") -> None:
        self.store = store
        self.memory_limit = memory_limit

    def find(self, kind: str, sha256: str, profile: str | None) -> Manifest | None:
        for manifest in self.store.batches():
            if (manifest.kind, manifest.sha256, manifest.profile) == (kind, sha256, profile):
                return manifest
        return None

    def begin(self, kind: str, columns: Mapping[str, str]) -> StagedBatch:
        """Start batch for ``kind``; ``columns`` maps chunk column names to the file's headers."""
        state = self.store.state()
        batch_id = max(state.batches, default=0) + 1
        staging = self.store.staging_dir / f"{batch_id:06d}"
        staging.mkdir(parents=True)
        return StagedBatch(self, batch_id, extract_for(kind), staging, dict(columns))

    def recover(self) -> None:
        """Delete whatever is not part of the committed state: the remains of crashed imports."""
        state = self.store.state()
        shutil.rmtree(self.store.staging_dir, ignore_errors=True)
        committed = {self.store.batch_dir(b).name for b in state.batches}
        if self.store.batches_dir.exists():
            for path in self.store.batches_dir.iterdir():
                if path.name not in committed:
                    shutil.rmtree(path, ignore_errors=True)
        self._remove_old_tables(state, keep_previous=False)

    def _remove_old_tables(self, state: State, *, keep_previous: bool) -> None:
        """Delete table files the state does not name, but, when asked, the newest superseded one
        of each kind: a reader that loaded the previous state may still be reading it."""
        current = {self.store.root / table.path for table in state.tables.values()}
        if not self.store.tables_dir.exists():
            return
        for directory in self.store.tables_dir.iterdir():
            stale = sorted(p for p in directory.glob("*.parquet") if p not in current)
            if keep_previous and stale:
                stale = stale[:-1]
            for path in stale:
                path.unlink()


@contextmanager
def open_writer(store: Store, *, memory_limit: str = "2GB") -> Iterator[StoreWriter]:
    """Take the store's lock (waiting for any other import) and recover from crashes."""
    store.root.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(store.lock_path):
        writer = StoreWriter(store, memory_limit=memory_limit)
        writer.recover()
        yield writer


class StagedBatch:
    def __init__(
        self,
        writer: StoreWriter,
        batch_id: int,
        extract: Extract,
        staging: Path,
        columns: dict[str, str],
    ) -> None:
        self.writer = writer
        self.store = writer.store
        self.batch_id = batch_id
        self.extract = extract
        self.staging = staging
        self.columns = columns
        self._parts = 0
        self._accepted_parts: list[Path] = []
        self._rejected_parts: list[Path] = []

    def add(self, accepted: pl.DataFrame, rejected: pl.DataFrame) -> None:
        self._parts += 1
        # The first part is kept even when empty: its columns and types are the table's, so a
        # file whose every row is rejected still makes a table (empty) rather than a query
        # with no columns to sort on.
        if accepted.height or not self._accepted_parts:
            path = self.staging / f"accepted-{self._parts:05d}.parquet"
            # Staged parts are read once, soon: write them fast rather than small.
            accepted.with_columns(pl.lit(self.batch_id, dtype=pl.Int32).alias(BATCH)).write_parquet(
                path, compression="uncompressed", statistics=False
            )
            self._accepted_parts.append(path)
        if rejected.height:
            path = self.staging / f"rejected-{self._parts:05d}.parquet"
            rejected.write_parquet(path, compression="lz4")
            self._rejected_parts.append(path)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def commit(self, manifest: Manifest) -> Manifest:
        """Make the batch part of the store; ``manifest``'s counts are filled in here."""
        table = self.store.tables_dir / self.extract.kind / f"{self.batch_id:06d}.parquet"
        table.parent.mkdir(parents=True, exist_ok=True)
        staged_table = self.staging / "table.parquet"
        outcome = self._build_table(staged_table)
        quarantine = self._write_quarantine()  # after the table: it adds duplicated rows
        manifest = replace(
            manifest,
            batch_id=self.batch_id,
            finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
            accepted=outcome.accepted,
            rejected=quarantine.rows,
            replaced=outcome.replaced,
            reasons=quarantine.reasons,
            quarantine=(f"batches/{self.batch_id:06d}/quarantine.csv" if quarantine.path else None),
        )
        (self.staging / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
        for part in (*self._accepted_parts, *self._rejected_parts):
            part.unlink()

        # The files must be on disk before the state that names them: otherwise a power cut
        # could leave state.json pointing at a table the disk never received.
        for written in (staged_table, self.staging / "manifest.json", quarantine.path):
            if written is not None:
                fsync_file(written)
        fsync_directory(self.staging)
        # Until state.json is replaced, none of this is visible, and recovery deletes it.
        staged_table.rename(table)
        fsync_directory(table.parent)
        batch_dir = self.store.batch_dir(self.batch_id)
        batch_dir.parent.mkdir(parents=True, exist_ok=True)
        self.staging.rename(batch_dir)
        fsync_directory(batch_dir.parent)
        state = self.store.state()
        tables = dict(state.tables)
        tables[self.extract.kind] = TableState(
            path=str(table.relative_to(self.store.root)), rows=outcome.table_rows
        )
        new_state = State(batches=(*state.batches, self.batch_id), tables=tables)
        write_atomically(self.store.state_path, new_state.to_json())
        self.writer._remove_old_tables(new_state, keep_previous=True)
        return manifest

    def _connect(self) -> duckdb.DuckDBPyConnection:
        temporary = self.staging / "duckdb-spill"
        return duckdb.connect(
            ":memory:",
            config={
                "threads": 2,
                "memory_limit": self.writer.memory_limit,
                "temp_directory": str(temporary),
                "preserve_insertion_order": False,
            },
        )

    def _build_table(self, out: Path) -> Outcome:
        extract = self.extract
        key = extract.key
        # Sorted by NHS number only: that is what lets a lookup skip row groups, and sorting on
        # time too more than doubled the cost of an import. Readers order a person's rows.
        # NHS numbers are ten digits, so numeric order is their text order, and sorting
        # integers is several times faster than sorting text.
        order = "nhs_number::BIGINT"
        current = self.store.table_path(extract.kind)
        connection = self._connect()
        try:
            if self._accepted_parts:
                parts = ", ".join(sql_string(p) for p in self._accepted_parts)
                connection.execute(
                    "CREATE VIEW staged AS "
                    f"SELECT * FROM read_parquet([{parts}], union_by_name=true)"
                )
            else:
                connection.execute(
                    "CREATE VIEW staged AS SELECT NULL::VARCHAR AS "
                    f"{key}, NULL::INTEGER AS {BATCH}, NULL::BIGINT AS {ROW} WHERE false"
                )
            # Only the key column is read to find identifiers the file repeats.
            connection.execute(
                f"CREATE TABLE duplicated AS SELECT {key} FROM staged "
                f"GROUP BY {key} HAVING count(*) > 1"
            )
            if _count(connection, "SELECT count(*) FROM duplicated"):
                duplicates = connection.execute(
                    f"SELECT * FROM staged SEMI JOIN duplicated USING ({key}) ORDER BY {ROW}"
                ).pl()
                self._stage_duplicates(duplicates)
                connection.execute(
                    "CREATE VIEW incoming AS "
                    f"SELECT * FROM staged ANTI JOIN duplicated USING ({key})"
                )
            else:
                connection.execute("CREATE VIEW incoming AS SELECT * FROM staged")
            accepted = _count(connection, "SELECT count(*) FROM incoming")
            if current is not None:
                connection.execute(
                    f"CREATE VIEW existing AS SELECT * FROM read_parquet({sql_string(current)})"
                )
                connection.execute(f"CREATE TABLE incoming_keys AS SELECT {key} FROM incoming")
                replaced = _count(
                    connection,
                    f"SELECT count(*) FROM existing SEMI JOIN incoming_keys USING ({key})",
                )
                source = (
                    "SELECT * FROM incoming UNION ALL BY NAME "
                    f"SELECT * FROM existing ANTI JOIN incoming_keys USING ({key})"
                )
            else:
                replaced = 0
                source = "SELECT * FROM incoming"
            connection.execute(
                f"COPY (SELECT * FROM ({source}) ORDER BY {order}) TO {sql_string(out)} "
                f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_SIZE})"
            )
            table_rows = _count(connection, f"SELECT count(*) FROM read_parquet({sql_string(out)})")
        finally:
            connection.close()
        return Outcome(accepted=accepted, replaced=replaced, table_rows=table_rows)

    def _stage_duplicates(self, duplicates: pl.DataFrame) -> None:
        reason = f"{self.extract.key}: the same identifier is on more than one row of this file"
        as_text = duplicates.drop(BATCH).select(
            pl.col(ROW),
            *(pl.col(c).cast(pl.String) for c in duplicates.columns if c not in (ROW, BATCH)),
            pl.lit(reason).alias(REASONS),
        )
        path = self.staging / "rejected-duplicates.parquet"
        as_text.write_parquet(path)
        self._rejected_parts.append(path)

    def _write_quarantine(self) -> Quarantine:
        """Write the rejected rows, in file order, and count them by reason."""
        if not self._rejected_parts:
            return Quarantine(rows=0, reasons={}, path=None)
        rejected = pl.concat(
            [pl.read_parquet(p) for p in self._rejected_parts], how="diagonal_relaxed"
        ).sort(ROW)
        counts = (
            rejected.select(pl.col(REASONS).str.split("; ").alias("reason"))
            .explode("reason")
            .group_by("reason")
            .len()
            .sort(["len", "reason"], descending=[True, False])
        )
        data_columns = [c for c in self.columns if c in rejected.columns]
        # Canonical columns the file did not have were added empty by validation: leave them out.
        skip = {*data_columns, *self.extract.names, ROW, REASONS}
        extra = [c for c in rejected.columns if c not in skip]
        path = self.staging / "quarantine.csv"
        rejected.select(
            pl.col(ROW).alias(QUARANTINE_ROW),
            pl.col(REASONS).alias(QUARANTINE_REASONS),
            *(escape_formula(pl.col(c)).alias(self.columns[c]) for c in data_columns),
            *(escape_formula(pl.col(c)) for c in extra),
        ).write_csv(path)
        return Quarantine(
            rows=rejected.height,
            reasons={row["reason"]: int(row["len"]) for row in counts.iter_rows(named=True)},
            path=path,
        )


def _count(
    connection: duckdb.DuckDBPyConnection, sql: str, parameters: list[object] | None = None
) -> int:
    row = connection.execute(sql, parameters or []).fetchone()
    return int(row[0]) if row else 0
