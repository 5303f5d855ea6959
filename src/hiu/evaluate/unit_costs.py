"""Unit costs: what each avoided event is worth, from a versioned table (DESIGN §7).

Sites price before/after counts at unit costs (002 §4.3.5); DESIGN §7 asks for "costs from a
versioned unit-cost table (year and source on every figure)". A table is TOML::

    name = "england-2020-21"
    version = "1"
    valid_from = "2021-04-01"

    [ed_attendances]
    unit_cost = 114.0          # GBP
    price_year = "2013/14"
    source = "National Schedule of Reference Costs 2013-14 ..."

with one table for each of ``ed_attendances``, ``ambulance_incidents``, ``nhs111_calls``,
``admissions`` and ``bed_days``. The shipped table is in ``hiu/evaluate/unit_costs/``; a
service passes its own with ``hiu evaluate --unit-costs FILE``, and the web app keeps edited
tables and passes a :class:`UnitCosts` built with :meth:`UnitCosts.from_dict`.

The cost of an evaluation's savings are avoided events times unit costs; they are not cash
(002 §4.3.5: A&E "does not reduce capacity as a result of HIU activity").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictStr,
    StringConstraints,
    model_validator,
)
from pydantic_core import ErrorDetails

from hiu import toml_files
from hiu.evaluate.activity import ACTIVITIES

SHIPPED = Path(__file__).with_name("unit_costs") / "england-2020-21.toml"


class UnitCostError(Exception):
    """A unit-cost table is malformed; the message names the file, the line and the key."""


@dataclass(frozen=True)
class UnitCost:
    activity: str
    unit_cost: float
    price_year: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "activity": self.activity,
            "unit_cost": self.unit_cost,
            "price_year": self.price_year,
            "source": self.source,
        }


@dataclass(frozen=True)
class UnitCosts:
    name: str
    version: str
    valid_from: date | None
    items: tuple[UnitCost, ...]

    @classmethod
    def default(cls) -> UnitCosts:
        return cls.from_file(SHIPPED)

    @classmethod
    def from_file(cls, path: Path) -> UnitCosts:
        try:
            text, data = toml_files.read(path, "unit-cost table")
        except toml_files.TomlFileError as error:
            raise UnitCostError(str(error)) from None
        return _checked(data, f"unit-cost table {path}", text)

    @classmethod
    def from_toml_text(cls, text: str, *, where: str = "unit-cost table") -> UnitCosts:
        try:
            data = toml_files.parse(text, where)
        except toml_files.TomlFileError as error:
            raise UnitCostError(str(error)) from None
        return _checked(data, where, text)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "unit-cost table") -> UnitCosts:
        """A table from parsed TOML, or from :meth:`to_dict`'s layout (``items`` a list)."""
        if "items" in data:
            items = {item.get("activity"): item for item in data["items"]}
            data = {key: value for key, value in data.items() if key != "items"} | items
        return _checked(data, where)

    def cost_of(self, activity: str) -> float:
        for item in self.items:
            if item.activity == activity:
                return item.unit_cost
        raise KeyError(activity)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "items": [item.to_dict() for item in self.items],
        }


def _checked(data: Any, where: str, text: str | None = None) -> UnitCosts:
    try:
        return toml_files.validate(UnitCostsFile, data, where, text, explain=_explain).unit_costs()
    except toml_files.TomlFileError as error:
        raise UnitCostError(str(error)) from None


# The file, as pydantic models (ADR 0017) ------------------------------------------------------


def _explain(error: ErrorDetails, loc: toml_files.Loc) -> str | None:
    key = loc[-1] if loc else ""
    if key == "unit_cost":
        return "give a number of pounds, 0 or more"
    if key == "valid_from":
        return "write a date YYYY-MM-DD"
    if key in ("name", "version", "price_year", "source"):
        return "give some text"
    if error["type"] == "missing":
        return "missing; every activity needs a cost"
    return None


def _iso_date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


Text = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]
# Keys these tables do not define are ignored, as they always were; a table that is not an
# activity is refused.
_CONFIG = ConfigDict(frozen=True, use_attribute_docstrings=True)


class CostTable(BaseModel):
    """What one avoided event of this activity is worth, with its year and source."""

    model_config = _CONFIG
    unit_cost: Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]
    """Pounds, 0 or more."""
    price_year: Text
    """The year the cost is priced in, e.g. "2020/21"."""
    source: Text
    """Where the figure comes from."""


class UnitCostsFile(BaseModel):
    """A unit-cost table (docs/evaluation.md): one table for each activity."""

    model_config = _CONFIG
    name: Text
    version: Text
    valid_from: Annotated[date | None, Field(strict=True), BeforeValidator(_iso_date)] = None
    """The first day the table applies to, YYYY-MM-DD."""
    ed_attendances: CostTable
    ambulance_incidents: CostTable
    nhs111_calls: CostTable
    admissions: CostTable
    """An emergency admission: one non-elective day, treatment included."""
    bed_days: CostTable
    """Each night of an admission's stay."""

    @model_validator(mode="before")
    @classmethod
    def _activities_only(cls, data: Any) -> Any:
        if isinstance(data, dict):
            tables = (key for key, value in data.items() if isinstance(value, dict))
            unknown = sorted(str(key) for key in tables if key not in ACTIVITIES)
            if unknown:
                message = f"not an activity ({', '.join(ACTIVITIES)})"
                raise toml_files.invalid(message, unknown[0])
        return data

    def unit_costs(self) -> UnitCosts:
        items = []
        for activity in ACTIVITIES:
            table: CostTable = getattr(self, activity)
            items.append(UnitCost(activity, table.unit_cost, table.price_year, table.source))
        return UnitCosts(self.name, self.version, self.valid_from, tuple(items))
