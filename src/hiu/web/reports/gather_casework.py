"""The casework a report counts, read from the database for one service.

Every query here starts from the service (``client__service``, ``service``), never from a row
id, so nothing of another service's can reach a report. Each reads all the service's rows of
one kind at once: the number of queries does not grow with the number of clients.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Min, Q
from django.utils import timezone

from hiu.report.facts import (
    DeclineFacts,
    EpisodeFacts,
    InterventionFacts,
    MeetingFacts,
    StoryFacts,
)
from hiu.report.identifiers import found_in
from hiu.web.accounts.models import Service
from hiu.web.casestudies.models import CaseStudy
from hiu.web.casestudies.services import person_identifiers
from hiu.web.corrections.entries import current_only
from hiu.web.episodes.models import Episode, PhaseChange, RelapseAlert, RelapseReason
from hiu.web.interventions.models import (
    Intervention,
    Kind,
    OnwardKind,
    OnwardReferral,
    SessionStatus,
)
from hiu.web.meetings.models import Meeting, MeetingKind
from hiu.web.plans.models import Assessment, Need
from hiu.web.screening.models import Decision, ScreeningDecision

logger = logging.getLogger(__name__)

NO_REASON = "No reason recorded"
_NEED_LABELS = dict(Need.choices)
_KIND_LABELS = dict(Kind.choices)
_MEETING_LABELS = dict(MeetingKind.choices)


def interventions(service: Service) -> tuple[InterventionFacts, ...]:
    """Every intervention of the service's episodes, with its attended sessions counted."""
    rows = (
        Intervention.objects.filter(episode__client__service=service)
        # A join uses no manager: sessions entered in error are left out here (ADR 0019).
        .annotate(
            attended=Count(
                "sessions",
                filter=Q(sessions__status=SessionStatus.ATTENDED) & current_only("sessions"),
            )
        )
        .values_list(
            "episode_id",
            "type__kind",
            "type__name",
            "referred_on",
            "started_on",
            "ended_on",
            "attended",
        )
        .order_by("episode_id", "referred_on", "id")
    )
    return tuple(
        InterventionFacts(
            episode_id=episode_id,
            kind=_KIND_LABELS.get(kind, kind),
            name=name,
            referred_on=referred_on,
            started_on=started_on,
            ended_on=ended_on,
            attended_sessions=attended,
        )
        for episode_id, kind, name, referred_on, started_on, ended_on, attended in rows
    )


def episodes(
    service: Service, found_interventions: Iterable[InterventionFacts]
) -> tuple[EpisodeFacts, ...]:
    """Every episode of the service's clients, open or closed, in the order they opened."""
    rows = list(
        Episode.objects.filter(client__service=service)
        .values_list(
            "id",
            "client_id",
            "way_in",
            "opened_on",
            "engaged_on",
            "stepped_down_on",
            "closed_on",
            "client__case_manager__staff_profile__organisation",
        )
        .order_by("opened_on", "id")
    )
    phases = _phases(service)
    needs = _main_needs(service)
    first = _first_interventions(service, found_interventions)
    again = _threshold_again(service)
    found = []
    for (
        episode_id,
        client_id,
        way_in,
        opened_on,
        engaged_on,
        stepped_down_on,
        closed_on,
        organisation,
    ) in rows:
        found.append(
            EpisodeFacts(
                episode_id=episode_id,
                client_id=client_id,
                way_in=way_in,
                opened_on=opened_on,
                engaged_on=engaged_on,
                stepped_down_on=stepped_down_on,
                closed_on=closed_on,
                phases=tuple(phases.get(episode_id, [])),
                organisation=organisation or "",
                primary_need=needs.get(episode_id, ""),
                first_intervention_on=first.get(episode_id),
                threshold_again_on=_first_on_or_after(again.get(episode_id, []), stepped_down_on),
            )
        )
    return tuple(found)


def _first_on_or_after(days: Iterable[dt.date], start: dt.date | None) -> dt.date | None:
    """The earliest of ``days`` on or after ``start``; None without a start (a client who
    never stepped down has not relapsed)."""
    if start is None:
        return None
    return min((day for day in days if day >= start), default=None)


def _phases(service: Service) -> dict[int, list[tuple[dt.date, str]]]:
    """Each episode's phases, in the order the moves were recorded."""
    found: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for episode_id, effective_on, to_phase in (
        PhaseChange.objects.filter(episode__client__service=service)
        .order_by("episode_id", "recorded_at", "id")
        .values_list("episode_id", "effective_on", "to_phase")
    ):
        found[episode_id].append((effective_on, to_phase))
    return found


