"""What the notification pages and the header's bell show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse

from hiu.web.accounts.roles import Role, has_role
from hiu.web.notifications.models import Notification
from hiu.web.notifications.services import unread_count

#: Who receives notifications and sees the bell: the roles that work with clients.
NOTIFIED_ROLES = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)


@dataclass(frozen=True)
class NotificationRow:
    pk: int
    kind: str
    text: str
    created_at: dt.datetime
    unread: bool
    url: str  # through ``notifications:open``, which marks it read


def notification_rows(user: User) -> list[NotificationRow]:
    # Only the user's own, and only about clients of the user's own service (a notification
    # can never be made otherwise; this keeps a moved person from following an old one).
    profile = getattr(user, "staff_profile", None)
    service_id = profile.service_id if profile is not None else None
    found = Notification.objects.filter(recipient=user).select_related("client")[:200]
    return [
        NotificationRow(
            pk=n.pk,
            kind=n.get_kind_display(),
            text=n.text,
            created_at=n.created_at,
            unread=n.read_at is None,
            url=reverse("notifications:open", kwargs={"notification_id": n.pk}),
        )
        for n in found
        if n.client is None or n.client.service_id == service_id
    ]


@dataclass(frozen=True)
class Bell:
    unread: int
    url: str

    @property
    def label(self) -> str:
        return f"Notifications, {self.unread} unread"


def bell_for(user: User | AnonymousUser | None) -> Bell | None:
    """The header's bell for signed-in staff who receive notifications; None for others."""
    if user is None or not user.is_authenticated or not has_role(user, *NOTIFIED_ROLES):
        return None
    assert isinstance(user, User)
    return Bell(unread_count(user), reverse("notifications:list"))
