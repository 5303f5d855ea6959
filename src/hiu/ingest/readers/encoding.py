"""The encoding of a CSV file: the one scan of the whole file that decides it, and how lines
and blocks are decoded under what it decided."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hiu.ingest.errors import UnreadableFile
from hiu.ingest.readers.sizes import BLOCK_BYTES


def _scan_encoding(path: Path, start: int, forced: str | None, bom: bool, block: int) -> str:
    """The file's encoding label, from one pass over the whole file.

    Without a profile's say-so: UTF-8 (``utf-8-sig`` with a byte order mark) when every line is
    UTF-8; Windows-1252 when no line is UTF-8 with non-ASCII characters but some are not UTF-8;
    "mixed" when both kinds of line occur (each line is then decoded in whichever it is valid).
    A line valid in neither makes the file unreadable, as does a line not valid in the
    encoding a profile insists on. Plain ASCII, most of most files, is skipped at memory speed.
    """
    seen = _EncodingsSeen(path, start, forced)
    with path.open("rb") as file:
        file.seek(start)
        offset = start
        carry = b""
        while data := file.read(block):
            data = carry + data if carry else data
            carry = b""
            if data.isascii():
                offset += len(data)
                continue
            # Decide line by line, so cut the block after its last line feed.
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                carry = data
                continue
            seen.block(data[:cut], offset)
            offset += cut
            carry = data[cut:]
        if carry:
            seen.block(carry, offset)
    if forced == "cp1252":
        return "cp1252"
    if seen.other:
        return "mixed" if seen.utf8 else "cp1252"
    return "utf-8-sig" if bom else "utf-8"


class _EncodingsSeen:
    """What the encoding scan has met so far; refuses a line no allowed encoding can read."""

    def __init__(self, path: Path, start: int, forced: str | None) -> None:
        self._path = path
        self._start = start
        self._forced = forced
        self.utf8 = False  # a line of valid UTF-8 with non-ASCII characters
        self.other = False  # a line that is not UTF-8

    def block(self, block: bytes, offset: int) -> None:
        if block.isascii():
            return
        if self._forced == "cp1252":
            self._decode_or_refuse(block, offset, "cp1252", "Windows-1252")
            return
        try:
            block.decode("utf-8")
            self.utf8 = True
            return
        except UnicodeDecodeError as error:
            if self._forced is not None:
                line = self._line_at(offset + error.start)
                raise UnreadableFile(
                    f"line {line} of {self._path.name} is not UTF-8 text, but the profile says "
                    "the file is UTF-8"
                ) from None
        position = offset
        for raw in block.split(b"\n"):
            if not raw.isascii():
                try:
                    raw.decode("utf-8")
                    self.utf8 = True
                except UnicodeDecodeError:
                    self.other = True
                    self._decode_or_refuse(raw, position, "cp1252", "UTF-8 or Windows-1252")
            position += len(raw) + 1

    def _decode_or_refuse(self, data: bytes, offset: int, encoding: str, what: str) -> None:
        try:
            data.decode(encoding)
        except UnicodeDecodeError as error:
            line = self._line_at(offset + error.start)
            raise UnreadableFile(
                f"line {line} of {self._path.name} is not {what} text: the file may be binary "
                "or damaged; save it as CSV UTF-8"
            ) from None

    def _line_at(self, offset: int) -> int:
        """The line number of a byte offset (only needed for an error, so read again)."""
        with self._path.open("rb") as file:
            file.seek(self._start)
            line, remaining = 1, offset - self._start
            while remaining > 0 and (data := file.read(min(remaining, BLOCK_BYTES))):
                line += data.count(b"\n")
                remaining -= len(data)
        return line


def _decoder(encoding: str) -> Callable[[bytes], str]:
    """How a line is decoded under an encoding label (see :func:`_scan_encoding`)."""
    if encoding == "cp1252":
        return lambda raw: raw.decode("cp1252", errors="replace")
    if encoding == "mixed":
        return _decode_mixed
    return lambda raw: raw.decode("utf-8", errors="replace")


def _decode_mixed(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _to_utf8(block: bytes, encoding: str) -> bytes:
    """A block of whole lines as UTF-8, for Polars. Line structure is unchanged: every encoding
    here writes newlines, quotes and delimiters as the same single ASCII bytes."""
    if block.isascii() or encoding in ("utf-8", "utf-8-sig"):
        return block
    if encoding == "cp1252":
        return block.decode("cp1252", errors="replace").encode("utf-8")
    try:
        block.decode("utf-8")
        return block
    except UnicodeDecodeError:
        return b"\n".join(_decode_mixed(raw).encode("utf-8") for raw in block.split(b"\n"))
