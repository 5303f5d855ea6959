"""Finding a client: one box that takes a name, an NHS number, a date of birth, a phone number
or a postcode.

001 §7 "Ongoing monitoring" asks for a way to "search for clients by name to review their
activity". People type what they have in front of them, so the box works out which it is:

- ten digits, with or without spaces (``999 000 0018``): an NHS number, matched exactly;
- a date (``3/2/1985``, ``3 February 1985``, ``3 Feb 1985``, ``1985-02-03``): a date of birth,
  day first, as dates are written in the UK;
- a phone number, however written (``07700 900123``, ``+44 7700 900123``): matched on its
  national digits (``hiu.phonetic.phone_key``, kept on the client);
- a postcode, with or without its space (``E8 1DY``, ``e81dy``);
- anything else with letters: a name, each word matching the start, middle or end of the given
  or the family name, in any case (``smi`` finds Smith; ``Jane Smith`` needs both words), or
  a family name sounding like it (the Soundex key kept on the client: ``davis`` finds DAVIES,
  ``smyth`` finds SMITH), or, on PostgreSQL with pg_trgm, spelled nearly like it (trigram
  similarity). SQLite does without the trigrams.

Results come from the clients the person may see (their own service) and the search is
audited with what kind of search it was and how many it found, never what was typed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import FloatField, Func, Q, Value
from django.db.models.functions import Abs, Length, Replace, Upper
from django.http import HttpRequest

from hiu.phonetic import looks_like_postcode, phone_key, postcode_key, soundex
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.caseload import PHASE_TAGS, person_name, phase_label
from hiu.web.clients.models import Client
from hiu.web.clients.querysets import ClientQuerySet

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
PHONE_LIKE = re.compile(r"^[+(]?[\d][\d ()+-]*$")
#: A UK number's national digits: 10 or 11 (01xxx, 02x, 07xxx ...).
PHONE_DIGITS = (10, 11)
NAME_WORD = re.compile(r"^[^\W\d_][\w'\u2019.-]*$")
MAX_WORDS = 4


class SearchKind(StrEnum):
    NAME = "name"
    NHS_NUMBER = "nhs_number"
    DATE_OF_BIRTH = "date_of_birth"
    PHONE = "phone"
    POSTCODE = "postcode"


class SearchNotUnderstood(ValueError):
    """What was typed is not a name, an NHS number, a date, a phone number or a postcode; the
    message says what to do."""


@dataclass(frozen=True)
class Search:
    kind: SearchKind
    nhs_number: str = ""
    date_of_birth: dt.date | None = None
    words: tuple[str, ...] = ()
    key: str = ""  # a phone number's digits or a postcode without its space

    def narrow(self, clients: ClientQuerySet, *, trigrams: bool = False) -> ClientQuerySet:
        """``clients`` that match; ``trigrams`` when the database has pg_trgm."""
        if self.kind == SearchKind.NHS_NUMBER:
            return clients.filter(nhs_number=self.nhs_number)
        if self.kind == SearchKind.DATE_OF_BIRTH:
            assert self.date_of_birth is not None
            return clients.filter(date_of_birth=self.date_of_birth)
        if self.kind == SearchKind.PHONE:
            # The first number (``phone_key``) or any current number of the client's details
            # (``phone_digits``: each number's national digits, space separated).
            return clients.filter(Q(phone_key=self.key) | Q(phone_digits__contains=self.key))
        if self.kind == SearchKind.POSTCODE:
            return clients.annotate(
                postcode_key=Replace(Upper("postcode"), Value(" "), Value(""))
            ).filter(postcode_key=self.key)
        for index, word in enumerate(self.words):
            condition = Q(given_name__icontains=word) | Q(family_name__icontains=word)
            code = soundex(word)
            if code and len(word) >= MIN_SOUND_ALIKE:
                # Family names only: Soundex puts most short given names together (Jane, John,
                # Joan, June are all J500), which would find everyone.
                condition |= Q(family_name_key__contains=code)
            if trigrams and len(word) >= MIN_SOUND_ALIKE:
                # Nearly the same spelling and nearly the same length: "davids" finds DAVIES,
                # but "Smithers" does not find SMITH (a name inside a longer one typed).
                for field in ("family_name", "given_name"):
                    similar, gap = f"similar_{field}_{index}", f"gap_{field}_{index}"
                    clients = clients.annotate(
                        **{
                            similar: Similarity(field, Value(word)),
                            gap: Abs(Length(field) - len(word)),
                        }
                    )
                    condition |= Q(**{f"{similar}__gte": SIMILAR, f"{gap}__lte": LENGTH_GAP})
            clients = clients.filter(condition)
        return clients


#: Words shorter than this match only as typed: "Jo" should not find every J name.
MIN_SOUND_ALIKE = 3
#: pg_trgm's own default threshold for "similar".
SIMILAR = 0.3
#: A near spelling differs in length by at most this many letters.
LENGTH_GAP = 2


class Similarity(Func):
    """pg_trgm's ``similarity(text, text)``: only on PostgreSQL with the extension."""

    function = "similarity"
    output_field = FloatField()


def trigrams_available() -> bool:
    """Whether this database has pg_trgm (PostgreSQL where the migration could create it)."""
    if connection.vendor != "postgresql":
        return False
    name = str(connection.settings_dict.get("NAME"))
    if name not in _TRIGRAMS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _TRIGRAMS[name] = cursor.fetchone() is not None
    return _TRIGRAMS[name]


_TRIGRAMS: dict[str, bool] = {}


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
        raise SearchNotUnderstood("Enter a name, NHS number, date of birth, phone or postcode")
    day = _as_date(text)
    if day is not None:
        return Search(SearchKind.DATE_OF_BIRTH, date_of_birth=day)
    if DATE_LIKE.match(text):
        raise SearchNotUnderstood("Enter a real date of birth, like 3/2/1985")
    if looks_like_postcode(text):
        return Search(SearchKind.POSTCODE, key=postcode_key(text))
    if PHONE_LIKE.match(text) and text.lstrip("(").startswith(("0", "+")):
        digits = phone_key(text)
        if PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]:
            return Search(SearchKind.PHONE, key=digits)
        raise SearchNotUnderstood("Enter a phone number with its area code, like 07700 900123")
    digits = text.replace(" ", "")
    if digits.isdigit():
        if len(digits) == 10:
            return Search(SearchKind.NHS_NUMBER, nhs_number=digits)
        raise SearchNotUnderstood("An NHS number must be 10 digits")
    words = tuple(text.split(" "))
    if any(ch.isdigit() for ch in text):
        raise SearchNotUnderstood(
            "Enter a name, a 10-digit NHS number, a date of birth like 3/2/1985, a phone number "
            "or a postcode"
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
        search.narrow(Client.objects.visible_to(user), trigrams=trigrams_available())
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
