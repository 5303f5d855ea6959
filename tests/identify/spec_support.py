"""Helpers for the spec tests: a rule set written as TOML text, activity written as text tables
(``identify_support.table``), and short ways to read the list an engine returns."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from identify_support import RunEngine, table

from hiu.identify.listing import IdentifiedList
from hiu.identify.rules import RuleSet, load_rules

day = date.fromisoformat


def rule_set(tmp_path: Path, text: str, name: str = "spec") -> RuleSet:
    """A rule set from the TOML ``text`` (title and source are added)."""
    path = tmp_path / f"{name}.toml"
    path.write_text('title = "Spec"\nsource = "a spec test"\n' + textwrap.dedent(text))
    return load_rules(str(path))


def run(
    engine: RunEngine,
    rules: RuleSet,
    as_of: str,
    *,
    top: int | None = None,
    **tables: str,
) -> IdentifiedList:
    """Run ``engine`` on activity given as text tables by kind (``people="..."``,
    ``ed_attendances="..."``, ...); kinds not given are missing from the store."""
    frames = {kind: table(kind, text) for kind, text in tables.items()}
    return engine(frames, rules, day(as_of), top)


def rows(frame: pl.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    """The rows of ``columns``, in the frame's order."""
    return list(frame.select(columns).iter_rows())


def listed(result: IdentifiedList) -> dict[str, date]:
    """Who is listed, with their eligibility date."""
    return dict(rows(result.listed, "nhs_number", "eligibility_date"))


def excluded(result: IdentifiedList) -> dict[str, str]:
    """Who is excluded, with the reasons."""
    return dict(rows(result.excluded, "nhs_number", "reasons"))


def one(result: IdentifiedList, nhs_number: str) -> dict[str, Any]:
    """The listed row of one person."""
    found = result.listed.filter(pl.col("nhs_number") == nhs_number)
    assert found.height == 1, f"{nhs_number} is listed {found.height} times"
    return found.row(0, named=True)
