"""What the episode pages show, shaped for the templates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hiu.web.clients.models import Client
from hiu.web.episodes.models import (
    Episode,
    FollowUp,
    HoldingCheck,
    Pathway,
    PhaseChange,
    RelapseAlert,
)
from hiu.web.episodes.phases import Phase
from hiu.web.episodes.services import add_months, moves_for, pathway_for

ACTIVITY_LABELS = {
    "ed_attendances": "A&E attendances",
    "ambulance_incidents": "Ambulance incidents",
    "nhs111_calls": "NHS 111 calls",
    "admissions": "Emergency admissions",
    "bed_days": "Bed days",
}


@dataclass(frozen=True)
class FollowUpRow:
    follow_up: FollowUp
    overdue: bool
    # (label, before, after) for each kind of activity, once the follow-up is done.
    comparison: list[tuple[str, int, int]]


@dataclass(frozen=True)
class EpisodesPage:
    client: Client
    pathway: Pathway
    current: Episode | None
    moves: list[Phase]
    holding_ends: dt.date | None
    next_holding_check: dt.date | None
    holding_checks: list[HoldingCheck]
    follow_ups: list[FollowUpRow]
    alerts: list[RelapseAlert]
    resolved_alerts: list[RelapseAlert]
    history: list[tuple[Episode, list[PhaseChange]]]
    can_reopen: bool


def episodes_page(client: Client, today: dt.date) -> EpisodesPage:
    pathway = pathway_for(client.service)
    episodes = list(client.episodes.order_by("-number").prefetch_related("changes"))
    current = next((e for e in episodes if e.phase != Phase.CLOSED), None)
    latest = episodes[0] if episodes else None
    holding_ends = next_check = None
    checks: list[HoldingCheck] = []
    if current is not None and current.phase == Phase.HOLDING and current.holding_since:
        checks = list(current.holding_checks.all())
        holding_ends = current.holding_since + dt.timedelta(weeks=pathway.holding_weeks)
        last = checks[-1].checked_on if checks else current.holding_since
        next_check = add_months(last, 1)
        if next_check >= holding_ends:
            next_check = None
    follow_ups = []
    if latest is not None:
        for follow_up in latest.follow_ups.all():
            comparison = (
                [
                    (label, int(follow_up.before.get(key, 0)), int(follow_up.after.get(key, 0)))
                    for key, label in ACTIVITY_LABELS.items()
                ]
                if follow_up.done_on
                else []
            )
            overdue = follow_up.done_on is None and follow_up.due_on < today
            follow_ups.append(FollowUpRow(follow_up, overdue, comparison))
    alerts = list(client.relapse_alerts.all())
    return EpisodesPage(
        client=client,
        pathway=pathway,
        current=current,
        moves=moves_for(current) if current is not None else [],
        holding_ends=holding_ends,
        next_holding_check=next_check,
        holding_checks=checks,
        follow_ups=follow_ups,
        alerts=[a for a in alerts if a.is_open],
        resolved_alerts=[a for a in alerts if not a.is_open],
        history=[(e, list(e.changes.all())) for e in episodes],
        # Re-open: after stepping down (the client called, or an alert), or with no open
        # episode at all (a client whose last episode closed).
        can_reopen=current is None or current.phase in {Phase.STEPPED_DOWN, Phase.HOLDING},
    )
