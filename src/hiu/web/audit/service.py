"""Recording audit events. Views and services call these explicitly; nothing is implicit.

Explicit calls (rather than middleware guessing from URLs) mean a reviewer can see, in each
view, that a read of a client record is audited, and a test can check it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

from hiu.web.audit.models import Action, AuditEvent


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR only: X-Forwarded-For is trivially forged unless a known proxy sets it.
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: Action,
    *,
    request: HttpRequest | None = None,
    actor: User | AnonymousUser | None = None,
    username: str = "",
    object_type: str = "",
    object_id: object = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    if actor is None and request is not None:
        actor = request.user
    user = actor if actor is not None and actor.is_authenticated else None
    if user is not None and not username:
        username = user.get_username()
    return AuditEvent.objects.create(
        actor=user,
        actor_username=username[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ip_address=_client_ip(request),
        detail=detail or {},
    )


def record_client_view(request: HttpRequest, client_id: int, page: str) -> AuditEvent:
    return record(
        Action.VIEW_CLIENT,
        request=request,
        object_type="client",
        object_id=client_id,
        detail={"page": page},
    )
