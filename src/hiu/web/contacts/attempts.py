"""The three-attempts rule applied to the database: each open episode's run of unreached
attempts (``rules.attempt_run``), for one client or for many at once (the tasks list)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from hiu.web.clients.models import Client
from hiu.web.contacts.models import NO_CONTACT_KINDS, Channel, Contact, Letter
from hiu.web.contacts.querysets import open_episode_of
from hiu.web.contacts.rules import AttemptRun, ContactFact, attempt_run
from hiu.web.episodes.models import Episode
from hiu.web.episodes.services import pathway_for


def runs_for_episodes(episodes: Iterable[Episode]) -> dict[int, AttemptRun]:
    """Each episode's run of attempts, by episode id, in two queries whatever the number.
    The episodes must have ``client__service`` loaded."""
    episodes = list(episodes)
    ids = [episode.pk for episode in episodes]
    facts: dict[int, list[ContactFact]] = defaultdict(list)
    for episode_id, at, reached, channel in Contact.objects.filter(episode_id__in=ids).values_list(
        "episode_id", "at", "reached", "channel"
    ):
        facts[episode_id].append(ContactFact(at, reached, is_letter=channel == Channel.LETTER))
    letters: dict[int, list[dt.datetime]] = defaultdict(list)
    for episode_id, made_at in Letter.objects.filter(
        episode_id__in=ids, kind__in=NO_CONTACT_KINDS
    ).values_list("episode_id", "made_at"):
        letters[episode_id].append(made_at)
    needed: dict[int, int] = {}
    runs = {}
    for episode in episodes:
        service_id = episode.client.service_id
        if service_id not in needed:
            needed[service_id] = pathway_for(episode.client.service).contact_attempts_before_letter
        runs[episode.pk] = attempt_run(facts[episode.pk], letters[episode.pk], needed[service_id])
    return runs


def run_for(client: Client) -> AttemptRun | None:
    """The client's run of attempts in their open episode; None with no open episode."""
    episode = open_episode_of(client)
    if episode is None:
        return None
    episode.client = client
    return runs_for_episodes([episode])[episode.pk]