def _main_needs(service: Service) -> dict[int, str]:
    """The main need on each episode's latest assessment that recorded one, as its label."""
    found: dict[int, str] = {}
    for episode_id, need in (
        Assessment.objects.filter(client__service=service, episode__isnull=False)
        .exclude(primary_need="")
        .order_by("episode_id", "-assessed_on", "-id")
        .values_list("episode_id", "primary_need")
    ):
        found.setdefault(episode_id, _NEED_LABELS.get(need, need))
    return found


def _first_interventions(
    service: Service, found_interventions: Iterable[InterventionFacts]
) -> dict[int, dt.date]:
    """The first intervention started, or referral to a partner service made, per episode.

    000 §4.1 counts the wait to the "start of first intervention including referral to partner
    services": a referral out counts from the day it was made; signposting is not a referral
    and does not count, nor does an intervention referred to but not yet started.
    """
    first: dict[int, dt.date] = {}

    def consider(episode_id: int, day: dt.date | None) -> None:
        if day is not None and (episode_id not in first or day < first[episode_id]):
            first[episode_id] = day

    for intervention in found_interventions:
        consider(intervention.episode_id, intervention.started_on)
    for episode_id, day in (
        OnwardReferral.objects.filter(episode__client__service=service, kind=OnwardKind.REFERRED)
        .values("episode_id")
        .annotate(first=Min("on"))
        .values_list("episode_id", "first")
        .order_by("episode_id")
    ):
        consider(episode_id, day)
    return first


def _threshold_again(service: Service) -> dict[int, list[dt.date]]:
    """The days each episode's client was found on an identified list again (threshold
    relapse alerts).

    The day is the as-of date of the list that raised the alert (``activity_on``): the day the
    data showed them meeting the threshold, which may be weeks before anyone looked. An alert
    without one counts from the day it was raised.
    """
    found: dict[int, list[dt.date]] = defaultdict(list)
    for episode_id, activity_on, raised_at in (
        RelapseAlert.objects.filter(
            episode__client__service=service, reason=RelapseReason.THRESHOLD
        )
        .order_by("episode_id", "raised_at", "id")
        .values_list("episode_id", "activity_on", "raised_at")
    ):
        found[episode_id].append(activity_on or timezone.localdate(raised_at))
    return found


def declines(service: Service) -> tuple[DeclineFacts, ...]:
    """People on the service's lists the team decided not to offer the service, with why."""
    return tuple(
        DeclineFacts(
            decided_on=timezone.localdate(decided_at),
            reason=label or NO_REASON,
        )
        for decided_at, label in ScreeningDecision.objects.filter(
            service=service, decision=Decision.DECLINE
        )
        .order_by("decided_at", "id")
        .values_list("decided_at", "reason__label")
    )


def meetings(service: Service) -> tuple[MeetingFacts, ...]:
    """The service's team meetings and which of its clients each discussed."""
    discussed: dict[int, set[int]] = defaultdict(set)
    # A join through the meeting: meetings marked entered in error are left out here as well
    # as below (ADR 0019).
    for meeting_id, client_id in Meeting.clients.through.objects.filter(
        current_only("meeting"), meeting__service=service, client__service=service
    ).values_list("meeting_id", "client_id"):
        discussed[meeting_id].add(client_id)
    return tuple(
        MeetingFacts(
            held_on=held_on,
            kind=_MEETING_LABELS.get(kind, kind),
            client_ids=frozenset(discussed.get(meeting_id, ())),
        )
        for meeting_id, held_on, kind in Meeting.objects.filter(service=service)
        .order_by("held_on", "id")
        .values_list("id", "held_on", "kind")
    )


def stories(service: Service) -> tuple[StoryFacts, ...]:
    """Case studies that may be shared: marked shareable, with the client's consent recorded
    and not withdrawn, and holding none of the client's identifiers.

    Saving a story that names its client is refused, but a client's details can change after
    the story was written (a new phone number, a corrected name), so the check is made again
    here. A story that fails it is left out, and the log names only the story's id.
    """
    kept = []
    for study in (
        CaseStudy.objects.shareable()
        .filter(client__service=service)
        .select_related("client")
        .order_by("written_on", "id")
    ):
        client = study.client
        person = person_identifiers(client)
        if found_in(study.title, person) or found_in(study.text, person):
            logger.warning(
                "Case study %s left out of the report: it holds its client's identifiers",
                study.pk,
            )
            continue
        kept.append(StoryFacts(written_on=study.written_on, title=study.title, text=study.text))
    return tuple(kept)
