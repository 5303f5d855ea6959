"""The demo service: staff in every role, a caseload drawn from a synthetic population, and that
population's activity in the activity store.

Only ``manage demo`` calls this; migrations never create people. Everything here is synthetic:
clients come from ``hiu synth`` output (NHS numbers in the never-issued 9 range).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl
from django.contrib.auth.models import Group, User
from django.db import transaction

from hiu.ingest.pipeline import ImportProgress, ImportResult, import_file
from hiu.schemas import KINDS
from hiu.store.store import Store
from hiu.web.accounts.demo_caseload import (
    DemoTeam,
    add_interventions,
    add_plans,
    add_referrals,
    build_caseload,
)
from hiu.web.accounts.demo_reporting import add_case_studies, add_meetings, demo_today
from hiu.web.accounts.models import ListFrequency, Service, StaffProfile
from hiu.web.accounts.roles import Role
from hiu.web.clients.models import Client, Sex, WayIn
from hiu.web.evaluation.models import EvaluationRun, EvaluationStatus
from hiu.web.evaluation.services import evaluate_now
from hiu.web.evaluation.unit_costs import current_costs, latest_table, save_unit_costs
from hiu.web.identification.models import IdentificationRun
from hiu.web.identification.schedule import months_before
from hiu.web.identification.services import default_as_of, make_list_now
from hiu.web.identification.status import RunStatus
from hiu.web.imports.files import activity_store
from hiu.web.screening.models import Referral

DEMO_IMPORTER = "demo"  # the manifests' "imported by" for the demo's own imports
DEFAULT_DEMO_PASSWORD = "demo-only-password"  # noqa: S105 - synthetic demo only, printed by the demo
DEMO_SERVICE = "Demo High Intensity Use service (synthetic data)"
DEMO_RULE_SET = "hackney"
#: The demo's earlier list is this many months before its latest, so that the latest one has
#: people new to it, people continuing from the earlier one and people dropped from it.
DEMO_LIST_MONTHS_APART = 3


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    job_title: str
    in_service: bool = True
    organisation: str = ""


DEMO_USERS = (
    DemoUser(
        "lead", "Priya", "Shah", Role.SERVICE_LEAD, "HIU service lead", True, "Homerton Healthcare"
    ),
    DemoUser(
        "casemanager",
        "Sam",
        "Okafor",
        Role.CASE_MANAGER,
        "HIU case manager",
        True,
        "Homerton Healthcare",
    ),
    DemoUser(
        "casemanager2",
        "Jo",
        "Williams",
        Role.CASE_MANAGER,
        "Care planning and navigation nurse",
        True,
        "East London NHS Foundation Trust",
    ),
    DemoUser(
        "casemanager3",
        "Alex",
        "Nowak",
        Role.CASE_MANAGER,
        "Assistant psychologist",
        True,
        "East London NHS Foundation Trust",
    ),
    DemoUser(
        "datacoordinator",
        "Chris",
        "Evans",
        Role.DATA_COORDINATOR,
        "Data coordinator",
        True,
        "Homerton Healthcare",
    ),
    DemoUser("volunteers", "Morgan", "Lee", Role.VOLUNTEER_COORDINATOR, "Befriending coordinator"),
    # In the service: a commissioner sees the reports of the service they commission.
    DemoUser("commissioner", "Dana", "Hughes", Role.COMMISSIONER, "ICB commissioner", True),
    DemoUser("ig", "Robin", "Patel", Role.IG_LEAD, "IG lead and Caldicott guardian", False),
    DemoUser("admin", "Kim", "Taylor", Role.ADMINISTRATOR, "System administrator", False),
)

# The newest engaged clients of the synthetic service become the demo caseload; a real team
# holds a few dozen open cases (003: 12-15 new per lead per quarter), not the whole cohort.
DEMO_CASELOAD_SIZE = 60


@transaction.atomic
def create_demo_service(password: str, synthetic_dir: Path | None) -> tuple[Service, int]:
    service, _ = Service.objects.update_or_create(
        name=DEMO_SERVICE,
        defaults={
            "organisation_code": "RQX",
            "area": "Synthetic borough",
            "rule_set": DEMO_RULE_SET,
            "list_frequency": ListFrequency.MONTHLY,
        },
    )
    users = {spec.username: _demo_user(spec, password, service) for spec in DEMO_USERS}
    clients = 0
    if synthetic_dir is not None:
        managers = [users[name] for name in ("casemanager", "casemanager2", "casemanager3")]
        clients = _load_caseload(service, synthetic_dir, managers)
    return service, clients


def _demo_user(spec: DemoUser, password: str, service: Service) -> User:
    user, _ = User.objects.get_or_create(username=spec.username)
    user.first_name = spec.first_name
    user.last_name = spec.last_name
    user.email = f"{spec.username}@example.nhs.uk"
    user.is_active = True
    user.is_staff = spec.role is Role.ADMINISTRATOR  # the Django admin, for user management
    user.is_superuser = spec.role is Role.ADMINISTRATOR
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=spec.role.label)])
    StaffProfile.objects.update_or_create(
        user=user,
        defaults={
            "service": service if spec.in_service else None,
            "job_title": spec.job_title,
            "organisation": spec.organisation,
        },
    )
    return user


def _load_caseload(service: Service, synthetic_dir: Path, managers: list[User]) -> int:
    cohort = (
        pl.read_csv(synthetic_dir / "cohort.csv", schema_overrides={"nhs_number": pl.String})
        .sort("engaged_date", descending=True)
        .head(DEMO_CASELOAD_SIZE)
    )
    people = pl.read_csv(synthetic_dir / "people.csv", infer_schema=False).join(
        cohort, on="nhs_number", how="inner"
    )
    for index, person in enumerate(people.sort("nhs_number").iter_rows(named=True)):
        manager = managers[index % len(managers)]
        Client.objects.update_or_create(
            service=service,
            nhs_number=person["nhs_number"],
            defaults={
                "given_name": person["given_name"],
                "family_name": person["family_name"],
                "date_of_birth": dt.date.fromisoformat(person["date_of_birth"]),
                "sex": person["sex"] if person["sex"] in Sex.values else Sex.NOT_KNOWN,
                "postcode": person["postcode"] or "",
                "phone": person["phone"] or "",
                "gp_practice_code": person["gp_practice_code"] or "",
                "way_in": WayIn.IDENTIFIED,
                "case_manager": manager,
            },
        )
    return people.height


def cohort_engagement(synthetic_dir: Path) -> dict[str, dt.date]:
    """The synthetic truth: each engaged person's NHS number and engagement day."""
    cohort = pl.read_csv(synthetic_dir / "cohort.csv", infer_schema=False)
    return {
        row["nhs_number"]: dt.date.fromisoformat(row["engaged_date"])
        for row in cohort.iter_rows(named=True)
    }


