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

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hiu.evaluate.activity import ACTIVITIES

SHIPPED = Path(__file__).with_name("unit_costs") / "england-2020-21.toml"


class UnitCostError(Exception):
    """A unit-cost table is malformed; the message names the key."""


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
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            raise UnitCostError(f"unit-cost table {path} cannot be read as UTF-8 text") from None
        return cls.from_toml_text(text, where=str(path))

    @classmethod
    def from_toml_text(cls, text: str, *, where: str = "unit-cost table") -> UnitCosts:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise UnitCostError(f"{where}: not valid TOML: {error}") from None
        return cls.from_dict(data, where=where)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "unit-cost table") -> UnitCosts:
        """A table from parsed TOML, or from :meth:`to_dict`'s layout (``items`` a list)."""
        name = _text(data, "name", where)
        version = _text(data, "version", where)
        valid_from = data.get("valid_from")
        if isinstance(valid_from, str):
            try:
                valid_from = date.fromisoformat(valid_from)
            except ValueError:
                raise UnitCostError(f"{where}, key valid_from: write a date YYYY-MM-DD") from None
        if valid_from is not None and not isinstance(valid_from, date):
            raise UnitCostError(f"{where}, key valid_from: write a date YYYY-MM-DD")
        if "items" in data:
            tables = {item.get("activity"): item for item in data["items"]}
        else:
            tables = {key: value for key, value in data.items() if isinstance(value, dict)}
        unknown = sorted(str(key) for key in tables if key not in ACTIVITIES)
        if unknown:
            raise UnitCostError(
                f"{where}, key {unknown[0]}: not an activity ({', '.join(ACTIVITIES)})"
            )
        items = []
        for activity in ACTIVITIES:
            table = tables.get(activity)
            if table is None:
                raise UnitCostError(
                    f"{where}, key {activity}: missing; every activity needs a cost"
                )
            cost = table.get("unit_cost")
            if (
                isinstance(cost, bool)
                or not isinstance(cost, int | float)
                or not math.isfinite(cost)
                or cost < 0
            ):
                raise UnitCostError(
                    f"{where}, key {activity}.unit_cost: give a number of pounds, 0 or more"
                )
            items.append(
                UnitCost(
                    activity=activity,
                    unit_cost=float(cost),
                    price_year=_text(table, "price_year", f"{where}, table {activity}"),
                    source=_text(table, "source", f"{where}, table {activity}"),
                )
            )
        return cls(name=name, version=version, valid_from=valid_from, items=tuple(items))

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


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise UnitCostError(f"{where}, key {key}: give some text")
    return value.strip()
