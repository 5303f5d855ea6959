"""Telling staff: ``notify`` writes a notification for each recipient and, for those who chose
email for that kind, sends an email once the transaction commits.

Every event that happens in a request (a client allocated, a risk answer saved) calls ``notify``
in the same transaction as the change; events that happen with time (a referral clock near
breach, a visit not checked out, a relapse alert raised by a background job) are found by
``manage notify_due`` (``hiu.web.notifications.periodic``).

Scoping: a notification about a client goes only to staff of the client's own service; anyone
else passed in is left out, so a link to another service's client cannot be made.

Emails leave the NHS network, so they name the kind of event and link to the notifications page,
and nothing else: no client name, no NHS number, no client id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import Client
from hiu.web.notifications.models import Kind, Notification, Preference

log = logging.getLogger(__name__)


def staff_in_role(service: Service | int, role: Role) -> list[User]:
    """The active staff of ``service`` who hold ``role``."""
    service_id = service if isinstance(service, int) else service.pk
    return list(
        User.objects.filter(
            is_active=True,
            staff_profile__service_id=service_id,
            groups__name=role.label,
        ).distinct()
    )


def service_leads(service: Service | int) -> list[User]:
    return staff_in_role(service, Role.SERVICE_LEAD)


def case_manager_and_leads(client: Client) -> list[User]:
    """Who hears about a client's events: their case manager and the service's leads."""
    people = service_leads(client.service_id)
    if client.case_manager is not None and client.case_manager.is_active:
        people.append(client.case_manager)
    return people


def _same_service(users: Iterable[User], client: Client | None) -> list[User]:
    unique = {user.pk: user for user in users if user is not None}
    if client is None:
        return list(unique.values())
    allowed = set(
        User.objects.filter(pk__in=unique, staff_profile__service_id=client.service_id).values_list(
            "pk", flat=True
        )
    )
    return [user for pk, user in unique.items() if pk in allowed]


def notify(
    kind: Kind,
    recipients: Iterable[User],
    client: Client | None,
    *,
    text: str,
    link: str,
    event: str,
) -> list[Notification]:
    """Notify each of ``recipients`` (once per ``event``: a repeat is ignored) and email those
    who chose email for ``kind``. ``text`` must hold no clinical free text."""
    made = []
    for user in _same_service(recipients, client):
        if Notification.objects.filter(recipient=user, kind=kind, event=event).exists():
            continue
        try:
            with transaction.atomic():
                made.append(
                    Notification.objects.create(
                        recipient=user,
                        kind=kind,
                        client=client,
                        text=text[:200],
                        link=link,
                        event=event,
                    )
                )
        except IntegrityError:  # the same event notified at the same moment by another run
            continue
    emailed = wants_email(kind, [n.recipient for n in made])
    if emailed:
        transaction.on_commit(lambda: send_emails(kind, emailed))
    return made


def wants_email(kind: str, users: Iterable[User]) -> list[User]:
    ids = {user.pk for user in users if user.email}
    chosen = set(
        Preference.objects.filter(user_id__in=ids, kind=kind, email=True).values_list(
            "user_id", flat=True
        )
    )
    return [user for user in users if user.pk in chosen]


def email_subject(kind: str) -> str:
    return f"High Intensity Use: {Kind(kind).label.lower()}"


def email_body(kind: str) -> str:
    link = settings.HIU_SITE_URL.rstrip("/") + reverse("notifications:list")
    return (
        f"You have a new notification in High Intensity Use: {Kind(kind).label.lower()}.\n\n"
        f"Sign in to read it: {link}\n\n"
        "This email says only what kind of event it is. Who it is about is in the service, "
        "never in email.\n"
    )


def send_emails(kind: str, users: Iterable[User]) -> int:
    """Send each user the notification email; a mail server that fails is logged, never
    raised: the notification is in the app whatever happens to the email."""
    sent = 0
    for user in users:
        try:
            sent += send_mail(
                email_subject(kind),
                email_body(kind),
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
        except OSError as error:  # smtplib's errors are OSErrors
            log.warning("Notification email to user %s not sent: %s", user.pk, type(error).__name__)
    return sent


# Reading and preferences ----------------------------------------------------------------------


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: User, notification_id: int) -> Notification | None:
    """Mark one of the user's own notifications read; None when it is not theirs."""
    found = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if found is not None and found.read_at is None:
        found.read_at = timezone.now()
        found.save(update_fields=["read_at"])
    return found


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def email_choices(user: User) -> set[str]:
    return set(Preference.objects.filter(user=user, email=True).values_list("kind", flat=True))


@transaction.atomic
def save_preferences(
    user: User, email_kinds: Iterable[str], *, request: HttpRequest | None = None
) -> None:
    """Email on for ``email_kinds``, off for the rest; audited with the kinds chosen."""
    chosen = sorted({Kind(kind).value for kind in email_kinds})
    for kind in Kind:
        Preference.objects.update_or_create(
            user=user, kind=kind.value, defaults={"email": kind.value in chosen}
        )
    record(
        Action.CHANGE_NOTIFICATION_PREFERENCES,
        request=request,
        actor=user,
        object_type="user",
        object_id=user.pk,
        detail={"email": chosen},
    )


def notify_allocated(client: Client, case_manager: User, *, previous_id: int | None) -> None:
    """Tell the new case manager a client is theirs (not when the client was theirs already)."""
    if previous_id == case_manager.pk:
        return
    notify(
        Kind.ALLOCATED,
        [case_manager],
        client,
        text=f"{client.full_name} has been allocated to you",
        link=reverse("clients:detail", kwargs={"client_id": client.pk}),
        # Each allocation is its own event: allocated again after a move, they hear again.
        event=f"allocated:{client.pk}:{timezone.now().isoformat()}",
    )
