"""The activity store: what has been imported, read with DuckDB.

Layout under the store's root (``$HIU_DATA_DIR/store``)::

    state.json                      the commit point: committed batches and each kind's table
    tables/<kind>/<batch>.parquet   one file per kind holding every current row of that kind,
                                    sorted by NHS number, rewritten by each import
    batches/<batch>/manifest.json   what each import did
    batches/<batch>/quarantine.csv  the rows it rejected, with their reasons
    staging/                        imports in progress; anything here after a crash is garbage
    .lock                           held by the one import that may write at a time

A batch exists only once ``state.json`` names it, so an import killed at any moment leaves the
store as it was (ADR 0007). Readers never lock: they read ``state.json`` and the files it names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from hiu.schemas import ACTIVITY_KINDS, EXTRACTS, KINDS, extract_for
from hiu.store.lookup import person_rows
from hiu.store.manifest import Manifest

STATE_FORMAT = 1


def sql_string(path: Path) -> str:
    """``path`` as an SQL string literal, for the statements DuckDB cannot take parameters in
    (views, COPY)."""
    return "'" + str(path).replace("'", "''") + "'"


@dataclass(frozen=True)
class TableState:
    path: str
    rows: int


@dataclass(frozen=True)
class State:
    batches: tuple[int, ...]
    tables: dict[str, TableState]

    @classmethod
    def empty(cls) -> State:
        return cls(batches=(), tables={})

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": STATE_FORMAT,
                "batches": list(self.batches),
                "tables": {
                    kind: {"path": table.path, "rows": table.rows}
                    for kind, table in sorted(self.tables.items())
                },
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> State:
        data: dict[str, Any] = json.loads(text)
        if data.get("format") != STATE_FORMAT:
            raise ValueError(f"unknown activity store format {data.get('format')!r}")
        return cls(
            batches=tuple(int(b) for b in data["batches"]),
            tables={
                kind: TableState(path=str(t["path"]), rows=int(t["rows"]))
                for kind, t in data["tables"].items()
            },
        )


@dataclass(frozen=True)
class Timeline:
    """One person's rows in the store: their demographics (if loaded) and events by kind."""

    nhs_number: str
    person: dict[str, Any] | None
    events: dict[str, pl.DataFrame]

    @property
    def total(self) -> int:
        return sum(frame.height for frame in self.events.values())


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> Store:
        return cls(data_dir / "store")

    # Paths -------------------------------------------------------------------------------
    @property
    def state_path(self) -> Path:
        return self.root / "state.json"

    @property
    def lock_path(self) -> Path:
        return self.root / ".lock"

    @property
    def staging_dir(self) -> Path:
        return self.root / "staging"

    @property
    def batches_dir(self) -> Path:
        return self.root / "batches"

    @property
    def tables_dir(self) -> Path:
        return self.root / "tables"

    def batch_dir(self, batch_id: int) -> Path:
        return self.batches_dir / f"{batch_id:06d}"

    # Reading -----------------------------------------------------------------------------
    def state(self) -> State:
        try:
            return State.from_json(self.state_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return State.empty()

    def batches(self) -> list[Manifest]:
        """Committed batches, newest first."""
        return [self._manifest(b) for b in reversed(self.state().batches)]

    def batch(self, batch_id: int) -> Manifest:
        if batch_id not in self.state().batches:
            raise KeyError(batch_id)
        return self._manifest(batch_id)

    def quarantine_path(self, batch_id: int) -> Path | None:
        manifest = self.batch(batch_id)
        return self.root / manifest.quarantine if manifest.quarantine else None

    def table_path(self, kind: str) -> Path | None:
        extract_for(kind)
        table = self.state().tables.get(kind)
        return self.root / table.path if table else None

    def row_counts(self) -> dict[str, int]:
        tables = self.state().tables
        return {kind: tables[kind].rows if kind in tables else 0 for kind in KINDS}

    def summary(self) -> dict[str, Any]:
        """Rows per kind and the batches imported, as ``hiu store summary --json`` prints."""
        return {
            "root": str(self.root),
            "rows": self.row_counts(),
            "batches": [
                {
                    "batch_id": m.batch_id,
                    "kind": m.kind,
                    "file_name": m.file_name,
                    "imported_by": m.imported_by,
                    "finished_at": m.finished_at,
                    "rows_read": m.rows_read,
                    "accepted": m.accepted,
                    "rejected": m.rejected,
                    "replaced": m.replaced,
                    "sha256": m.sha256,
                }
                for m in self.batches()
            ],
        }

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with one view per kind over the current tables.

        Kinds with no data get an empty view of the right columns, so queries need no special
        case for a store that has not seen every kind yet.
        """
        connection = duckdb.connect(":memory:", config={"threads": 2})
        state = self.state()
        for kind in KINDS:
            table = state.tables.get(kind)
            if table:
                path = sql_string(self.root / table.path)
                connection.execute(f"CREATE VIEW {kind} AS SELECT * FROM read_parquet({path})")
            else:
                columns = ", ".join(f"NULL::VARCHAR AS {name}" for name in EXTRACTS[kind].names)
                connection.execute(f"CREATE VIEW {kind} AS SELECT {columns} WHERE false")
        return connection

    def timeline(self, nhs_number: str) -> Timeline:
        """Everything the store holds about one person, each kind in time order.

        Each kind's table is sorted by NHS number, so only the row groups whose range holds
        this number are read (``hiu.store.lookup``): the cost depends on the person, not on the
        size of the store.
        """
        state = self.state()
        events: dict[str, pl.DataFrame] = {}
        person: dict[str, Any] | None = None
        for kind in KINDS:
            table = state.tables.get(kind)
            if table is None:
                continue
            frame = person_rows(self.root / table.path, nhs_number)
            start = EXTRACTS[kind].start
            if kind == "people":
                person = frame.row(0, named=True) if frame.height else None
            else:
                events[kind] = frame.sort(start) if start else frame
        for kind in ACTIVITY_KINDS:
            events.setdefault(kind, pl.DataFrame())
        return Timeline(nhs_number=nhs_number, person=person, events=events)

    def _manifest(self, batch_id: int) -> Manifest:
        return Manifest.read(self.batch_dir(batch_id) / "manifest.json")
