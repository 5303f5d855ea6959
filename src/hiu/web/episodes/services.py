"""Workflow changes to episodes: opening one, moving it between phases, re-opening after a
relapse. Every change is recorded as a ``PhaseChange`` and in the audit log, here, so no view
can move a client without both.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from hiu.store.person_activity import counts_in, person_counts
from hiu.store.store import Store
from hiu.web.accounts.models import Service
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.clients.models import CANCELLED_EPISODE_CLOSED, Client, TaskOrigin, WorkerTask
from hiu.web.episodes.models import (
    Episode,
    FollowUp,
    HoldingCheck,
    Pathway,
    PhaseChange,
    RelapseAlert,
)
from hiu.web.episodes.phases import Complexity, Phase, WayIn, allowed_moves
from hiu.web.refused import Refused


class MoveNotAllowed(Refused):
    """A move the pathway does not allow; its message is written for the person who asked."""


def pathway_for(service: Service) -> Pathway:
    """The service's pathway, created with the defaults the first time it is asked for."""
    pathway, _ = Pathway.objects.get_or_create(service=service)
    return pathway


def moves_for(episode: Episode) -> list[Phase]:
    pathway = pathway_for(episode.client.service)
    return allowed_moves(Phase(episode.phase), holding=pathway.has_holding)


def _audit(
    episode: Episode, user: User, what: str, request: HttpRequest | None, **detail: object
) -> None:
    record(
        Action.UPDATE_CLIENT,
        request=request,
        actor=user,
        object_type="client",
        object_id=episode.client_id,
        detail={"what": what, "episode": episode.pk, **detail},
    )


@transaction.atomic
def open_episode(
    client: Client,
    *,
    by: User,
    way_in: WayIn,
    phase: Phase = Phase.SCREENING,
    on: dt.date | None = None,
    complexity: Complexity | str = "",
    reason: str = "",
    identified_person_id: int | None = None,
    relapse_of: Episode | None = None,
    request: HttpRequest | None = None,
) -> Episode:
    """A new period of support for ``client``. Refused while another episode is open."""
    on = on or timezone.localdate()
    if client.episodes.exclude(phase=Phase.CLOSED).exists():
        raise MoveNotAllowed("This client already has an open episode of support")
    number = (client.episodes.aggregate(n=Max("number"))["n"] or 0) + 1
    episode = Episode.objects.create(
        client=client,
        number=number,
        way_in=way_in,
        phase=phase,
        phase_since=on,
        complexity=complexity,
        opened_on=on,
        engaged_on=on if phase == Phase.ENGAGED else None,
        relapse_of=relapse_of,
        identified_person_id=identified_person_id,
    )
    PhaseChange.objects.create(
        episode=episode,
        from_phase="",
        to_phase=phase,
        effective_on=on,
        by=by,
        by_username=by.get_username(),
        reason=reason,
    )
    _audit(episode, by, "open_episode", request, phase=str(phase))
    return episode


