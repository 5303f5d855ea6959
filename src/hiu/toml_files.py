"""Finding, reading and checking the TOML files users write: rule sets, mapping profiles and
unit-cost tables.

A file is named by a path (anything ending ``.toml`` or holding a slash) or by a name looked up
as ``<name>.toml`` in a site's folder and then among those shipped with hiu. A name is kept to
characters that cannot climb out of a folder.

Each kind of file is a pydantic model (ADR 0017); :func:`validate` checks parsed TOML against
one and reports the first mistake as ``<what> <file>, line N, key a.b[0].c: message``, in words
a data coordinator can act on rather than pydantic's. :func:`json_schema` gives the model's JSON
Schema for editors (``docs/schemas``, written by ``python -m hiu.toml_schemas``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import ErrorDetails, PydanticCustomError, core_schema

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

#: Where a value is in a file: its keys and array indexes from the top, e.g. ("thresholds", 0).
Loc = tuple[str | int, ...]
#: A loader's own words for one of pydantic's errors (None: the shared words below).
Explain = Callable[[ErrorDetails, Loc], str | None]
M = TypeVar("M", bound=BaseModel)

_OURS = "hiu"  # the error type of :func:`invalid`: its message is shown as written
_WORDS = {
    "missing": "is required",
    "unknown_key": "unknown key; the keys here are {keys}",
    "string_type": "must be text in quotes",
    "string_too_short": "must be text in quotes",
    "int_type": "must be a whole number, not in quotes",
    "bool_type": "must be true or false, not in quotes",
    "float_type": "must be a number, not in quotes",
    "greater_than_equal": "must be at least {ge}, not {input}",
    "less_than_equal": "must be at most {le}, not {input}",
    "enum": "{input!r} is not one of {expected}",
    "list_type": 'must be a list of text, like ["a", "b"]',
    "tuple_type": 'must be a list of text, like ["a", "b"]',
    "dict_type": "must be a table",
    "model_type": "must be a table",
}


class TomlFileError(Exception):
    """The file cannot be found, read or checked; callers re-raise it as their own error."""


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
    return text, parse(text, f"{what} {path}")


def parse(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib's message ends "(at line N, column M)", which is what the user needs.
        raise TomlFileError(f"{where}: not valid TOML: {error}") from None


# Checking -------------------------------------------------------------------------------------


def invalid(message: str, *at: str | int) -> PydanticCustomError:
    """A mistake a validator found, reported as written; ``at`` is the key it is at, below the
    value being validated (a model validator names the field it faults)."""
    return PydanticCustomError(_OURS, "{message}", {"message": message, "at": at})


class Table(BaseModel):
    """A TOML table: frozen, and a key it does not define is refused, naming the keys it has."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            keys = [field.alias or name for name, field in cls.model_fields.items()]
            for key in data:
                if key not in keys:
                    raise PydanticCustomError(
                        "unknown_key", "unknown key", {"at": (key,), "keys": ", ".join(keys)}
                    )
        return data


def validate(
    model: type[M],
    data: Any,
    where: str,
    text: str | None = None,
    *,
    explain: Explain | None = None,
    name_key: bool = True,
    context: dict[str, Any] | None = None,
) -> M:
    """``data`` checked as ``model``. The first mistake raises :class:`TomlFileError` naming
    ``where`` (e.g. "rule set ours.toml"), the line in ``text`` when it can be found, and the
    key (unless ``name_key`` is false: the loader's ``explain`` words name it themselves)."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as errors:
        error = errors.errors()[0]
        ctx = error.get("ctx", {})
        loc = tuple(part for part in (*error["loc"], *ctx.get("at", ())) if part != "[key]")
        if error["type"] == _OURS:
            message = error["msg"]
        else:
            words = _WORDS.get(error["type"])
            message = (explain and explain(error, loc)) or (
                words.format(input=error["input"], **ctx) if words else error["msg"]
            )
        line = Lines(text).find(loc) if text is not None else None
        at = f", line {line}" if line else ""
        key = f", key {key_name(loc)}" if name_key and loc else ""
        raise TomlFileError(f"{where}{at}{key}: {message}") from None


def key_name(loc: Loc) -> str:
    """``("thresholds", 0, "at_least")`` as ``thresholds[0].at_least``."""
    return "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" if index else part
        for index, part in enumerate(loc)
    )


class Lines:
    """Finds the line a key was written on, for messages: tomllib gives no positions.

    It follows ``[table]`` and ``[[array]]`` headers and ``key =`` lines (bare or quoted keys),
    which is how the shipped files and docs write them; a key it cannot place is reported at
    its table's header, and one in no table at no line.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?")
    _KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*=""")

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        arrays: dict[str, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                name = header.group(2).replace('"', "").replace(" ", "")
                if header.group(1) == "[[":
                    index = arrays.get(name, -1) + 1
                    arrays[name] = index
                    table = (*name.split("."), str(index))
                else:
                    table = tuple(name.split("."))
                self.lines.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if key:
                self.lines.setdefault((*table, key.group(1).strip("\"'")), number)

    def find(self, loc: Loc) -> int | None:
        path = tuple(str(part) for part in loc)
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


# JSON Schema ----------------------------------------------------------------------------------


class _TomlSchema(GenerateJsonSchema):
    """TOML has no null (an optional key is left out, so has no default to show), a table's
    defaults are its keys' own, and editors show keys, not titles."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json = super().default_schema(schema)
        if json.get("default") is None or isinstance(json["default"], dict):
            json.pop("default", None)
        return json

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def json_schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    """The JSON Schema of the files ``model`` checks, for editors (Taplo, Even Better TOML);
    its description is the model's docstring."""
    return model.model_json_schema(schema_generator=_TomlSchema) | {"title": title}
