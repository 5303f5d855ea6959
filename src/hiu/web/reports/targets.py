"""The service's KPI targets: which is in force, how it came to be, and setting a new one.

Defaults come from ``hiu.report.kpis.KPIS``; a service lead sets the service's own. A change is
a new ``ServiceTarget`` row and never an edit, so a report can say which targets it was judged
against and the page can show who changed what, when. The latest row per KPI is in force.
Every change writes CHANGE_TARGETS to the audit log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from hiu.report.kpis import KPIS, Kpi, Unit, targets_for
from hiu.web.accounts.models import Service
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.formatting import display_name, display_username
from hiu.web.refused import Refused as Refused
from hiu.web.reports.models import ServiceTarget

#: The largest number a NUMBER target may be: far above any real quarter's count, and small
#: enough that a slip of the keyboard ("300000") is caught.
MAX_NUMBER = 10_000


def _latest_rows(service: Service) -> dict[str, ServiceTarget]:
    """The service's latest row for each KPI it has set (the model orders newest first)."""
    latest: dict[str, ServiceTarget] = {}
    for row in ServiceTarget.objects.filter(service=service).order_by("kpi", "-changed_at", "-id"):
        latest.setdefault(row.kpi, row)
    return latest


def targets_in_force(service: Service) -> dict[str, float]:
    """Every KPI's target for the service: its own latest where set, else the default.

    A row for a KPI that ``KPIS`` no longer lists is ignored rather than refused: a retired
    KPI must not stop the service's reports.
    """
    overrides = {key: row.value for key, row in _latest_rows(service).items() if key in KPIS}
    return targets_for(overrides)


@dataclass(frozen=True)
class Change:
    """One change of a target: who, when, from what to what (as the page shows them)."""

    by: str
    at: dt.datetime
    old: str
    new: str


@dataclass(frozen=True)
class TargetRow:
    kpi: Kpi
    value: float  # in force
    text: str  # in force, as shown ("40%", "30")
    default_text: str
    is_default: bool
    changes: tuple[Change, ...]  # newest first

    @property
    def key(self) -> str:
        return self.kpi.key


def _person(row: ServiceTarget) -> str:
    user = row.changed_by
    if user is not None:
        return display_name(user)
    return display_username(row.changed_by_username) if row.changed_by_username else "Not known"


def target_rows(service: Service) -> list[TargetRow]:
    """Each KPI in the order of ``KPIS``, with the target in force and its history."""
    history: dict[str, list[ServiceTarget]] = {}
    rows = ServiceTarget.objects.filter(service=service).select_related("changed_by")
    # Oldest first, so each change can name the value it replaced.
    for row in rows.order_by("changed_at", "id"):
        history.setdefault(row.kpi, []).append(row)
    found = []
    for key, kpi in KPIS.items():
        changes = []
        previous = kpi.default
        for row in history.get(key, []):
            changes.append(
                Change(
                    _person(row),
                    row.changed_at,
                    kpi.target_text(previous),
                    kpi.target_text(row.value),
                )
            )
            previous = row.value
        found.append(
            TargetRow(
                kpi=kpi,
                value=previous,
                text=kpi.target_text(previous),
                default_text=kpi.target_text(kpi.default),
                is_default=key not in history,
                changes=tuple(reversed(changes)),
            )
        )
    return found


def target_row(service: Service, key: str) -> TargetRow | None:
    return next((row for row in target_rows(service) if row.key == key), None)


def from_entered(kpi: Kpi, entered: float) -> float:
    """The value to store for what the form asks for: a percentage (0 to 100) becomes a
    proportion (40 is stored 0.4); a number is kept. Refused when out of range."""
    stored = entered / 100 if kpi.unit is Unit.PROPORTION else entered
    _check(kpi, stored)
    return round(stored, 6)


def _check(kpi: Kpi, stored: float) -> None:
    top = 1.0 if kpi.unit is Unit.PROPORTION else float(MAX_NUMBER)
    if not math.isfinite(stored) or not 0 <= stored <= top:
        raise Refused(_range_message(kpi))


def _range_message(kpi: Kpi) -> str:
    if kpi.unit is Unit.PROPORTION:
        return "The target must be a percentage from 0 to 100"
    return f"The target must be a number from 0 to {MAX_NUMBER:,}"


def entered_value(kpi: Kpi, stored: float) -> str:
    """A stored target as the form shows it: a percentage for a proportion (0.4 reads 40)."""
    shown = stored * 100 if kpi.unit is Unit.PROPORTION else stored
    return f"{round(shown, 2):g}"


@transaction.atomic
def set_target(
    service: Service,
    key: str,
    value: float,
    *,
    by: User,
    request: HttpRequest | None = None,
) -> ServiceTarget:
    """A new target for the KPI (``value`` stored as it is: a proportion or a number)."""
    kpi = KPIS.get(key)
    if kpi is None:
        raise Refused("Select a KPI from the list")
    _check(kpi, value)
    # Two leads saving at once must both see the other's change as the old value.
    Service.objects.select_for_update().filter(pk=service.pk).first()
    current = targets_in_force(service)[key]
    if math.isclose(current, value):
        raise Refused(f"The target is {kpi.target_text(current)} already: enter a different one")
    saved = ServiceTarget.objects.create(
        service=service,
        kpi=key,
        value=value,
        changed_by=by,
        changed_by_username=by.get_username(),
    )
    record(
        Action.CHANGE_TARGETS,
        request=request,
        actor=by,
        object_type="service",
        object_id=service.pk,
        detail={"kpi": key, "old": current, "new": value, "target": saved.pk},
    )
    return saved
