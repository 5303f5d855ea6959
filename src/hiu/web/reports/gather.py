"""Gathering one service's facts for a report period: its casework from the database and its
activity from the store, as the plain data ``hiu.report`` builds a report from
(``hiu.report.facts``).

Everything is the one service's: every query starts from it. The number of queries is the
same whatever the number of clients (a test holds it to that), and the store is read in a
fixed number of DuckDB queries for all the clients together.

The facts are not yet a report: they carry every episode, decline and intervention, and the
report's measures pick those that fall in the period. Nothing here is suppressed either;
disclosure control is applied where the figures are made (``hiu.disclosure``).
"""

from __future__ import annotations

import datetime as dt

from hiu.report.facts import ServiceFacts
from hiu.report.period import Period
from hiu.web.accounts.models import Service
from hiu.web.episodes.models import Episode
from hiu.web.identification.rulesets import load_for_service
from hiu.web.imports.files import activity_store
from hiu.web.reports import gather_casework as casework
from hiu.web.reports import gather_results as results
from hiu.web.reports.gather_activity import Engaged, store_facts
from hiu.web.reports.targets import targets_in_force


def service_facts(service: Service, period: Period, *, today: dt.date) -> ServiceFacts:
    """The facts of ``service`` for a report on ``period``, made on ``today``.

    Activity is counted as known by the end of the period, or by ``today`` for a period not
    yet over, and never past the last day of data in the store. Raises
    ``hiu.identify.rules.RuleError`` (its message names the file and key, never a row value)
    when the service's rule set cannot be loaded and the store has activity to count.
    """
    interventions = casework.interventions(service)
    episodes = casework.episodes(service, interventions)
    store = store_facts(
        activity_store(),
        lambda: load_for_service(service.rule_set),
        _engaged(service),
        min(period.end, today),
    )
    return ServiceFacts(
        service=service.name,
        area=service.area,
        data_end=store.data_end,
        rule_set=service.rule_set,
        episodes=episodes,
        declines=casework.declines(service),
        interventions=interventions,
        meetings=casework.meetings(service),
        stories=casework.stories(service),
        outcomes=results.outcome_facts(service, period),
        activity=store.activity,
        table_one_people=store.table_one_people,
        table_one_as_of=store.table_one_as_of,
        evaluation=results.evaluation(service),
        targets=targets_in_force(service),
        leads=results.leads(service),
    )


def _engaged(service: Service) -> list[Engaged]:
    """Each engaged episode's client and engagement day, for counting activity around it."""
    found = []
    for client_id, nhs_number, engaged_on in (
        Episode.objects.filter(client__service=service, engaged_on__isnull=False)
        .order_by("engaged_on", "id")
        .values_list("client_id", "client__nhs_number", "engaged_on")
    ):
        assert engaged_on is not None  # filtered above
        found.append(Engaged(client_id, nhs_number, engaged_on))
    return found
