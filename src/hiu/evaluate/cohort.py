"""The cohort file: who the service engaged, and when (DESIGN §7; 002 §4.3.5).

A CSV with a header row and the columns ``nhs_number`` and ``engaged_date`` (``YYYY-MM-DD``),
and optionally ``identified_date`` (the day the list that named the person was made). Other
columns are ignored. Rows are checked as imports check extracts (``hiu.ingest``): a bad row
is kept out of the evaluation and listed in ``Cohort.rejected`` with the row (the CSV line, the
header being line 1), the column and the rule it broke, never the value, so that the list can
be shown on a page or written to a log. A person on two rows keeps their first engagement; the
later rows are rejected.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from nhs_number.validate import is_valid as is_valid_nhs_number

REQUIRED_COLUMNS = ("nhs_number", "engaged_date")
OPTIONAL_COLUMNS = ("identified_date",)


class CohortError(Exception):
    """The cohort file cannot be read at all (missing, not CSV text, a required column absent).
    The message names the file and the column, never a value."""


@dataclass(frozen=True)
class CohortMember:
    nhs_number: str
    engaged_date: date
    identified_date: date | None = None


@dataclass(frozen=True)
class Cohort:
    """The people to evaluate, each once, in the order given; ``rows`` counts the data rows
    read, ``rejected`` the rows left out and why (``{"row", "column", "reason"}``)."""

    members: tuple[CohortMember, ...]
    rows: int
    rejected: list[dict[str, object]] = field(default_factory=list)
    #: Each member's row (the CSV line, or the position from 1): the pseudonym an evaluation
    #: shows in place of the NHS number. Empty means the position in ``members`` from 1.
    member_rows: tuple[int, ...] = ()

    def row_of(self, index: int) -> int:
        return self.member_rows[index] if self.member_rows else index + 1

    @classmethod
    def from_members(cls, members: Iterable[CohortMember]) -> Cohort:
        """A cohort from members already read (the web app's clients): the same checks as a
        file, with ``row`` the member's position counted from 1."""
        return _gather(
            (row, _check_member(member) or member) for row, member in enumerate(members, start=1)
        )

    @property
    def people(self) -> int:
        return len(self.members)


def read_cohort(path: Path) -> Cohort:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError:
        raise CohortError(f"cohort file {path} cannot be read") from None
    except UnicodeDecodeError:
        raise CohortError(f"cohort file {path} is not UTF-8 text") from None
    return parse_cohort(text, name=str(path))


def parse_cohort(text: str, *, name: str = "cohort file") -> Cohort:
    """The cohort in CSV ``text``; ``name`` says where it came from in messages."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise CohortError(
            f"{name} is empty: it needs a header row naming nhs_number and engaged_date"
        )
    columns = [cell.strip().lower() for cell in header]
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            raise CohortError(f"{name} has no {column} column")
    where = {
        column: columns.index(column)
        for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
        if column in columns
    }

    def checked() -> Iterator[tuple[int, CohortMember | tuple[str, str]]]:
        # The header is line 1; reader.line_num is the line a record ends on, which for the
        # one-line records of a cohort file is the line it starts on.
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            values = {
                column: (cells[index].strip() if index < len(cells) else "")
                for column, index in where.items()
            }
            yield reader.line_num, _check_row(values)

    return _gather(checked())


def _gather(checked: Iterable[tuple[int, CohortMember | tuple[str, str]]]) -> Cohort:
    """Keep each person's first good row; every other row is rejected with its reason."""
    kept: list[CohortMember] = []
    kept_rows: list[int] = []
    rejected: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    rows = 0
    for row, found in checked:
        rows += 1
        if isinstance(found, tuple):
            rejected.append({"row": row, "column": found[0], "reason": found[1]})
            continue
        if found.nhs_number in seen:
            rejected.append(_duplicate(row, seen[found.nhs_number]))
            continue
        seen[found.nhs_number] = row
        kept.append(found)
        kept_rows.append(row)
    return Cohort(members=tuple(kept), rows=rows, rejected=rejected, member_rows=tuple(kept_rows))


def _duplicate(row: int, first: int) -> dict[str, object]:
    return {
        "row": row,
        "column": "nhs_number",
        "reason": f"the same person is on row {first}: their first engagement is kept",
    }


def _check_row(values: dict[str, str]) -> CohortMember | tuple[str, str]:
    number = values["nhs_number"].replace(" ", "")
    if not number:
        return ("nhs_number", "is empty")
    if not _valid_number(number):
        return ("nhs_number", "is not a valid NHS number (10 digits with a correct check digit)")
    engaged = _date(values["engaged_date"])
    if isinstance(engaged, str):
        return ("engaged_date", engaged)
    identified: date | None = None
    if values.get("identified_date"):
        parsed = _date(values["identified_date"])
        if isinstance(parsed, str):
            return ("identified_date", parsed)
        identified = parsed
    member = CohortMember(number, engaged, identified)
    checked = _check_member(member)
    return checked if checked is not None else member


def _check_member(member: CohortMember) -> tuple[str, str] | None:
    if not _valid_number(member.nhs_number):
        return ("nhs_number", "is not a valid NHS number (10 digits with a correct check digit)")
    if member.identified_date is not None and member.identified_date > member.engaged_date:
        return ("identified_date", "is after the engaged date")
    return None


def _valid_number(number: str) -> bool:
    # The nhs-number package is the reference hiu.ingest's vectorised check is tested against.
    return len(number) == 10 and number.isdigit() and bool(is_valid_nhs_number(number))


def _date(text: str) -> date | str:
    if not text:
        return "is empty"
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        return "is not a date written YYYY-MM-DD"
