"""Finding a client: one box that takes a name, an NHS number or a date of birth.

001 §7 "Ongoing monitoring" asks for a way to "search for clients by name to review their
activity". People type what they have in front of them, so the box works out which it is:

- ten digits, with or without spaces (``999 000 0018``): an NHS number, matched exactly;
- a date (``3/2/1985``, ``3 February 1985``, ``3 Feb 1985``, ``1985-02-03``): a date of birth,
  day first, as dates are written in the UK;
- anything else with letters: a name, each word matching the start, middle or end of the given
  or the family name, in any case (``smi`` finds Smith; ``Jane Smith`` needs both words).

Results come from the clients the person may see (their own service) and the search is
audited with what kind of search it was and how many it found, never what was typed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import User
from django.db.models import Q
from django.http import HttpRequest

from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.caseload import PHASE_TAGS, person_name, phase_label
from hiu.web.clients.models import Client

#: At most this many results are shown; the page says how many there were in all.
MAX_RESULTS = 50
DATE_FORMATS = (
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
)
#: Looks like a date (day, month and year with separators, or a month's name) but is not one.
DATE_LIKE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$|^\d{1,2} [A-Za-z]+ \d{2,4}$")
NAME_WORD = re.compile(r"^[^\W\d_][\w'\u2019.-]*$")
MAX_WORDS = 4


class SearchKind(StrEnum):
    NAME = "name"
    NHS_NUMBER = "nhs_number"
    DATE_OF_BIRTH = "date_of_birth"


class SearchNotUnderstood(ValueError):
    """What was typed is not a name, an NHS number or a date; the message says what to do."""


@dataclass(frozen=True)
class Search:
    kind: SearchKind
    nhs_number: str = ""
    date_of_birth: dt.date | None = None
    words: tuple[str, ...] = ()

    def condition(self) -> Q:
        if self.kind == SearchKind.NHS_NUMBER:
            return Q(nhs_number=self.nhs_number)
        if self.kind == SearchKind.DATE_OF_BIRTH:
            return Q(date_of_birth=self.date_of_birth)
        condition = Q()
        for word in self.words:
            condition &= Q(given_name__icontains=word) | Q(family_name__icontains=word)
        return condition


def _as_date(text: str) -> dt.date | None:
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_search(text: str) -> Search:
    """What kind of search ``text`` is; ``SearchNotUnderstood`` when it is none of them."""
    text = " ".join(text.split())
    if not text:
        raise SearchNotUnderstood("Enter a name, NHS number or date of birth")
    day = _as_date(text)
    if day is not None:
        return Search(SearchKind.DATE_OF_BIRTH, date_of_birth=day)
    if DATE_LIKE.match(text):
        raise SearchNotUnderstood("Enter a real date of birth, like 3/2/1985")
    digits = text.replace(" ", "")
    if digits.isdigit():
        if len(digits) == 10:
            return Search(SearchKind.NHS_NUMBER, nhs_number=digits)
        raise SearchNotUnderstood("An NHS number must be 10 digits")
    words = tuple(text.split(" "))
    if any(ch.isdigit() for ch in text):
        raise SearchNotUnderstood(
            "Enter a name, a 10-digit NHS number or a date of birth, like 3/2/1985"
        )
    if len(words) > MAX_WORDS or not all(NAME_WORD.match(word) for word in words):
        raise SearchNotUnderstood("Enter a name using letters, hyphens and apostrophes only")
    return Search(SearchKind.NAME, words=words)


@dataclass(frozen=True)
class Result:
    client_id: int
    name: str
    nhs_number: str
    date_of_birth: dt.date
    phase: str
    phase_tag: str
    case_manager: str


@dataclass(frozen=True)
class Results:
    kind: SearchKind
    count: int
    shown: list[Result]

    @property
    def truncated(self) -> bool:
        return self.count > len(self.shown)


def find_clients(user: User, search: Search) -> Results:
    """The clients ``user`` may see who match ``search``: the first 50 and how many in all."""
    found = (
        Client.objects.visible_to(user)
        .filter(search.condition())
        .with_open_episode()
        .select_related("case_manager")
        .order_by("family_name", "given_name", "date_of_birth", "id")
    )
    count = found.count()
    shown = [
        Result(
            client_id=client.pk,
            name=f"{client.family_name.upper()}, {client.given_name}",
            nhs_number=client.nhs_number,
            date_of_birth=client.date_of_birth,
            phase=phase_label(client.episode_phase),  # type: ignore[attr-defined]
            phase_tag=PHASE_TAGS.get(client.episode_phase, "nhsuk-tag--white"),  # type: ignore[attr-defined]
            case_manager=person_name(client.case_manager),
        )
        for client in found[:MAX_RESULTS]
    ]
    return Results(kind=search.kind, count=count, shown=shown)


def search_clients(request: HttpRequest, user: User, search: Search) -> Results:
    """Run ``search`` for ``user`` and write it to the audit log: its kind and how many it
    found. What was typed is never recorded: it is a name, an NHS number or a birthday."""
    results = find_clients(user, search)
    record(
        Action.SEARCH_CLIENTS,
        request=request,
        actor=user,
        object_type="client",
        detail={"kind": str(search.kind), "results": results.count},
    )
    return results
