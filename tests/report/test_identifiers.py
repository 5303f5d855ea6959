"""Finding a person's identifiers in text meant to be shared (hiu.report.identifiers).

The person is synthetic; the NHS number is from the 999 range that is never issued.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hiu.report.identifiers import (
    DATE_OF_BIRTH,
    NAME,
    NHS_NUMBER,
    PHONE,
    POSTCODE,
    PersonIdentifiers,
    anyone_in,
    found_in,
)

ADA = PersonIdentifiers(
    given_name="Ada",
    family_name="Okafor",
    nhs_number="9990001234",
    date_of_birth=dt.date(1961, 3, 7),
    phone="07700 900123",
    postcode="LS1 4AP",
)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Ada rang the team every day.", [NAME]),
        ("Mrs OKAFOR was lonely.", [NAME]),
        ("NHS number 999 000 1234 on the letter.", [NHS_NUMBER]),
        ("ref 999-000-1234", [NHS_NUMBER]),
        ("Born 7 March 1961.", [DATE_OF_BIRTH]),
        ("born on the 7th of March, 1961", [DATE_OF_BIRTH]),
        ("DOB 07/03/1961", [DATE_OF_BIRTH]),
        ("DOB 7.3.61", [DATE_OF_BIRTH]),
        ("1961-03-07", [DATE_OF_BIRTH]),
        ("Mar. 7th, 1961", [DATE_OF_BIRTH]),
        ("Call 07700900123", [PHONE]),
        ("Call +44 (0)7700 900123", [PHONE]),
        ("Call +44 7700 900 123", [PHONE]),
        ("lives at ls14ap", [POSTCODE]),
        ("lives at LS1  4AP.", [POSTCODE]),
        (
            "Ada Okafor, 9990001234, 7 March 1961, 07700 900123, LS1 4AP",
            [NAME, NHS_NUMBER, DATE_OF_BIRTH, PHONE, POSTCODE],
        ),
    ],
)
def test_each_kind_is_found_however_it_is_written(text: str, kinds: list[str]) -> None:
    assert found_in(text, ADA) == kinds


@pytest.mark.parametrize(
    "text",
    [
        "Adam and the Adams family helped.",  # a name inside another word
        "A client in her sixties was lonely.",
        "99900012345 is not her number: it has eleven digits.",
        "19990001234",
        "Seen on 7 March 1962 and 8 March 1961.",  # another year, another day
        "07/03/1962",
        "17/03/1961",
        "The service's number is 07700 900124.",
        "ALS14AP",  # the postcode run into other letters
        "LS1 4APX",
    ],
)
def test_text_that_only_looks_alike_is_not_flagged(text: str) -> None:
    assert found_in(text, ADA) == []


def test_short_or_missing_details_are_not_searched_for() -> None:
    # A one-letter name, a phone too short to be one and a partial postcode would flag
    # ordinary words and numbers: they are not looked for.
    sparse = PersonIdentifiers("A", "", "12", None, phone="123", postcode="LS1")
    assert found_in("A lady in LS1 called 123 times about 12 things.", sparse) == []


def test_anyone_in_says_who_by_position_and_which_kinds() -> None:
    grace = PersonIdentifiers("Grace", "Hill", "9990005678", dt.date(1950, 1, 2))
    people = [ADA, grace]
    assert anyone_in("Grace, born 2 January 1950, met Ada.", people) == [
        (0, [NAME]),
        (1, [NAME, DATE_OF_BIRTH]),
    ]
    assert anyone_in("A woman in her seventies.", people) == []
