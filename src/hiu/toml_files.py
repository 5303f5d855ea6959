"""Finding and reading the TOML files users write: mapping profiles and rule sets.

Both are named by a path (anything ending ``.toml`` or holding a slash) or by a name looked up
as ``<name>.toml`` in a site's folder and then among those shipped with hiu. A name is kept to
characters that cannot climb out of a folder.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class TomlFileError(Exception):
    """The file cannot be found or read; callers re-raise it as their own error."""


def find(name_or_path: str, folders: Sequence[Path], what: str) -> Path:
    """The file ``name_or_path`` means. ``what`` names the kind of file in messages, e.g.
    "rule set"."""
    if name_or_path.endswith(".toml") or "/" in name_or_path or "\\" in name_or_path:
        path = Path(name_or_path)
        if not path.is_file():
            raise TomlFileError(f"{what} file {name_or_path} does not exist")
        return path
    if not NAME.fullmatch(name_or_path):
        raise TomlFileError(
            f"{name_or_path!r} is not a {what} name: use letters, digits, '-', '_' and '.'"
        )
    for folder in folders:
        path = folder / f"{name_or_path}.toml"
        if path.is_file():
            return path
    known = sorted({path.stem for folder in folders for path in folder.glob("*.toml")})
    raise TomlFileError(
        f"there is no {what} named {name_or_path!r}; the {what}s are: "
        + (", ".join(known) if known else "(none)")
    )


def read(path: Path, what: str) -> tuple[str, dict[str, Any]]:
    """The file's text and its parsed TOML."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TomlFileError(f"{what} {path}: cannot be read as UTF-8 text ({error})") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib's message ends "(at line N, column M)", which is what the user needs.
        raise TomlFileError(f"{what} {path}: not valid TOML: {error}") from None
