"""Mapping profiles: how one trust's extract differs from the canonical format (DESIGN §5).

A profile is a small TOML file a data coordinator can copy and edit (docs/profiles.md explains
every key). It says which of the file's headers mean which canonical column, which of its code
values mean which canonical value, how its dates are written, and, when detection is not enough,
the file's encoding, delimiter or Excel sheet. A profile's name is its file name without
``.toml``.

Everything in a profile is checked when it is loaded, so that a mistake is reported once, naming
the profile file and the key, rather than as thousands of rejected rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import polars as pl

from hiu import toml_files
from hiu.ingest.errors import ProfileError
from hiu.schemas import EXTRACTS, KINDS, Extract

#: Where the example profiles shipped with hiu live.
SHIPPED_DIR = Path(__file__).with_name("profiles")

#: The encodings a CSV file may be declared in, by the names a profile may use for them.
ENCODINGS: Mapping[str, str] = MappingProxyType(
    {
        "utf-8": "utf-8",
        "utf8": "utf-8",
        "utf-8-sig": "utf-8-sig",
        "utf8-sig": "utf-8-sig",
        "cp1252": "cp1252",
        "windows-1252": "cp1252",
    }
)
#: The delimiters a CSV file may use, by the names a profile may use for them.
DELIMITERS: Mapping[str, str] = MappingProxyType({",": ",", "comma": ",", "\t": "\t", "tab": "\t"})

_TOP_LEVEL = ("description", "kind", "file", "columns", "values", "dates")
_FILE_KEYS = ("encoding", "delimiter", "sheet")
_DATES_KEYS = ("formats",)
# Used to check that a date format is one strptime understands.
_SAMPLE_MOMENT = datetime(2024, 3, 5, 14, 30, 45)


def header_key(header: str) -> str:
    """How a file header is matched against a profile's ``[columns]``: stripped, any case."""
    return header.strip().casefold()


def value_key(value: str) -> str:
    """How a file value is matched against a profile's ``[values]``: stripped, any case.

    ``str.lower`` rather than ``casefold`` because :meth:`Profile.translate` lower-cases the
    frame with Polars, which lower-cases the way ``str.lower`` does.
    """
    return value.strip().lower()


