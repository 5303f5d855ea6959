"""Finding a person's identifiers in text meant for people outside the team.

Used before a case study is saved (a story naming its client is refused), before the report
prints one, and by the tests that scan every output format. It looks for the person's given
and family names as whole words, their NHS number and phone number however they are spaced,
their postcode with or without its space, and their date of birth in the usual ways of
writing a date. It finds what it is told to look for; it cannot find a description that
identifies someone (a rare job, a street): the team's judgement and the client's consent are
for that.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

NAME = "name"
NHS_NUMBER = "NHS number"
DATE_OF_BIRTH = "date of birth"
PHONE = "phone number"
POSTCODE = "postcode"


@dataclass(frozen=True)
class PersonIdentifiers:
    given_name: str
    family_name: str
    nhs_number: str
    date_of_birth: dt.date | None
    phone: str = ""
    postcode: str = ""


_GAP = r"[\s\-.()]*"  # what may stand between two digits of a number written by hand


def _digits(digits: str) -> str:
    return _GAP.join(digits)


def _digits_pattern(digits: str) -> str:
    """The digits in order, allowing a space, hyphen, dot or bracket between any two."""
    return rf"(?<!\d){_digits(digits)}(?!\d)"


def _date_patterns(day: dt.date) -> list[str]:
    d, m, y = day.day, day.month, day.year
    month = day.strftime("%B")
    short = day.strftime("%b")
    numeric = [
        rf"0?{d}[/\-.]0?{m}[/\-.]({y}|{y % 100:02d})",
        rf"{y}-0?{m}-0?{d}",
    ]
    words = [
        rf"0?{d}(st|nd|rd|th)?\s+(of\s+)?({month}|{short}\.?),?\s+{y}",
        rf"({month}|{short}\.?)\s+0?{d}(st|nd|rd|th)?,?\s+{y}",
    ]
    return [rf"(?<![\d]){p}(?!\d)" for p in numeric + words]


def _phone_patterns(phone: str) -> list[str]:
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 6:
        return []
    patterns = [_digits_pattern(digits)]
    if digits.startswith("0"):
        # The same number written internationally: +44 7700 900123, +44 (0)7700 900123.
        patterns.append(rf"\+\s*44{_GAP}(0{_GAP})?{_digits(digits[1:])}(?!\d)")
    return patterns


def found_in(text: str, person: PersonIdentifiers) -> list[str]:
    """Which kinds of the person's identifiers the text holds, in a fixed order."""
    kinds: list[str] = []
    names = [n.strip() for n in (person.given_name, person.family_name) if len(n.strip()) > 1]
    if any(re.search(rf"\b{re.escape(n)}\b", text, re.IGNORECASE) for n in names):
        kinds.append(NAME)
    nhs = re.sub(r"\D", "", person.nhs_number)
    if len(nhs) == 10 and re.search(_digits_pattern(nhs), text):
        kinds.append(NHS_NUMBER)
    if person.date_of_birth is not None and any(
        re.search(p, text, re.IGNORECASE) for p in _date_patterns(person.date_of_birth)
    ):
        kinds.append(DATE_OF_BIRTH)
    if any(re.search(p, text) for p in _phone_patterns(person.phone)):
        kinds.append(PHONE)
    postcode = re.sub(r"\s", "", person.postcode).upper()
    if len(postcode) >= 5:
        spaced = re.escape(postcode[:-3]) + r"\s*" + re.escape(postcode[-3:])
        if re.search(rf"(?<![A-Z0-9]){spaced}(?![A-Z0-9])", text, re.IGNORECASE):
            kinds.append(POSTCODE)
    return kinds


def anyone_in(text: str, people: Iterable[PersonIdentifiers]) -> list[tuple[int, list[str]]]:
    """For each person (by position) whose identifiers the text holds, which kinds."""
    return [(n, kinds) for n, person in enumerate(people) if (kinds := found_in(text, person))]
