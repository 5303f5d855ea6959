"""Header names: a file's own headers renamed to the column names chunks have, and checked.

Headers are renamed to canonical column names: first by the mapping profile's ``[columns]``,
then by normalising ("Attendance ID" means ``attendance_id``). Other headers are kept as extra
columns under their own names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hiu.ingest.errors import UnreadableFile
from hiu.ingest.profiles import Profile
from hiu.schemas import Extract


def normalise(header: str) -> str:
    """A header as compared with canonical names: "Attendance ID" -> "attendance_id"."""
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def column_names(
    original: Sequence[str], extract: Extract, profile: Profile | None, file_name: str
) -> tuple[str, ...]:
    """The names the file's columns take in chunks, checked; see the module docstring."""
    canonical = {normalise(name): name for name in extract.names}
    names: list[str] = []
    for position, header in enumerate(original, start=1):
        mapped = profile.canonical_for(header) if profile is not None and header else None
        if mapped is not None and mapped not in extract.names:
            assert profile is not None
            raise UnreadableFile(
                f"profile {profile.name!r} maps column {header!r} to {mapped!r}, which is not "
                f"a column of {extract.kind}; the columns are {', '.join(extract.names)}"
            )
        if mapped is None:
            mapped = canonical.get(normalise(header)) if header else None
        if mapped is None:
            mapped = header or f"column_{position}"
            if mapped.startswith("_"):
                mapped = f"extra{mapped}"
        names.append(mapped)
    _check_duplicates(names, original, file_name)
    _check_required(names, original, extract, file_name)
    return tuple(names)


#: Header cells like these are probably values (an NHS number, a date, a phone number, an
#: e-mail address), not column names: error messages never quote them.
_VALUE_LIKE = re.compile(r"\d{4}|@|^\d[\d\s/.:-]*$")


def _looks_like_a_value(header: str) -> bool:
    return bool(_VALUE_LIKE.search(header)) or len(header) > 60


def _shown_header(header: str) -> str:
    return "(a value, not shown)" if _looks_like_a_value(header) else repr(header)


def _check_duplicates(names: Sequence[str], original: Sequence[str], file_name: str) -> None:
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(names, start=1):
        positions.setdefault(name, []).append(position)
    for name, where in positions.items():
        if len(where) < 2:
            continue
        times = "twice" if len(where) == 2 else f"{len(where)} times"
        listed = ", ".join(str(p) for p in where[:-1]) + f" and {where[-1]}"
        message = f"{file_name}: column {name!r} appears {times} (columns {listed})"
        headers = [original[p - 1] for p in where]
        if any(header != name for header in headers):
            shown = ", ".join(_shown_header(h) for h in headers)
            message += f"; the headers {shown} all mean {name}"
        raise UnreadableFile(message)


def _check_required(
    names: Sequence[str], original: Sequence[str], extract: Extract, file_name: str
) -> None:
    missing = [name for name in extract.required if name not in names]
    if not missing:
        return
    message = (
        f"{file_name} has no column for {', '.join(missing)}, which {extract.title} extracts "
        "must have."
    )
    values = sum(_looks_like_a_value(header) for header in original)
    recognised = set(names) & set(extract.names)
    if original and (values * 2 >= len(original) or (values and not recognised)):
        # Never list them: in a file without a header row they are a patient's details.
        message += (
            " Its first row looks like data rather than column names: the file may have no "
            "header row."
        )
    else:
        found = ", ".join(_shown_header(header) for header in original) or "(none)"
        message += f" The columns found are: {found}."
    if len(original) == 1:
        other = next((d for d in (";", "|") if d in original[0]), None)
        if other is not None:
            message += (
                f" The header is one column containing {other!r}: the file seems to use "
                f"{other!r} between values, but only commas and tabs are supported."
            )
    raise UnreadableFile(message)
