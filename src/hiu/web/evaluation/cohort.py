"""The service's evaluation cohort, from its casework: every client whose support reached
engaged, once, on the day they first engaged (``Episode.engaged_on``; DESIGN §7).

The identification date is the day the list they were accepted from was made, when the
episode came from a list: a list as of day D is made on D + 1 (``hiu.evaluate.windows``). A
list made after the engaged date (a back-dated acceptance) cannot have identified them, so it is
left out and the engine takes the service's last list date before they engaged, as it does for
a client who came by referral.
"""

from __future__ import annotations

import datetime as dt

from hiu.evaluate.cohort import Cohort, CohortMember
from hiu.web.accounts.models import Service
from hiu.web.episodes.models import Episode
from hiu.web.screening.models import Decision, ScreeningDecision


def first_engagements(service: Service) -> list[tuple[str, dt.date, int]]:
    """(NHS number, first engaged date, that episode's id) for each engaged client, in order of
    engagement."""
    first: dict[int, tuple[str, dt.date, int]] = {}
    engaged = (
        Episode.objects.filter(client__service=service, engaged_on__isnull=False)
        .order_by("client_id", "engaged_on", "number")
        .values_list("client_id", "client__nhs_number", "engaged_on", "id")
    )
    for client_id, nhs_number, engaged_on, episode_id in engaged:
        if engaged_on is not None:  # filtered out above; this tells the type checker
            first.setdefault(client_id, (nhs_number, engaged_on, episode_id))
    return sorted(first.values(), key=lambda row: (row[1], row[2]))


def list_dates(episode_ids: list[int]) -> dict[int, dt.date]:
    """The as-of date of the list each episode came from: the episode's own list row, else the
    acceptance that opened it."""
    found: dict[int, dt.date] = {}
    rows = Episode.objects.filter(pk__in=episode_ids, identified_person__isnull=False).values_list(
        "id", "identified_person__run__as_of"
    )
    for episode_id, as_of in rows:
        if as_of is not None:
            found[episode_id] = as_of
    accepted = ScreeningDecision.objects.filter(
        episode_id__in=episode_ids, decision=Decision.ACCEPT, list_as_of__isnull=False
    ).values_list("episode_id", "list_as_of")
    for accepted_episode, list_as_of in accepted:
        if accepted_episode is not None and list_as_of is not None:
            found.setdefault(accepted_episode, list_as_of)
    return found


def service_cohort(service: Service) -> Cohort:
    engaged = first_engagements(service)
    as_of = list_dates([episode_id for _, _, episode_id in engaged])
    members = []
    for nhs_number, engaged_on, episode_id in engaged:
        made_on = as_of[episode_id] + dt.timedelta(days=1) if episode_id in as_of else None
        identified = made_on if made_on is not None and made_on <= engaged_on else None
        members.append(CohortMember(nhs_number, engaged_on, identified))
    return Cohort.from_members(members)
