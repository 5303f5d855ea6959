"""Importing one file: read, map, validate, and store it as one atomic batch.

The command line, the web app's background task and the demo all import through
:func:`import_file`, so every path applies the same rules and writes the same manifests.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from hiu.ingest.profiles import Profile
from hiu.ingest.readers import open_source
from hiu.ingest.validate import LOCAL_ZONE, validate_chunk
from hiu.schemas import extract_for
from hiu.store.batch import QUARANTINE_COLUMNS, open_writer
from hiu.store.manifest import Manifest
from hiu.store.store import Store

#: Rows validated at a time: large enough for Polars to be efficient, small enough that memory
#: stays bounded whatever the file's size.
CHUNK_ROWS = 250_000


@dataclass(frozen=True)
class ImportProgress:
    rows_read: int
    #: How far through the file, 0 to 1, when the reader can tell.
    fraction: float | None


Progress = Callable[[ImportProgress], None]


@dataclass(frozen=True)
class ImportResult:
    manifest: Manifest
    #: True when this exact file had already been imported (as ``manifest``): nothing changed.
    already_imported: bool
    quarantine: Path | None

    @property
    def exit_code(self) -> int:
        """0 when every row was accepted, 1 when some were quarantined."""
        return 1 if self.manifest.rejected and not self.already_imported else 0


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def import_file(
    store: Store,
    kind: str,
    path: Path,
    *,
    imported_by: str,
    profile: Profile | None = None,
    file_name: str | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    memory_limit: str = "2GB",
) -> ImportResult:
    """Import ``path`` as an extract of ``kind`` into ``store``.

    Raises :class:`hiu.ingest.errors.UnreadableFile` when the file cannot be read at all; the
    store is then unchanged. ``now`` (local time) is when dates count as "in the future".
    """
    extract = extract_for(kind)
    started = datetime.now(UTC)
    local_now = now or datetime.now(ZoneInfo(LOCAL_ZONE)).replace(tzinfo=None)
    sha256 = file_sha256(path)
    profile_name = profile.name if profile else None
    with open_writer(store, memory_limit=memory_limit) as writer:
        previous = writer.find(kind, sha256, profile_name)
        if previous is not None:
            return ImportResult(
                manifest=previous,
                already_imported=True,
                quarantine=store.quarantine_path(previous.batch_id),
            )
        source = open_source(path, extract, profile)
        columns = dict(zip(source.header, source.original_header, strict=True))
        batch = writer.begin(kind, columns)
        try:
            rows_read = 0
            for chunk in _read_ahead(source.chunks(CHUNK_ROWS)):
                chunk = _without_quarantine_columns(chunk)
                if profile is not None:
                    chunk = profile.translate(chunk)
                checked = validate_chunk(
                    chunk,
                    extract,
                    now=local_now,
                    date_formats=profile.date_formats if profile else (),
                )
                batch.add(checked.accepted, checked.rejected)
                rows_read += chunk.height
                if progress is not None:
                    progress(ImportProgress(rows_read, source.progress_fraction()))
            # The counts and the finishing time are filled in by the commit, which knows them.
            manifest = batch.commit(
                Manifest(
                    batch_id=batch.batch_id,
                    kind=kind,
                    file_name=file_name or path.name,
                    sha256=sha256,
                    size_bytes=path.stat().st_size,
                    format=source.format,
                    encoding=source.encoding,
                    profile=profile_name,
                    imported_by=imported_by,
                    started_at=started.isoformat(timespec="seconds"),
                    finished_at="",
                    rows_read=rows_read,
                    accepted=0,
                    rejected=0,
                    replaced=0,
                )
            )
        except BaseException:
            batch.abort()
            raise
    return ImportResult(
        manifest=manifest,
        already_imported=False,
        quarantine=store.quarantine_path(manifest.batch_id),
    )


def _read_ahead(chunks: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
    """Read the next chunk in a thread while this one is validated and staged.

    Parsing (Polars) and validation release the interpreter lock for most of their work, so on
    two cores the reading overlaps the rest. At most two chunks wait, which bounds memory; an
    error while reading is raised here, in the importing thread.
    """
    waiting: queue.Queue[pl.DataFrame | BaseException | None] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def offer(item: pl.DataFrame | BaseException | None) -> bool:
        """Queue ``item`` unless the consumer has stopped; False once it has."""
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if not offer(chunk):
                    return
            offer(None)
        except BaseException as error:  # handed to the consumer, which raises it
            offer(error)

    reader = threading.Thread(target=produce, name="hiu-import-reader", daemon=True)
    reader.start()
    try:
        while (item := waiting.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def _without_quarantine_columns(chunk: pl.DataFrame) -> pl.DataFrame:
    """A corrected quarantine file carries our row and reasons columns: they are not data."""
    present = [c for c in chunk.columns if c in QUARANTINE_COLUMNS]
    return chunk.drop(present) if present else chunk
