"""A service's unit costs and running costs: the latest saved version, or hiu's shipped table
(``hiu.evaluate.unit_costs``) until the service saves its own. Every save is a new version,
with who saved it and when; older versions stay, and each run names the one it used."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from hiu.evaluate.unit_costs import UnitCost, UnitCosts
from hiu.web.accounts.models import Service
from hiu.web.evaluation.models import UnitCostTable


@dataclass(frozen=True)
class CurrentCosts:
    costs: UnitCosts
    running_costs: Decimal | None
    saved: UnitCostTable | None  # None: the shipped table, not yet saved by the service


def latest_table(service: Service) -> UnitCostTable | None:
    return UnitCostTable.objects.filter(service=service).order_by("-version").first()


def costs_of(saved: UnitCostTable | None) -> CurrentCosts:
    if saved is None:
        return CurrentCosts(UnitCosts.default(), None, None)
    return CurrentCosts(UnitCosts.from_dict(saved.table), saved.running_costs, saved)


def current_costs(service: Service) -> CurrentCosts:
    return costs_of(latest_table(service))


def save_unit_costs(
    service: Service,
    items: list[UnitCost],
    running_costs: Decimal | None,
    by: User,
) -> UnitCostTable:
    """Save a new version of the service's table (the next version number)."""
    with transaction.atomic():
        # Lock the service row: two saves at once still get versions n and n + 1.
        Service.objects.select_for_update().filter(pk=service.pk).first()
        latest = latest_table(service)
        version = (latest.version if latest is not None else 0) + 1
        base = costs_of(latest).costs
        costs = UnitCosts(
            name=f"{service.name} unit costs",
            version=str(version),
            valid_from=base.valid_from,
            items=tuple(items),
        )
        # Round-trip through the engine's own checks: a table that cannot be read is not saved.
        UnitCosts.from_dict(costs.to_dict())
        return UnitCostTable.objects.create(
            service=service,
            version=version,
            table=costs.to_dict(),
            running_costs=running_costs,
            saved_by=by,
            saved_by_username=by.get_username(),
        )
