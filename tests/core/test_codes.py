"""The code tables (hiu.codes): words for the codes the extracts carry, never a guess."""

from __future__ import annotations

import pytest

from hiu.codes import SYSTEMS, describe, description, table
from hiu.schemas import ADMISSION_METHODS, ATTENDANCE_CATEGORIES
from hiu.synth import codes as synthetic


def test_an_arrival_mode_shows_its_ecds_description() -> None:
    assert describe("arrival_mode", "1048071000000103") == "Own transport"
    assert describe("arrival_mode", "1048031000000100") == "Emergency road ambulance"


def test_an_unknown_code_shows_the_code_marked_unknown() -> None:
    assert describe("arrival_mode", "123456789") == "123456789 (unknown code)"
    assert description("arrival_mode", "123456789") is None


@pytest.mark.parametrize("empty", [None, "", "  "])
def test_no_code_shows_nothing(empty: str | None) -> None:
    assert describe("arrival_mode", empty) == ""


def test_every_admission_method_and_attendance_category_the_ingest_accepts_has_words() -> None:
    assert set(table("admission_method")) >= ADMISSION_METHODS
    assert set(table("attendance_category")) == ATTENDANCE_CATEGORIES


def test_the_synthetic_extracts_codes_all_have_words() -> None:
    arrivals = {
        synthetic.ARRIVAL_OWN_TRANSPORT,
        synthetic.ARRIVAL_PUBLIC_TRANSPORT,
        synthetic.ARRIVAL_EMERGENCY_AMBULANCE,
        synthetic.ARRIVAL_AMBULANCE_MEDICAL_ESCORT,
        synthetic.ARRIVAL_POLICE,
    }
    assert arrivals <= set(table("arrival_mode"))
    assert set(synthetic.ACUITY_CODES) <= set(table("acuity"))
    destinations = {
        value for name, value in vars(synthetic).items() if name.startswith("DESTINATION_")
    }
    assert destinations <= set(table("discharge_destination"))


def test_the_commonest_presentations_show_their_snomed_terms() -> None:
    assert describe("snomed_presentation", "29857009") == "Chest pain"
    assert describe("snomed_presentation", "25702006") == "Alcohol intoxication"
    assert describe("snomed_presentation", "248062006") == "Self-injurious behaviour"


def test_emergency_admission_methods_say_so() -> None:
    assert describe("admission_method", "21").startswith("Emergency admission")
    assert describe("admission_method", "2A").startswith("Emergency admission")
    assert describe("admission_method", "11").startswith("Elective admission")


def test_every_table_is_code_and_description_with_no_blank_or_repeated_code() -> None:
    for system in SYSTEMS:
        rows = table(system)
        assert rows, system
        assert all(code and words for code, words in rows.items()), system


def test_an_unknown_system_is_an_error() -> None:
    with pytest.raises(KeyError):
        table("not_a_system")