@transaction.atomic
def move(
    episode: Episode,
    to: Phase,
    *,
    by: User,
    reason: str = "",
    on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> PhaseChange:
    """Move ``episode`` to ``to``, as the pathway allows, recording who, when and why."""
    on = on or timezone.localdate()
    given = episode
    # Lock the row: two people moving the same client at once must not both succeed.
    episode = (
        Episode.objects.select_for_update().select_related("client__service").get(pk=episode.pk)
    )
    current = Phase(episode.phase)
    if to not in moves_for(episode):
        raise MoveNotAllowed(
            f"A client who is {current.label.lower()} cannot be moved to {to.label.lower()}"
        )
    if on < episode.phase_since:
        raise MoveNotAllowed("The date of the change must be on or after the current phase began")
    if on > timezone.localdate():
        raise MoveNotAllowed("The date of the change must be today or in the past")
    if to == Phase.CLOSED and not reason.strip():
        raise MoveNotAllowed("Enter why the episode is closing")
    episode.phase = to
    episode.phase_since = on
    if to == Phase.ENGAGED and episode.engaged_on is None:
        episode.engaged_on = on
    if to == Phase.HOLDING:
        episode.holding_since = on
    if to == Phase.STEPPED_DOWN:
        episode.stepped_down_on = on
        _schedule_follow_ups(episode, on)
    if to == Phase.CLOSED:
        episode.closed_on = on
        episode.close_reason = reason
        _cancel_own_tasks(episode.client)
    episode.save()
    change = PhaseChange.objects.create(
        episode=episode,
        from_phase=current,
        to_phase=to,
        effective_on=on,
        by=by,
        by_username=by.get_username(),
        reason=reason,
    )
    _audit(episode, by, "move_phase", request, from_phase=str(current), to_phase=str(to))
    given.refresh_from_db()  # the caller's copy shows the move too
    return change


def _cancel_own_tasks(client: Client) -> None:
    """Closing ends the client's derived tasks by itself (each app's ``due.py`` stops at a
    closed episode); the tasks workers added are kept, marked cancelled, not deleted."""
    WorkerTask.objects.filter(
        client=client, origin=TaskOrigin.OWN, completed_at__isnull=True, cancelled_at__isnull=True
    ).update(
        cancelled_at=timezone.now(),
        cancelled_reason=CANCELLED_EPISODE_CLOSED,
        updated_at=timezone.now(),
    )


def _schedule_follow_ups(episode: Episode, stepped_down_on: dt.date) -> None:
    pathway = pathway_for(episode.client.service)
    for months in sorted({int(m) for m in pathway.follow_up_months}):
        FollowUp.objects.get_or_create(
            episode=episode,
            months=months,
            defaults={"due_on": add_months(stepped_down_on, months)},
        )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or that month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def reopen_after_relapse(
    client: Client,
    *,
    by: User,
    reason: str,
    on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Episode:
    """A fast re-open (DESIGN §3): the open episode (stepped down or holding) closes, and a new
    one starts engaged, with the same case manager, pointing back to the old one."""
    on = on or timezone.localdate()
    if not reason.strip():
        raise MoveNotAllowed("Enter why the case is re-opening")
    previous = client.episodes.exclude(phase=Phase.CLOSED).first()
    if previous is not None and previous.phase not in {Phase.STEPPED_DOWN, Phase.HOLDING}:
        raise MoveNotAllowed("This client is already being supported")
    if previous is None:
        previous = client.episodes.order_by("-number").first()
    elif Phase.CLOSED in moves_for(previous):
        move(
            previous,
            Phase.CLOSED,
            by=by,
            reason=f"Relapse: re-opened as a new episode. {reason}",
            on=max(on, previous.phase_since),
            request=request,
        )
    episode = open_episode(
        client,
        by=by,
        way_in=WayIn.RELAPSE,
        phase=Phase.ENGAGED,
        on=on,
        complexity=previous.complexity if previous else "",
        reason=reason,
        relapse_of=previous,
        request=request,
    )
    # Every alert still open for the client is answered by the re-opening.
    RelapseAlert.objects.filter(client=client, resolved_at__isnull=True).update(
        resolved_at=timezone.now(),
        resolution="reopened",
        resolution_note=reason,
        resolved_by=by,
    )
    return episode


@transaction.atomic
def record_holding_check(
    episode: Episode,
    *,
    by: User,
    checked_on: dt.date,
    note: str,
    store: Store,
    request: HttpRequest | None = None,
) -> HoldingCheck:
    """A monthly look at a holding client's activity: the month before the check is counted
    from the activity store and kept with the check, as it was seen then."""
    if episode.phase != Phase.HOLDING:
        raise MoveNotAllowed("Holding checks are for clients in the holding phase")
    counts = person_counts(
        store,
        episode.client.nhs_number,
        add_months(checked_on, -1),
        checked_on + dt.timedelta(days=1),
    )
    check = HoldingCheck.objects.create(
        episode=episode,
        checked_on=checked_on,
        ed_attendances=counts.ed_attendances,
        ambulance_incidents=counts.ambulance_incidents,
        nhs111_calls=counts.nhs111_calls,
        admissions=counts.admissions,
        note=note,
        by=by,
    )
    _audit(episode, by, "holding_check", request, check=check.pk)
    return check


@transaction.atomic
def record_follow_up(
    follow_up: FollowUp,
    *,
    by: User,
    done_on: dt.date,
    note: str,
    store: Store,
    request: HttpRequest | None = None,
) -> FollowUp:
    """An activity follow-up: the months since stepping down, against the same number of
    months before the episode opened (000 §2.4.4). Counts are kept as they were seen."""
    episode = Episode.objects.select_related("client").get(pk=follow_up.episode_id)
    assert episode.stepped_down_on is not None
    timeline = store.timeline(episode.client.nhs_number)
    after_end = min(done_on, add_months(episode.stepped_down_on, follow_up.months))
    before = counts_in(
        timeline, add_months(episode.opened_on, -follow_up.months), episode.opened_on
    )
    after = counts_in(timeline, episode.stepped_down_on, after_end + dt.timedelta(days=1))
    follow_up.before = before.as_dict()
    follow_up.after = after.as_dict()
    follow_up.done_on = done_on
    follow_up.note = note
    follow_up.by = by
    follow_up.save()
    _audit(episode, by, "follow_up", request, follow_up=follow_up.pk, months=follow_up.months)
    return follow_up


@transaction.atomic
def dismiss_alert(
    alert: RelapseAlert, *, by: User, reason: str, request: HttpRequest | None = None
) -> None:
    if alert.resolved_at is not None:
        raise MoveNotAllowed("This alert has already been dealt with")
    alert.resolved_at = timezone.now()
    alert.resolution = "dismissed"
    alert.resolution_note = reason
    alert.resolved_by = by
    alert.save()
    _audit(alert.episode, by, "dismiss_relapse_alert", request, alert=alert.pk)


@transaction.atomic
def change_complexity(
    episode: Episode, complexity: Complexity, *, by: User, request: HttpRequest | None = None
) -> None:
    previous = episode.complexity
    episode.complexity = complexity
    episode.save(update_fields=["complexity"])
    _audit(episode, by, "complexity", request, before=previous, after=str(complexity))


def step_down_letters(client: Client, *, by: User, request: HttpRequest | None = None) -> str:
    """The plan letter to the GP and the letter to the client, made when stepping down
    (DESIGN §3). Returns what happened, for the confirmation; a letter refused (the client
    withdrew consent: nothing goes to the GP) is said, not raised."""
    from hiu.web.contacts.letters import LetterRefused, make_letter

    said = []
    for kind, who in (("gp_step_down", "GP"), ("client_step_down", "client")):
        try:
            make_letter(client, kind, by=by, request=request)
        except LetterRefused as refusal:
            said.append(f"No letter to the {who}: {refusal}")
        else:
            said.append(f"The letter to the {who} is ready to print on the contacts page.")
    return " ".join(said)
