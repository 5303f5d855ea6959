"""A search that forgives: names that sound alike (and, on PostgreSQL with pg_trgm, names
spelled nearly alike), phone numbers however written and postcodes with or without a space;
still only the user's own service, and audited without what was typed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.clients.search import SearchKind, find_clients, parse_search, trigrams_available


@pytest.fixture
def people(
    make_client: Callable[..., Client], service: Service, other_service: Service
) -> dict[str, Client]:
    return {
        "davies": make_client(
            service,
            given_name="Megan",
            family_name="DAVIES",
            phone="07700 900123",
            postcode="E8 1DY",
        ),
        "smith": make_client(service, given_name="Tom", family_name="SMITH"),
        "jones": make_client(service, given_name="Ann", family_name="Jones"),
        # Another service's Davies, with the same phone and postcode: never found.
        "elsewhere": make_client(
            other_service,
            given_name="Megan",
            family_name="Davies",
            phone="+44 7700 900123",
            postcode="E81DY",
        ),
    }


def found(user: User, text: str) -> set[int]:
    return {r.client_id for r in find_clients(user, parse_search(text)).shown}


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("davis", "davies"),
        ("Davis", "davies"),
        ("smyth", "smith"),
        ("megan davis", "davies"),
        ("07700 900123", "davies"),
        ("+44 7700 900123", "davies"),
        ("+44 (0)7700-900123", "davies"),
        ("e8 1dy", "davies"),
        ("E81DY", "davies"),
    ],
)
@pytest.mark.db_engine
def test_search_forgives_spelling_and_format_within_the_service(
    staff: dict[Role, User], people: dict[str, Client], text: str, who: str
) -> None:
    assert found(staff[Role.CASE_MANAGER], text) == {people[who].pk}


def test_phone_and_postcode_are_understood() -> None:
    assert parse_search("07700 900123").kind == SearchKind.PHONE
    assert parse_search("+44 7700 900123").key == "07700900123"
    assert parse_search("sw1a 1aa").kind == SearchKind.POSTCODE
    assert parse_search("999 000 0018").kind == SearchKind.NHS_NUMBER


@pytest.mark.db_engine
def test_keys_follow_a_change_of_name_or_phone(
    staff: dict[Role, User], people: dict[str, Client]
) -> None:
    client = people["jones"]
    client.family_name = "Macdonald"
    client.phone = "020 7946 0000"
    client.save(update_fields=["family_name", "phone"])
    assert found(staff[Role.CASE_MANAGER], "mcdonald") == {client.pk}
    assert found(staff[Role.CASE_MANAGER], "+44 20 7946 0000") == {client.pk}


@pytest.mark.db_engine
def test_the_search_page_finds_davies_and_audits_only_the_kind(
    staff: dict[Role, User], people: dict[str, Client], signed_in: Callable[[User], HttpClient]
) -> None:
    page = signed_in(staff[Role.SERVICE_LEAD]).post(reverse("clients:search"), {"q": "davis"})
    text = page.content.decode()
    assert "DAVIES, Megan" in text
    event = AuditEvent.objects.get(action=Action.SEARCH_CLIENTS)
    assert event.detail == {"kind": "name", "results": 1}
    assert "davis" not in str(event.detail).lower()


@pytest.mark.db_engine
def test_on_postgresql_with_pg_trgm_near_spellings_are_found(
    staff: dict[Role, User], people: dict[str, Client]
) -> None:
    if not trigrams_available():
        pytest.skip("pg_trgm is only on PostgreSQL (where the migration could create it)")
    # "Davids" neither contains DAVIES nor sounds like it (D132, not D120): its trigrams do.
    assert found(staff[Role.CASE_MANAGER], "Davids") == {people["davies"].pk}
    # A name inside a longer one typed is not a near spelling
    assert found(staff[Role.CASE_MANAGER], "Smithsonian") == set()
