"""The audit log's daily check: who opened many client records outside their own caseload.

A case manager reads their own clients' records all day; opening a colleague's now and then
is normal (cover, a duty call), opening dozens is what an IG lead would want to ask about.
The check counts, for one day, the distinct client records each person viewed whose case
manager is someone else (or no one), and names those at or above a threshold
(``HIU_UNUSUAL_ACCESS_RECORDS``, 20 by default). It reads who manages each client now, not on
the day: a caseload moved since may count a record either way.

``hiu.web.notifications.periodic`` runs it for yesterday with the other notifications, and the
IG leads of the person's service are told once (docs/audit.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client


@dataclass(frozen=True)
class UnusualAccess:
    user: User
    day: dt.date
    records: int  # distinct client records viewed that were not in their caseload


def unusual_access(day: dt.date, threshold: int) -> list[UnusualAccess]:
    """Everyone who viewed at least ``threshold`` client records outside their own caseload
    on ``day`` (a local date), most records first."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    views = (
        AuditEvent.objects.filter(
            action=Action.VIEW_CLIENT,
            object_type="client",
            actor__isnull=False,
            at__gte=start,
            at__lt=start + dt.timedelta(days=1),
        )
        .order_by()
        .values_list("actor_id", "object_id")
        .distinct()
    )
    viewed: dict[int, set[int]] = defaultdict(set)
    for actor_id, object_id in views:
        if object_id.isdigit():
            viewed[actor_id].add(int(object_id))
    everyone = set().union(*viewed.values()) if viewed else set()
    manager_of = dict(Client.objects.filter(pk__in=everyone).values_list("pk", "case_manager_id"))
    counts = {
        actor_id: sum(1 for client_id in clients if manager_of.get(client_id) != actor_id)
        for actor_id, clients in viewed.items()
    }
    flagged = {actor_id: n for actor_id, n in counts.items() if n >= threshold}
    users = User.objects.in_bulk(list(flagged))
    found = [UnusualAccess(users[pk], day, n) for pk, n in flagged.items() if pk in users]
    return sorted(found, key=lambda found: (-found.records, found.user.pk))
