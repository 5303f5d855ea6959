"""Mapping profiles: how one trust's extract differs from the canonical format (DESIGN §5).

A profile is a small TOML file a data coordinator can copy and edit (docs/profiles.md explains
every key). It says which of the file's headers mean which canonical column, which of its code
values mean which canonical value, how its dates are written, and, when detection is not enough,
the file's encoding, delimiter or Excel sheet. A profile's name is its file name without
``.toml``.

Everything in a profile is checked when it is loaded, so that a mistake is reported once, naming
the profile file, the line and the key, rather than as thousands of rejected rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Self

import polars as pl
from pydantic import AfterValidator, StrictStr, WithJsonSchema, model_validator
from pydantic_core import ErrorDetails

from hiu import toml_files
from hiu.ingest.errors import ProfileError
from hiu.schemas import EXTRACTS, KINDS, Extract
from hiu.toml_files import Table

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
        text, data = toml_files.read(path, "profile")
        # A profile's messages name their table and key themselves: "[file] encoding ...".
        checked = toml_files.validate(
            ProfileFile, data, f"profile {path}", text, explain=_explain, name_key=False
        )
    except toml_files.TomlFileError as error:
        raise ProfileError(str(error)) from None
    return checked.profile(path)


# The file, as pydantic models (ADR 0017) ------------------------------------------------------


def _explain(error: ErrorDetails, loc: toml_files.Loc) -> str | None:
    if not loc:
        return None
    *table, key = (str(part) for part in loc)
    label = f"[{'.'.join(table)}] " if table else ""
    kind = error["type"]
    if kind == "unknown_key":
        hint = " (a profile's name is its file name)" if key == "name" and not table else ""
        return f"{label}unknown key {key!r}{hint}; the keys are {error.get('ctx', {})['keys']}"
    if loc[:2] == ("dates", "formats"):
        return '[dates] formats must be a list like ["%d/%m/%Y %H:%M"]'
    if kind == "string_type" and loc[0] in ("columns", "values"):
        return f"{label}{key!r} must map to text in quotes, not {type(error['input']).__name__}"
    if kind == "string_type":
        return f"{label}{key!r} must be text in quotes"
    if kind in ("dict_type", "model_type") and table == ["values"]:
        return f'[values.{key}] must be a table of "file value" = "value" lines'
    if kind in ("dict_type", "model_type"):
        return f"{key!r} must be a table, written [{key}]"
    return None


def _kind(kind: str) -> str:
    if kind not in EXTRACTS:
        raise toml_files.invalid(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    return kind


def _choice(key: str, choices: Mapping[str, str]) -> Any:
    def check(value: str) -> str:
        # A tab written "\t" is whitespace itself, so look it up before stripping.
        for candidate in (value.lower(), value.strip().lower()):
            if candidate in choices:
                return choices[candidate]
        shown = ", ".join(repr(choice) for choice in choices)
        raise toml_files.invalid(f"[file] {key} {value!r} is not supported; use one of {shown}")

    return AfterValidator(check)


def _date_format(item: str) -> str:
    try:
        # strptime rejects an unknown directive; strftime alone would copy it through.
        datetime.strptime(_SAMPLE_MOMENT.strftime(item), item)
    except ValueError as error:
        raise toml_files.invalid(
            f"[dates] format {item!r} is not a strptime format ({error})"
        ) from None
    if "%" not in item:
        raise toml_files.invalid(f"[dates] format {item!r} has no % directive")
    return item


class FileTable(Table):
    """How the file is written, when detecting it is not enough."""

    encoding: Annotated[StrictStr, _choice("encoding", ENCODINGS)] | None = None
    """"utf-8", "utf-8-sig" or "cp1252" (Windows-1252); left out, hiu works it out."""
    delimiter: Annotated[StrictStr, _choice("delimiter", DELIMITERS)] | None = None
    """"," (or "comma") or "tab" (or "\\t"); left out, hiu works it out."""
    sheet: StrictStr | None = None
    """For an Excel workbook, the sheet to read (otherwise the first)."""


class DatesTable(Table):
    formats: tuple[Annotated[StrictStr, AfterValidator(_date_format)], ...] = ()
    """strptime formats tried after ISO 8601, e.g. "%d/%m/%Y %H:%M"."""


class ProfileFile(Table):
    """A mapping profile: how one trust's extract differs from the canonical format
    (docs/profiles.md)."""

    description: StrictStr = ""
    """Which extract this profile is for."""
    kind: (
        Annotated[
            StrictStr,
            AfterValidator(_kind),
            WithJsonSchema({"type": "string", "enum": list(KINDS)}),
        ]
        | None
    ) = None
    """The kind of extract; its columns and codes are then checked."""
    file: FileTable = FileTable()
    columns: dict[str, StrictStr] = {}
    """"Header in your file" = "canonical column"."""
    values: dict[str, dict[str, StrictStr]] = {}
    """[values.COLUMN]: "value in your file" = "canonical value"."""
    dates: DatesTable = DatesTable()

    @model_validator(mode="after")
    def _known_columns_and_codes(self) -> Self:
        extracts = [EXTRACTS[self.kind]] if self.kind is not None else list(EXTRACTS.values())
        seen: dict[str, str] = {}
        for header, canonical in self.columns.items():
            what = f"[columns] {header!r} maps to {canonical!r}"
            _check_column(canonical, extracts, what, "columns", header)
            key = header_key(header)
            if key in seen:
                raise toml_files.invalid(
                    f"[columns] {seen[key]!r} and {header!r} are the same header "
                    "(headers match in any case)",
                    "columns",
                    header,
                )
            seen[key] = header
        for column, mapping in self.values.items():
            _check_column(
                column, extracts, f"[values.{column}] is for {column!r}", "values", column
            )
            _check_values(column, mapping, extracts)
        return self

    def profile(self, path: Path) -> Profile:
        return Profile(
            name=path.stem,
            description=self.description,
            kind=self.kind,
            columns=MappingProxyType(dict(self.columns)),
            values=MappingProxyType(
                {column: MappingProxyType(dict(mapping)) for column, mapping in self.values.items()}
            ),
            date_formats=self.dates.formats,
            sheet=self.file.sheet,
            encoding=self.file.encoding,
            delimiter=self.file.delimiter,
            source=path,
        )


def _check_column(column: str, extracts: Sequence[Extract], what: str, *at: str) -> None:
    if any(column in extract.names for extract in extracts):
        return
    if len(extracts) == 1:
        names = ", ".join(extracts[0].names)
        raise toml_files.invalid(
            f"{what}, which is not a column of {extracts[0].kind}; the columns are {names}", *at
        )
    raise toml_files.invalid(
        f"{what}, which is not a column of any extract (set kind to see its columns)", *at
    )


def _check_values(column: str, mapping: Mapping[str, str], extracts: Sequence[Extract]) -> None:
    label = f"[values.{column}]"
    seen: dict[str, str] = {}
    for old, new in mapping.items():
        key = value_key(old)
        if key in seen:
            raise toml_files.invalid(
                f"{label} {seen[key]!r} and {old!r} are the same value (values match in any case)",
                "values",
                column,
                old,
            )
        seen[key] = old
        # Where the canonical column has a fixed list of codes, the target must be one of them
        # (in at least one extract that has the column, when the profile names no kind).
        code_sets = [
            extract.column(column).codes for extract in extracts if column in extract.names
        ]
        if code_sets and all(codes is not None and new not in codes for codes in code_sets):
            allowed = sorted(set().union(*(codes or () for codes in code_sets)))
            raise toml_files.invalid(
                f"{label} {old!r} maps to {new!r}, which is not a code of {column}; "
                f"the codes are {', '.join(allowed)}",
                "values",
                column,
                old,
            )