@dataclass(frozen=True)
class Profile:
    """One mapping profile, checked.

    ``columns`` maps a file header to a canonical column name; ``values`` maps, per canonical
    column, a file value to the canonical value. ``date_formats`` are ``strptime`` formats the
    validator tries after ISO 8601. ``sheet``, ``encoding`` and ``delimiter`` override what the
    readers would otherwise detect. ``source`` is the TOML file it was loaded from.
    """

    name: str
    description: str = ""
    kind: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict, hash=False)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)
    date_formats: tuple[str, ...] = ()
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    source: Path | None = None

    def canonical_for(self, header: str) -> str | None:
        """The canonical column this profile maps ``header`` to, if it maps it."""
        wanted = header_key(header)
        for file_header, canonical in self.columns.items():
            if header_key(file_header) == wanted:
                return canonical
        return None

    def translate(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` with this profile's ``values`` applied.

        A value is translated when it equals one of the file values after stripping, in any
        case; every other value, and null, stays exactly as it was. Columns the frame does not
        have are skipped. One vectorised ``replace_strict`` per column, so a million rows take
        milliseconds.
        """
        expressions = []
        for column, mapping in self.values.items():
            if column not in frame.columns or not mapping:
                continue
            original = pl.col(column)
            expressions.append(
                original.str.strip_chars()
                .str.to_lowercase()
                .replace_strict(
                    [value_key(old) for old in mapping],
                    list(mapping.values()),
                    default=original,
                    return_dtype=pl.String,
                )
                .alias(column)
            )
        return frame.with_columns(expressions) if expressions else frame


def load_profile(name_or_path: str, *, search: Sequence[Path] = ()) -> Profile:
    """Load and check a profile.

    ``name_or_path`` is either a path to a ``.toml`` file or a profile name, looked up as
    ``<name>.toml`` in each folder of ``search`` and then among the shipped profiles.
    """
    try:
        return _load(toml_files.find(name_or_path, [*search, SHIPPED_DIR], "profile"))
    except toml_files.TomlFileError as error:
        raise ProfileError(str(error)) from None


def shipped_profiles() -> list[Profile]:
    """The example profiles shipped with hiu, by name."""
    return [_load(path) for path in sorted(SHIPPED_DIR.glob("*.toml"))]


def _load(path: Path) -> Profile:
    try:
        _, data = toml_files.read(path, "profile")
    except toml_files.TomlFileError as error:
        raise ProfileError(str(error)) from None
    return _parse(data, path)


def _parse(data: Mapping[str, Any], path: Path) -> Profile:
    where = f"profile {path}"
    _no_unknown_keys(data, _TOP_LEVEL, where, "")
    description = _optional_string(data, "description", where) or ""
    kind = _optional_string(data, "kind", where)
    if kind is not None and kind not in EXTRACTS:
        raise ProfileError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    extracts = [EXTRACTS[kind]] if kind is not None else list(EXTRACTS.values())

    file = _table(data, "file", where)
    _no_unknown_keys(file, _FILE_KEYS, where, "[file] ")
    encoding = _choice(file, "encoding", ENCODINGS, where)
    delimiter = _choice(file, "delimiter", DELIMITERS, where)
    sheet = _optional_string(file, "sheet", where, table="[file] ")

    columns = _columns(data, extracts, where)
    values = _values(data, extracts, where)

    dates = _table(data, "dates", where)
    _no_unknown_keys(dates, _DATES_KEYS, where, "[dates] ")
    formats = _date_formats(dates, where)

    return Profile(
        name=path.stem,
        description=description,
        kind=kind,
        columns=MappingProxyType(dict(columns)),
        values=MappingProxyType(values),
        date_formats=formats,
        sheet=sheet,
        encoding=encoding,
        delimiter=delimiter,
        source=path,
    )


def _columns(data: Mapping[str, Any], extracts: Sequence[Extract], where: str) -> dict[str, str]:
    columns = _string_table(data, "columns", where)
    seen: dict[str, str] = {}
    for header, canonical in columns.items():
        _check_column(canonical, extracts, where, f"[columns] {header!r} maps to {canonical!r}")
        key = header_key(header)
        if key in seen:
            raise ProfileError(
                f"{where}: [columns] {seen[key]!r} and {header!r} are the same header "
                "(headers match in any case)"
            )
        seen[key] = header
    return columns


def _values(
    data: Mapping[str, Any], extracts: Sequence[Extract], where: str
) -> dict[str, Mapping[str, str]]:
    values: dict[str, Mapping[str, str]] = {}
    for column, table in _table(data, "values", where).items():
        label = f"[values.{column}]"
        _check_column(column, extracts, where, f"{label} is for {column!r}")
        mapping = _string_mapping(table, where, label)
        _check_values(column, mapping, extracts, where, label)
        values[column] = MappingProxyType(mapping)
    return values


def _no_unknown_keys(table: Mapping[str, Any], allowed: Sequence[str], where: str, at: str) -> None:
    for key in table:
        if key not in allowed:
            hint = " (a profile's name is its file name)" if key == "name" and not at else ""
            raise ProfileError(
                f"{where}: {at}unknown key {key!r}{hint}; the keys are {', '.join(allowed)}"
            )


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise ProfileError(f"{where}: {key!r} must be a table, written [{key}]")
    return table


def _optional_string(
    data: Mapping[str, Any], key: str, where: str, *, table: str = ""
) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ProfileError(f"{where}: {table}{key!r} must be text in quotes")
    return value


def _choice(
    data: Mapping[str, Any], key: str, choices: Mapping[str, str], where: str
) -> str | None:
    value = _optional_string(data, key, where, table="[file] ")
    if value is None:
        return None
    # A tab written "\t" is whitespace itself, so look it up before stripping.
    for candidate in (value.lower(), value.strip().lower()):
        if candidate in choices:
            return choices[candidate]
    shown = ", ".join(repr(choice) for choice in choices)
    raise ProfileError(f"{where}: [file] {key} {value!r} is not supported; use one of {shown}")


def _string_table(data: Mapping[str, Any], key: str, where: str) -> dict[str, str]:
    return _string_mapping(_table(data, key, where), where, f"[{key}]")


def _string_mapping(table: Any, where: str, label: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ProfileError(f'{where}: {label} must be a table of "file value" = "value" lines')
    mapping: dict[str, str] = {}
    for key, value in table.items():
        if not isinstance(value, str):
            raise ProfileError(
                f"{where}: {label} {key!r} must map to text in quotes, not {type(value).__name__}"
            )
        mapping[key] = value
    return mapping


def _check_column(column: str, extracts: Sequence[Extract], where: str, what: str) -> None:
    if any(column in extract.names for extract in extracts):
        return
    if len(extracts) == 1:
        names = ", ".join(extracts[0].names)
        raise ProfileError(
            f"{where}: {what}, which is not a column of {extracts[0].kind}; the columns are {names}"
        )
    raise ProfileError(
        f"{where}: {what}, which is not a column of any extract (set kind to see its columns)"
    )


def _check_values(
    column: str, mapping: Mapping[str, str], extracts: Sequence[Extract], where: str, label: str
) -> None:
    seen: dict[str, str] = {}
    for old, new in mapping.items():
        key = value_key(old)
        if key in seen:
            raise ProfileError(
                f"{where}: {label} {seen[key]!r} and {old!r} are the same value "
                "(values match in any case)"
            )
        seen[key] = old
        # Where the canonical column has a fixed list of codes, the target must be one of them
        # (in at least one extract that has the column, when the profile names no kind).
        code_sets = [
            extract.column(column).codes for extract in extracts if column in extract.names
        ]
        if code_sets and all(codes is not None and new not in codes for codes in code_sets):
            allowed = sorted(set().union(*(codes or () for codes in code_sets)))
            raise ProfileError(
                f"{where}: {label} {old!r} maps to {new!r}, which is not a code of {column}; "
                f"the codes are {', '.join(allowed)}"
            )


def _date_formats(dates: Mapping[str, Any], where: str) -> tuple[str, ...]:
    formats = dates.get("formats", [])
    if not isinstance(formats, list) or not all(isinstance(item, str) for item in formats):
        raise ProfileError(f'{where}: [dates] formats must be a list like ["%d/%m/%Y %H:%M"]')
    for item in formats:
        try:
            # strptime rejects an unknown directive; strftime alone would copy it through.
            datetime.strptime(_SAMPLE_MOMENT.strftime(item), item)
        except ValueError as error:
            raise ProfileError(
                f"{where}: [dates] format {item!r} is not a strptime format ({error})"
            ) from None
        if "%" not in item:
            raise ProfileError(f"{where}: [dates] format {item!r} has no % directive")
    return tuple(formats)
