"""Changes to client records made from the client pages: allocation to a case manager."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.caseload import allocatable_workers
from hiu.web.clients.models import Client
from hiu.web.notifications.services import notify_allocated
from hiu.web.refused import Refused


class CannotAllocate(Refused):
    """The chosen person cannot take the client; the message is for the service lead."""


@transaction.atomic
def allocate(
    client: Client, case_manager: User, *, by: User, request: HttpRequest | None = None
) -> None:
    """Make ``case_manager`` the client's case manager. They must be a case manager or lead of
    the client's own service."""
    if case_manager not in allocatable_workers(client.service):
        raise CannotAllocate("Select a case manager from your service")
    locked = Client.objects.select_for_update().get(pk=client.pk)
    previous = locked.case_manager_id
    locked.case_manager = case_manager
    locked.save(update_fields=["case_manager", "updated_at"])
    client.case_manager = case_manager
    record(
        Action.UPDATE_CLIENT,
        request=request,
        actor=by,
        object_type="client",
        object_id=client.pk,
        detail={"what": "allocate", "case_manager": case_manager.pk, "previous": previous},
    )
    notify_allocated(client, case_manager, previous_id=previous)
