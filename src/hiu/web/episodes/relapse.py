"""Relapse alerts: signs that a client who was stepped down needs the service again (001 §4
"Manage relapse"; DESIGN §3).

Two signs are checked without anyone asking:

- a new identified list names them again (``alerts_from_list``, called when a list is made);
- the activity store holds events that started after they were stepped down
  (``alerts_from_new_activity``, called after every import and by ``manage check_relapses``).

A third, the client calling their worker, is recorded by the worker re-opening the case.
Each check is safe to repeat: an alert covers the activity up to its ``activity_on`` day, and
the next check looks only after it; a list raises one alert per episode until it is resolved.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from hiu.store.person_activity import activity_since
from hiu.store.store import Store
from hiu.web.episodes.models import Episode, RelapseAlert, RelapseReason
from hiu.web.episodes.phases import Phase
from hiu.web.formatting import format_date
from hiu.web.identification.models import IdentificationRun
from hiu.web.identification.status import Mark


def _stepped_down_episodes(**filters: object) -> list[Episode]:
    """Each client's latest episode, where it ended in stepping down (stepped down now, or
    closed after it): the clients a relapse can happen to."""
    candidates = Episode.objects.filter(
        stepped_down_on__isnull=False, phase__in=[Phase.STEPPED_DOWN, Phase.CLOSED], **filters
    ).select_related("client")
    # The first row per client, ordered by number descending, is their latest episode.
    highest: dict[int, int] = {}
    for client_id, number in (
        Episode.objects.filter(client__in=candidates.values("client_id"))
        .order_by("client_id", "-number")
        .values_list("client_id", "number")
    ):
        highest.setdefault(client_id, number)
    return [e for e in candidates if highest.get(e.client_id) == e.number]


def alerts_from_list(run: IdentificationRun) -> list[RelapseAlert]:
    """An alert for each stepped-down client of the run's service who is on its list."""
    listed = set(
        run.people.filter(mark__in=[Mark.NEW, Mark.CONTINUING]).values_list("nhs_number", flat=True)
    )
    if not listed:
        return []
    raised = []
    for episode in _stepped_down_episodes(client__service_id=run.service_id):
        if episode.client.nhs_number not in listed:
            continue
        if RelapseAlert.objects.filter(
            episode=episode, reason=RelapseReason.THRESHOLD, resolved_at__isnull=True
        ).exists():
            continue
        raised.append(
            RelapseAlert.objects.create(
                client=episode.client,
                episode=episode,
                reason=RelapseReason.THRESHOLD,
                detail=(
                    f"On the list as of {format_date(run.as_of)}, after stepping down on "
                    f"{format_date(episode.stepped_down_on)}."
                ),
                activity_on=run.as_of,
            )
        )
    return raised


def alerts_from_new_activity(store: Store) -> list[RelapseAlert]:
    """An alert for each stepped-down client with events after stepping down (or after the
    activity their last alert covered)."""
    episodes = _stepped_down_episodes()
    if not episodes:
        return []
    covered: dict[int, dt.date] = {}
    for alert in RelapseAlert.objects.filter(
        episode__in=episodes, reason=RelapseReason.NEW_ACTIVITY
    ).order_by("activity_on"):
        if alert.activity_on is not None:
            covered[alert.episode_id] = alert.activity_on
    since_by_episode: dict[int, dt.date] = {}
    for episode in episodes:
        assert episode.stepped_down_on is not None
        since_by_episode[episode.pk] = max(
            episode.stepped_down_on, covered.get(episode.pk, episode.stepped_down_on)
        )
    # One NHS number may be a client of two services: ask the store from the earliest day.
    by_number: dict[str, list[Episode]] = defaultdict(list)
    for episode in episodes:
        by_number[episode.client.nhs_number].append(episode)
    since = {
        number: min(since_by_episode[e.pk] for e in group) for number, group in by_number.items()
    }
    found = activity_since(store, since)
    raised = []
    for number, activity in found.items():
        for episode in by_number[number]:
            own_since = since_by_episode[episode.pk]
            if activity.latest <= own_since:
                continue
            raised.append(
                RelapseAlert.objects.create(
                    client=episode.client,
                    episode=episode,
                    reason=RelapseReason.NEW_ACTIVITY,
                    detail=(
                        f"Urgent care used since {format_date(own_since)}: the latest on "
                        f"{format_date(activity.latest)}."
                    ),
                    activity_on=activity.latest,
                )
            )
    return raised
