"""Spec: the unit-cost table, shipped and a service's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from hiu.evaluate.activity import ACTIVITIES
from hiu.evaluate.unit_costs import UnitCostError, UnitCosts

OWN = """
name = "our-trust"
version = "2"
valid_from = "2025-04-01"
""" + "".join(
    f'\n[{activity}]\nunit_cost = {10 * (n + 1)}\nprice_year = "2024/25"\nsource = "local"\n'
    for n, activity in enumerate(ACTIVITIES)
)


def test_the_shipped_table_prices_every_activity_with_a_year_and_a_source() -> None:
    table = UnitCosts.default()
    assert [item.activity for item in table.items] == list(ACTIVITIES)
    for item in table.items:
        assert item.unit_cost >= 0
        assert item.price_year
        assert len(item.source) > 20
    assert table.cost_of("bed_days") > 0


def test_a_service_s_own_table_is_read_from_toml_text_and_survives_a_round_trip() -> None:
    table = UnitCosts.from_toml_text(OWN)
    assert table.name == "our-trust"
    assert table.cost_of("admissions") == 40.0
    assert UnitCosts.from_dict(table.to_dict()) == table


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[bed_days]", "[bed_nights]"), "bed_nights: not an activity"),
        (("unit_cost = 50", "unit_cost = -50"), "bed_days.unit_cost"),
        (('version = "2"', ""), "key version"),
    ],
)
def test_a_malformed_table_is_refused_naming_the_key(change: tuple[str, str], message: str) -> None:
    with pytest.raises(UnitCostError, match=message):
        UnitCosts.from_toml_text(OWN.replace(*change))


def test_a_table_s_file_and_line_are_named(tmp_path: Path) -> None:
    path = tmp_path / "ours.toml"
    path.write_text(OWN.replace("unit_cost = 50", "unit_cost = -50"), encoding="utf-8")
    with pytest.raises(UnitCostError) as caught:
        UnitCosts.from_file(path)
    assert str(caught.value).startswith(
        f"unit-cost table {path}, line 27, key bed_days.unit_cost: give a number of pounds"
    )
