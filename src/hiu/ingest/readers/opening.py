"""Opening an extract file: the checks every file gets first, and which reader it goes to."""

from __future__ import annotations

from pathlib import Path

from hiu.ingest.errors import UnreadableFile
from hiu.ingest.profiles import Profile
from hiu.ingest.readers.delimited import _open_csv
from hiu.ingest.readers.parquet import _open_parquet
from hiu.ingest.readers.sizes import BLOCK_BYTES
from hiu.ingest.readers.source import Source
from hiu.ingest.readers.xlsx import _open_xlsx
from hiu.schemas import Extract

#: File extensions read, by format.
FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}


def open_source(
    path: Path,
    extract: Extract,
    profile: Profile | None = None,
    *,
    block_bytes: int = BLOCK_BYTES,
) -> Source:
    """Open an extract file of kind ``extract``, read its header and check it can be imported.

    Raises :class:`UnreadableFile`, with a message naming columns but never a value from a row,
    when nothing in the file could be imported: it is missing, empty, of an unknown kind,
    damaged, binary or in an unsupported encoding; it lacks a required column; a column name
    appears twice; or ``profile`` does not fit ``extract``. ``block_bytes`` is how much of a CSV
    file is read at a time; only tests need another value, to cross block boundaries often.
    """
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(f"{path.name} does not exist or is not a file")
    suffix = path.suffix.lower()
    kind = FORMATS.get(suffix)
    if kind is None:
        raise UnreadableFile(_unknown_extension(path))
    if profile is not None and profile.kind not in (None, extract.kind):
        raise UnreadableFile(
            f"profile {profile.name!r} is for {profile.kind} files, not {extract.kind}"
        )
    if path.stat().st_size == 0:
        raise UnreadableFile(f"{path.name} is empty: it has no header row")
    if kind == "csv":
        return _open_csv(path, extract, profile, max(block_bytes, 1))
    if kind == "xlsx":
        return _open_xlsx(path, extract, profile)
    return _open_parquet(path, extract, profile)


def _unknown_extension(path: Path) -> str:
    shown = ", ".join(FORMATS)
    if path.suffix.lower() in (".xls", ".xlsm", ".xlsb", ".ods"):
        return (
            f"{path.name} is a {path.suffix} workbook, which cannot be read: save it as an "
            "Excel workbook (.xlsx) or as CSV UTF-8"
        )
    ending = f"ending {path.suffix}" if path.suffix else "without an extension"
    return f"{path.name}: files {ending} cannot be read; the file names may end {shown}"
