"""Caseloads: what one worker carries, and the whole team's, weighed by complexity.

A caseload is counted in points, not heads (002 Recommendation 2: "the number of service users
... and the complexity of their support needs"): each client on an active episode counts the
weight of their complexity tier from the service's pathway (``Pathway.weight``), against the
pathway's ``caseload_cap``. New clients are counted per calendar quarter against
``new_per_quarter_cap`` (003: "a rolling caseload of 12-15 ... a 'new' cohort of 15 clients
each quarter").

Every function here asks the database a fixed number of questions, whatever the size of the
caseload or the service: the home page must answer at once with thousands of clients.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.contrib.auth.models import AbstractBaseUser, User
from django.db.models import Count, Q

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.clients.due import link_to
from hiu.web.clients.models import Client
from hiu.web.clients.querysets import ClientQuerySet
from hiu.web.episodes.models import Episode, Pathway
from hiu.web.episodes.phases import Complexity, Phase, WayIn
from hiu.web.episodes.services import add_months, pathway_for
from hiu.web.formatting import display_name
from hiu.web.risk.models import RiskAlert
from hiu.web.risk.querysets import clients_with_open_alerts, open_alerts_of


class WorkItemLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def assignee_id(self) -> int | None: ...


W = TypeVar("W", bound=WorkItemLike)

#: At this share of the cap a worker is told their caseload is nearly full.
NEARLY_FULL = 0.9
NOT_RECORDED = "Not recorded"
NOT_ALLOCATED = "Not allocated"

PHASE_TAGS: dict[str, str] = {
    Phase.SCREENING: "nhsuk-tag--grey",
    Phase.CONTACTING: "nhsuk-tag--yellow",
    Phase.ENGAGED: "nhsuk-tag--green",
    Phase.HOLDING: "nhsuk-tag--aqua-green",
    Phase.STEPPED_DOWN: "nhsuk-tag--purple",
    Phase.CLOSED: "nhsuk-tag--white",
}


def person_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return NOT_ALLOCATED
    assert isinstance(user, User)
    return display_name(user)


def phase_label(phase: str | None) -> str:
    return Phase(phase).label if phase else "No open episode"


def complexity_label(complexity: str | None) -> str:
    return Complexity(complexity).label if complexity else "Not set"


# Quarters ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Quarter:
    first_day: dt.date
    last_day: dt.date

    @property
    def label(self) -> str:
        return f"{self.first_day:%B} to {self.last_day:%B %Y}"


def quarter_of(day: dt.date) -> Quarter:
    """The calendar quarter ``day`` falls in (January to March, April to June, ...)."""
    first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return Quarter(first, add_months(first, 3) - dt.timedelta(days=1))


def new_clients_by_worker(clients: ClientQuerySet, quarter: Quarter) -> dict[int | None, int]:
    """Clients whose episode opened in ``quarter``, per case manager (None: not allocated).

    A relapse re-opens an episode for someone already known: it is not a new client, so it does
    not count against the quarter's intake (003's "new cohort")."""
    rows = (
        Episode.objects.filter(
            client__in=clients, opened_on__gte=quarter.first_day, opened_on__lte=quarter.last_day
        )
        .exclude(way_in=WayIn.RELAPSE)
        .values("client__case_manager")
        .annotate(n=Count("client", distinct=True))
    )
    return {row["client__case_manager"]: row["n"] for row in rows}


# Weighted load -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Load:
    points: int
    cap: int

    @property
    def at_or_over(self) -> bool:
        return self.points >= self.cap

    @property
    def over(self) -> bool:
        return self.points > self.cap

    @property
    def nearly_full(self) -> bool:
        """At 90% of the cap or more, but not yet at it."""
        return not self.at_or_over and self.points >= NEARLY_FULL * self.cap

    @property
    def text(self) -> str:
        return f"{self.points} of {self.cap} points"


def points_for(pathway: Pathway, complexities: dict[str, int]) -> int:
    """Weighted points of clients counted by complexity (blank: not yet tiered)."""
    return sum(pathway.weight(complexity) * n for complexity, n in complexities.items())


# One worker's home ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseloadRow:
    client_id: int
    name: str
    nhs_number: str
    phase: str
    phase_tag: str
    complexity: str
    weight: int
    days_in_phase: int
    last_reached_at: dt.datetime | None
    alert: bool
    #: The client's summary page: made here, not with ``url()`` per row in the template.
    url: str
    #: A risk answer not yet reviewed (hiu.web.risk).
    risk: bool = False


@dataclass(frozen=True)
class Caseload:
    rows: list[CaseloadRow]
    load: Load
    quarter: Quarter
    new_this_quarter: int
    new_cap: int

    @property
    def new_over(self) -> bool:
        return self.new_this_quarter > self.new_cap


def task_kinds(tasks: Sequence[WorkItemLike]) -> list[tuple[str, str]]:
    """The kinds of task in ``tasks``, as (kind, label) for a filter: "follow_up" reads
    "Follow up"."""
    return [(kind, kind.replace("_", " ").capitalize()) for kind in sorted({t.kind for t in tasks})]


def filter_tasks(tasks: list[W], *, kind: str, worker: str) -> list[W]:
    """``tasks`` of one kind and for one worker (whoever is to do each: "none" for tasks of
    clients not allocated); blank means any."""
    if worker:
        wanted = None if worker == "none" else int(worker)
        tasks = [task for task in tasks if task.assignee_id == wanted]
    if kind:
        tasks = [task for task in tasks if task.kind == kind]
    return tasks


def caseload_rows(clients: ClientQuerySet, pathway: Pathway, today: dt.date) -> list[CaseloadRow]:
    found = (
        clients.active()
        .with_last_reached_contact()
        .only("id", "given_name", "family_name", "nhs_number", "alert_active", "service_id")
        .order_by("family_name", "given_name", "id")
    )
    link = link_to("clients:detail", "client_id")
    at_risk = clients_with_open_alerts(clients)
    rows = []
    for client in found:
        phase = client.episode_phase  # type: ignore[attr-defined]
        complexity = client.episode_complexity or ""  # type: ignore[attr-defined]
        since: dt.date = client.episode_phase_since  # type: ignore[attr-defined]
        rows.append(
            CaseloadRow(
                client_id=client.pk,
                name=f"{client.family_name.upper()}, {client.given_name}",
                nhs_number=client.nhs_number,
                phase=phase_label(phase),
                phase_tag=PHASE_TAGS.get(phase, "nhsuk-tag--grey"),
                complexity=complexity_label(complexity),
                weight=pathway.weight(complexity),
                days_in_phase=max(0, (today - since).days),
                last_reached_at=client.last_reached_at,  # type: ignore[attr-defined]
                alert=client.alert_active,
                url=link(client.pk),
                risk=client.pk in at_risk,
            )
        )
    return rows


def my_caseload(user: User, service: Service, today: dt.date) -> Caseload:
    """A case manager's home: their active clients, their load, this quarter's intake, tasks."""
    pathway = pathway_for(service)
    mine = Client.objects.visible_to(user).allocated_to(user)
    rows = caseload_rows(mine, pathway, today)
    quarter = quarter_of(today)
    new = new_clients_by_worker(mine, quarter).get(user.pk, 0)
    return Caseload(
        rows=rows,
        load=Load(sum(row.weight for row in rows), pathway.caseload_cap),
        quarter=quarter,
        new_this_quarter=new,
        new_cap=pathway.new_per_quarter_cap,
    )


# The team ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkerRow:
    user_id: int
    name: str
    organisation: str
    open_cases: int
    load: Load
    new_this_quarter: int
    new_cap: int

    @property
    def new_over(self) -> bool:
        return self.new_this_quarter > self.new_cap


@dataclass(frozen=True)
class Bucket:
    label: str
    count: int


@dataclass(frozen=True)
class UnallocatedRow:
    client_id: int
    name: str
    nhs_number: str
    phase: str
    phase_tag: str
    complexity: str
    opened_on: dt.date


@dataclass(frozen=True)
class Team:
    pathway: Pathway
    quarter: Quarter
    workers: list[WorkerRow]
    unallocated: list[UnallocatedRow]
    by_organisation: list[Bucket]
    by_phase: list[Bucket]
    #: Risk answers not yet reviewed, oldest first (hiu.web.risk).
    risk_alerts: list[RiskAlert]

    @property
    def open_cases(self) -> int:
        """Active cases: screening, contacting, engaged or holding."""
        return sum(b.count for b in self.by_phase if b.label in _ACTIVE_LABELS)


_ACTIVE_LABELS = frozenset(
    p.label for p in (Phase.SCREENING, Phase.CONTACTING, Phase.ENGAGED, Phase.HOLDING)
)


def workers_of(service: Service, clients: ClientQuerySet) -> list[User]:
    """Who carries cases: the service's case managers, and anyone else (the lead, say) with
    clients on an active episode."""
    return list(
        User.objects.filter(
            Q(pk__in=clients.active().filter(case_manager__isnull=False).values("case_manager"))
            | Q(
                is_active=True,
                staff_profile__service=service,
                groups__name=Role.CASE_MANAGER.label,
            )
        )
        .distinct()
        .select_related("staff_profile")
        .order_by("first_name", "last_name", "username")
    )


def organisation_of(user: User) -> str:
    profile = getattr(user, "staff_profile", None)
    return (profile.organisation if profile is not None else "") or NOT_RECORDED


def team_view(service: Service, clients: ClientQuerySet, today: dt.date) -> Team:
    """The service lead's view of everyone's caseload; ``clients`` is what the lead may see."""
    pathway = pathway_for(service)
    quarter = quarter_of(today)
    workers = workers_of(service, clients)
    # Active clients per worker and complexity tier: one grouped query.
    tiers: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        clients.active().values("case_manager", "episode_complexity").annotate(n=Count("id"))  # type: ignore[misc]
    ):
        tiers[row["case_manager"]][row["episode_complexity"] or ""] += row["n"]
    new = new_clients_by_worker(clients, quarter)
    rows = [
        WorkerRow(
            user_id=worker.pk,
            name=person_name(worker),
            organisation=organisation_of(worker),
            open_cases=sum(tiers[worker.pk].values()),
            load=Load(points_for(pathway, tiers[worker.pk]), pathway.caseload_cap),
            new_this_quarter=new.get(worker.pk, 0),
            new_cap=pathway.new_per_quarter_cap,
        )
        for worker in workers
    ]
    # Open cases by the employing organisation of their case manager.
    organisations: dict[str, int] = defaultdict(int)
    for row in (
        clients.active()
        .values("case_manager", "case_manager__staff_profile__organisation")
        .annotate(n=Count("id"))
    ):
        if row["case_manager"] is None:
            label = NOT_ALLOCATED
        else:
            label = row["case_manager__staff_profile__organisation"] or NOT_RECORDED
        organisations[label] += row["n"]
    by_organisation = [
        Bucket(label, organisations[label])
        for label in sorted(organisations, key=lambda k: (k in (NOT_RECORDED, NOT_ALLOCATED), k))
    ]
    phases = {
        row["episode_phase"]: row["n"]
        for row in clients.with_open_case().values("episode_phase").annotate(n=Count("id"))  # type: ignore[misc]
    }
    by_phase = [
        Bucket(phase.label, phases.get(phase.value, 0)) for phase in Phase if phase != Phase.CLOSED
    ]
    waiting = (
        clients.with_open_case()  # type: ignore[misc]
        .unallocated()
        .only("id", "given_name", "family_name", "nhs_number", "service_id")
        .order_by("episode_opened_on", "family_name", "given_name", "id")
    )
    unallocated = [
        UnallocatedRow(
            client_id=client.pk,
            name=f"{client.family_name.upper()}, {client.given_name}",
            nhs_number=client.nhs_number,
            phase=phase_label(client.episode_phase),  # type: ignore[attr-defined]
            phase_tag=PHASE_TAGS.get(client.episode_phase, "nhsuk-tag--grey"),  # type: ignore[attr-defined]
            complexity=complexity_label(client.episode_complexity),  # type: ignore[attr-defined]
            opened_on=client.episode_opened_on,  # type: ignore[attr-defined]
        )
        for client in waiting
    ]
    return Team(
        pathway=pathway,
        quarter=quarter,
        workers=rows,
        unallocated=unallocated,
        by_organisation=by_organisation,
        by_phase=by_phase,
        risk_alerts=list(open_alerts_of(clients)),
    )


def allocatable_workers(service: Service) -> list[User]:
    """Who a client may be allocated to: the service's case managers and its leads."""
    return list(
        User.objects.filter(
            is_active=True,
            staff_profile__service=service,
            groups__name__in=[Role.CASE_MANAGER.label, Role.SERVICE_LEAD.label],
        )
        .distinct()
        .select_related("staff_profile")
        .order_by("first_name", "last_name", "username")
    )


def active_loads(service: Service, clients: ClientQuerySet) -> dict[int, Load]:
    """Each worker's weighted load now, for the allocation form's hints."""
    pathway = pathway_for(service)
    tiers: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        clients.active()  # type: ignore[misc]
        .filter(case_manager__isnull=False)
        .values("case_manager", "episode_complexity")
        .annotate(n=Count("id"))
    ):
        tiers[row["case_manager"]][row["episode_complexity"] or ""] += row["n"]
    return {
        worker: Load(points_for(pathway, counts), pathway.caseload_cap)
        for worker, counts in tiers.items()
    }