def demo_team(service: Service) -> DemoTeam:
    managers = [
        User.objects.get(username=name) for name in ("casemanager", "casemanager2", "casemanager3")
    ]
    return DemoTeam(lead=User.objects.get(username="lead"), managers=managers)


def make_demo_caseload(
    service: Service, synthetic_dir: Path, runs: list[IdentificationRun]
) -> dict[str, int]:
    """The caseload's history (hiu.web.accounts.demo_caseload), once the activity is in the
    store and the lists are made: holding checks, follow-ups and relapses read them."""
    team = demo_team(service)
    engaged = cohort_engagement(synthetic_dir)
    store = activity_store()
    counts = build_caseload(
        service,
        team,
        store,
        runs[-1] if runs else None,
        engaged,
        enrichers=[add_plans, add_interventions],
    )
    if not Referral.objects.filter(service=service).exists():
        add_referrals(service, team, _referral_people(synthetic_dir, service, engaged))
    # What the quarterly report reads besides each client's history: meetings, case studies.
    today = demo_today(store)
    add_meetings(service, team, today)
    add_case_studies(service, team, today)
    return counts


def _referral_people(
    synthetic_dir: Path, service: Service, engaged: dict[str, dt.date]
) -> list[dict[str, str]]:
    """Three people of the synthetic population who are neither clients nor in the cohort."""
    known = set(Client.objects.filter(service=service).values_list("nhs_number", flat=True))
    people = pl.read_csv(synthetic_dir / "people.csv", infer_schema=False).filter(
        pl.col("date_of_death").is_null()
    )
    chosen = []
    for row in people.iter_rows(named=True):
        if row["nhs_number"] not in known and row["nhs_number"] not in engaged:
            chosen.append(row)
        if len(chosen) == 3:
            break
    return chosen


def import_demo_activity(
    synthetic_dir: Path,
    store: Store,
    progress: Callable[[str, ImportProgress], None] | None = None,
) -> Iterator[tuple[str, ImportResult]]:
    """Import each synthetic extract in ``synthetic_dir`` into ``store``, people first.

    The same importer as ``hiu import`` and the upload page, so the demo's store is built the
    way a real one is. A file imported before is found by its hash and left as it is, which
    makes running the demo again quick. Yields each file's name and result as it finishes.
    """
    for kind in KINDS:
        path = synthetic_dir / f"{kind}.csv"
        if not path.is_file():
            continue

        def report(step: ImportProgress, name: str = path.name) -> None:
            if progress is not None:
                progress(name, step)

        yield path.name, import_file(store, kind, path, imported_by=DEMO_IMPORTER, progress=report)


def make_demo_lists(service: Service) -> list[IdentificationRun]:
    """Two identified lists for the demo service, made here rather than by the worker: one as
    of the latest activity in the store and one three months before it, the earlier made
    first, so the latest list marks people new, continuing and dropped. A list the demo made
    before (same date, same rule set) is kept, not made again."""
    latest = default_as_of()
    if latest is None:
        return []
    coordinator = User.objects.filter(username="datacoordinator").first()
    runs = []
    for as_of in (months_before(latest, DEMO_LIST_MONTHS_APART), latest):
        made = IdentificationRun.objects.filter(
            service=service, as_of=as_of, rule_set=service.rule_set, status=RunStatus.DONE
        ).first()
        runs.append(made or make_list_now(service, as_of, coordinator))
    return runs


# Running costs: "the cost of running a HIU service - with a HIU lead and one caseworker - is
# c. £100,000 per annum" (002, after table 5). The demo's evaluation takes a few seconds with
# the usual 1,000 bootstrap replicates (60 clients, 60,000 adults over 3 years), so it runs them.
DEMO_RUNNING_COSTS = Decimal("100000")


def make_demo_evaluation(service: Service) -> EvaluationRun | None:
    """A finished evaluation for the demo service, run here through the same job the worker
    runs, once the caseload is in place. A finished one from before is kept."""
    done = EvaluationRun.objects.filter(service=service, status=EvaluationStatus.DONE).first()
    if done is not None:
        return done
    lead = User.objects.filter(username="lead").first()
    if lead is None:
        return None
    if latest_table(service) is None:
        shipped = current_costs(service).costs
        save_unit_costs(service, list(shipped.items), DEMO_RUNNING_COSTS, lead)
    return evaluate_now(service, lead)
