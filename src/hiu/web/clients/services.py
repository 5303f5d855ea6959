"""Changes to client records made from the client pages: allocation to a case manager.

``allocate`` is the one way a client's case manager changes (the team view, the record's
"Change case manager", a leaver's caseload): whatever must happen on every allocation (its
history, its audit event, a notification) happens there once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.caseload import allocatable_workers
from hiu.web.clients.models import Allocation, Client
from hiu.web.notifications.services import notify_allocated
from hiu.web.refused import Refused

REASON_MAX = 500


class CannotAllocate(Refused):
    """The chosen person cannot take the client; the message is for the service lead."""


@transaction.atomic
def allocate(
    client: Client,
    case_manager: User,
    *,
    by: User,
    reason: str = "",
    request: HttpRequest | None = None,
    workers: Sequence[User] | None = None,
) -> Allocation | None:
    """Make ``case_manager`` the client's case manager, with the history kept and audited.
    They must be a case manager or lead of the client's own service (``workers``, when the
    caller has them already). Changing someone's case manager needs a reason; the first
    allocation does not. Allocating to the case manager they have already changes nothing."""
    allowed = workers if workers is not None else allocatable_workers(client.service)
    if case_manager not in allowed:
        raise CannotAllocate("Select a case manager from your service", "case_manager")
    locked = Client.objects.select_for_update().get(pk=client.pk)
    previous = locked.case_manager_id
    if previous == case_manager.pk:
        return None
    reason = reason.strip()
    if previous is not None and not reason:
        raise CannotAllocate("Enter why the case manager is changing", "reason")
    if len(reason) > REASON_MAX:
        raise CannotAllocate(f"The reason must be {REASON_MAX} characters or fewer", "reason")
    locked.case_manager = case_manager
    locked.save(update_fields=["case_manager", "updated_at"])
    client.case_manager = case_manager
    allocation = Allocation.objects.create(
        client=client, case_manager=case_manager, previous_id=previous, reason=reason, by=by
    )
    record(
        Action.UPDATE_CLIENT,
        request=request,
        actor=by,
        object_type="client",
        object_id=client.pk,
        detail={"what": "allocate", "case_manager": case_manager.pk, "previous": previous},
    )
    notify_allocated(client, case_manager, previous_id=previous)
    return allocation


def spread_evenly(clients: Sequence[Client], workers: Sequence[User]) -> dict[int, User]:
    """A first suggestion for a leaver's clients: each to whoever has been given fewest so far,
    in turn (the lead edits it before confirming)."""
    if not workers:
        return {}
    given: Counter[int] = Counter({worker.pk: 0 for worker in workers})
    by_id = {worker.pk: worker for worker in workers}
    plan: dict[int, User] = {}
    for client in clients:
        least = min(by_id, key=lambda pk: (given[pk], list(by_id).index(pk)))
        plan[client.pk] = by_id[least]
        given[least] += 1
    return plan


@transaction.atomic
def reallocate_caseload(
    leaver: User,
    plan: Mapping[int, User],
    clients: Sequence[Client],
    *,
    by: User,
    reason: str,
    request: HttpRequest | None = None,
) -> int:
    """Give each of a leaver's ``clients`` to the worker ``plan`` names for them, in one
    transaction: either every client moves or none does. Each is an ``allocate`` (history,
    audit per client). Returns how many moved."""
    if not reason.strip():
        raise CannotAllocate("Enter why the caseload is moving", "reason")
    if not clients:
        raise CannotAllocate("There are no clients to move", "reason")
    # Every client is of the lead's one service (the view's scoped query).
    workers = allocatable_workers(clients[0].service)
    moved = 0
    for client in clients:
        chosen = plan.get(client.pk)
        if chosen is None or chosen.pk == leaver.pk:
            raise CannotAllocate(
                f"Select a new case manager for {client.full_name}", f"client_{client.pk}"
            )
        if client.case_manager_id != leaver.pk:
            continue  # moved meanwhile by someone else: left as it is
        allocate(client, chosen, by=by, reason=reason, request=request, workers=workers)
        moved += 1
    return moved
