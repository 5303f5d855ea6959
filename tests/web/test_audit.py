"""The audit log: what it records, that it cannot be changed, and that it holds no patient data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.test import Client as HttpClient
from django.urls import reverse

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AppendOnlyError, AuditEvent
from hiu.web.audit.service import record
from hiu.web.clients.models import Client

pytestmark = pytest.mark.db_engine


def test_viewing_a_client_record_is_audited_with_who_what_and_when(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    record_ = make_client(service)
    signed_in(staff[Role.CASE_MANAGER]).get(reverse("clients:detail", args=[record_.pk]))
    event = AuditEvent.objects.get(action=Action.VIEW_CLIENT)
    assert event.actor == staff[Role.CASE_MANAGER]
    assert (event.object_type, event.object_id) == ("client", str(record_.pk))
    assert event.at is not None


def test_a_refused_view_of_a_client_record_records_no_view(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    other_service: Service,
) -> None:
    record_ = make_client(other_service)
    signed_in(staff[Role.CASE_MANAGER]).get(reverse("clients:detail", args=[record_.pk]))
    assert not AuditEvent.objects.filter(action=Action.VIEW_CLIENT).exists()


def test_the_client_page_shows_who_viewed_it(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    record_ = make_client(service)
    signed_in(staff[Role.SERVICE_LEAD]).get(reverse("clients:detail", args=[record_.pk]))
    page = signed_in(staff[Role.CASE_MANAGER]).get(reverse("clients:detail", args=[record_.pk]))
    assert b"service_lead" in page.content


def test_audit_events_hold_no_nhs_number_or_name(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    record_ = make_client(service)
    signed_in(staff[Role.CASE_MANAGER]).get(reverse("clients:detail", args=[record_.pk]))
    for event in AuditEvent.objects.all():
        stored = " ".join(
            str(value) for value in AuditEvent.objects.filter(pk=event.pk).values().get().values()
        )
        assert record_.nhs_number not in stored
        assert record_.family_name not in stored


def test_the_model_refuses_to_change_or_delete_an_event(db: object) -> None:
    event = record(Action.SIGN_IN_FAILED, username="someone")
    event.actor_username = "someone else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET actor_username = 'tampered'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_event(db: object, statement: str) -> None:
    record(Action.SIGN_IN_FAILED, username="someone")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.get().actor_username == "someone"


def test_bulk_queryset_changes_are_refused_too(db: object) -> None:
    record(Action.SIGN_IN_FAILED, username="someone")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().update(actor_username="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_truncate(db: object) -> None:
    record(Action.SIGN_IN_FAILED, username="someone")
    # The error must leave the atomic block, which rolls back to its savepoint.
    with (  # noqa: PT012 - the constraint check must run in the same transaction
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # Fire the insert's deferred foreign-key checks now, or PostgreSQL refuses the
        # TRUNCATE for that reason instead of ours.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE audit_auditevent")


def test_ig_leads_can_filter_the_log_by_person_and_action(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    record(Action.SIGN_IN, actor=staff[Role.CASE_MANAGER])
    record(Action.SIGN_IN_FAILED, username="intruder")
    browser = signed_in(staff[Role.IG_LEAD])
    by_person = browser.get(reverse("audit:log"), {"username": "intruder"}).content.decode()
    assert "intruder" in by_person
    assert "case_manager" not in by_person
    by_action = browser.get(reverse("audit:log"), {"action": "sign_in"}).content.decode()
    assert "case_manager" in by_action
    assert "intruder" not in by_action


def test_an_event_must_be_one_of_the_actions(db: object) -> None:
    with pytest.raises(ValueError, match="Not an audit action"):
        AuditEvent(action="made_up", actor_username="someone").save()
    assert not AuditEvent.objects.exists()
    assert record(Action.SIGN_IN_FAILED, username="x").action_label == "Failed sign-in"
