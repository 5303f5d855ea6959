"""Seed the casework benchmark's database: one service, its case managers and their clients.

``casework_seed.py CLIENTS_JSON --clients N --managers M --password PW --seed S`` runs under
``DATABASE_URL`` and ``HIU_DATA_DIR`` (a migrated, empty database) and prints one JSON line:
the case managers' usernames with their clients' ids, and the rows written per table.

Rows are created directly with ``bulk_create``, not through the apps' services
(``open_episode``, ``move``, the contact log's ``record_contact`` ...): the services audit every
write and take one transaction per change, which for 5,000 clients and about 100,000 rows
would take far longer than the benchmark and fill the audit log with events nobody made. The
rows are what the services would leave: an episode's phase changes follow the pathway
(``TRANSITIONS``) from its opening to its current phase, and its dates match them.

The clients' NHS numbers are people who exist in the activity store (the heaviest users, picked
by bench/casework_store.py), so the activity page reads real timelines; their names, dates of
birth and contact details are drawn here and are synthetic.

The apps still being built (screening decisions, assessments and plans, interventions) are
seeded when their models and tables exist; each is reported as seeded or skipped with why.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hiu.web.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from hiu.synth import names  # noqa: E402
from hiu.web.accounts.models import Service, StaffProfile  # noqa: E402
from hiu.web.accounts.roles import Role  # noqa: E402
from hiu.web.clients.models import Client, Sex  # noqa: E402
from hiu.web.clients.models import WayIn as ClientWayIn  # noqa: E402
from hiu.web.contacts.models import Channel, Contact  # noqa: E402
from hiu.web.episodes.models import Episode, FollowUp, HoldingCheck, PhaseChange  # noqa: E402
from hiu.web.episodes.phases import Complexity, Phase, WayIn  # noqa: E402
from hiu.web.episodes.services import add_months, pathway_for  # noqa: E402
from hiu.web.plans.models import Consent, ConsentLevel  # noqa: E402

#: The share of clients in each current phase (a service some years in: most are engaged).
PHASES = (
    (Phase.SCREENING, 0.08),
    (Phase.CONTACTING, 0.17),
    (Phase.ENGAGED, 0.45),
    (Phase.HOLDING, 0.15),
    (Phase.STEPPED_DOWN, 0.15),
)
#: The road an episode takes to its current phase (its phase changes, opening first).
ROADS: dict[Phase, tuple[Phase, ...]] = {
    Phase.SCREENING: (Phase.SCREENING,),
    Phase.CONTACTING: (Phase.SCREENING, Phase.CONTACTING),
    Phase.ENGAGED: (Phase.SCREENING, Phase.CONTACTING, Phase.ENGAGED),
    Phase.HOLDING: (Phase.SCREENING, Phase.CONTACTING, Phase.ENGAGED, Phase.HOLDING),
    Phase.STEPPED_DOWN: (
        Phase.SCREENING,
        Phase.CONTACTING,
        Phase.ENGAGED,
        Phase.HOLDING,
        Phase.STEPPED_DOWN,
    ),
}
COMPLEXITIES = ((Complexity.HIGH, 0.3), (Complexity.MEDIUM, 0.45), (Complexity.LOW, 0.25))
CHANNELS = (
    (Channel.PHONE, 0.5),
    (Channel.TEXT, 0.15),
    (Channel.FACE_TO_FACE, 0.2),
    (Channel.HOME_VISIT, 0.1),
    (Channel.VIDEO, 0.03),
    (Channel.LETTER, 0.02),
)
NOTES = (
    "Talked through the plan for the week.",
    "No answer; left a voicemail.",
    "Went with them to the housing office.",
    "Checked in after the weekend.",
    "Agreed to meet at the café next time.",
    "Reviewed attendances since we last spoke.",
)
BATCH = 2000
STAFF_NAMES = list(names.GIVEN_NAMES_FEMALE) + list(names.GIVEN_NAMES_MALE)


def weighted(rng: random.Random, options: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def moment(day: dt.date, rng: random.Random) -> dt.datetime:
    at = dt.datetime.combine(day, dt.time(rng.randint(8, 18), rng.randint(0, 59)))
    return timezone.make_aware(at)


def seed_staff(service: Service, managers: int, password: str) -> list[User]:
    # One Argon2 hash for everyone (same password, its own salt inside the hash): hashing is
    # deliberately slow, and 100 hashes would take most of a minute on a busy machine.
    hashed = make_password(password)
    users = User.objects.bulk_create(
        [
            User(
                username=f"cm{index:03d}",
                first_name=STAFF_NAMES[index % len(STAFF_NAMES)],
                last_name="Bench",
                password=hashed,
            )
            for index in range(managers)
        ]
    )
    group = Group.objects.get(name=Role.CASE_MANAGER.label)
    group.user_set.add(*users)
    StaffProfile.objects.bulk_create(
        [
            StaffProfile(
                user=user, service=service, job_title="Case manager", organisation="Bench Trust"
            )
            for user in users
        ]
    )
    return users


def seed_clients(
    service: Service, users: list[User], numbers: list[str], per_manager: int, rng: random.Random
) -> list[Client]:
    today = timezone.localdate()
    clients = []
    for index, number in enumerate(numbers[: len(users) * per_manager]):
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        given = rng.choice(
            names.GIVEN_NAMES_FEMALE if sex == Sex.FEMALE else names.GIVEN_NAMES_MALE
        )
        clients.append(
            Client(
                service=service,
                nhs_number=number,
                given_name=given,
                family_name=rng.choice(names.FAMILY_NAMES),
                date_of_birth=today - dt.timedelta(days=rng.randint(19 * 365, 85 * 365)),
                sex=sex,
                postcode=f"ZZ{rng.randint(1, 99)} 9ZZ",
                phone=f"07700{rng.randint(900000, 999999)}",
                gp_practice_code=f"Y{rng.randint(0, 6500):05d}",
                way_in=ClientWayIn.IDENTIFIED if rng.random() < 0.8 else ClientWayIn.REFERRED,
                # Managers take clients in turn, so each has a mix of the heaviest users.
                case_manager=users[index % len(users)],
                alert_active=rng.random() < 0.1,
            )
        )
    return Client.objects.bulk_create(clients, batch_size=BATCH)


def seed_episodes(
    clients: list[Client], rng: random.Random
) -> tuple[list[Episode], list[PhaseChange]]:
    today = timezone.localdate()
    episodes, roads = [], []
    for client in clients:
        phase = weighted(rng, PHASES)
        road = ROADS[phase]
        opened = today - dt.timedelta(days=rng.randint(14 + 40 * len(road), 540))
        # The days each phase began: spread in order between opening and (a little before) today.
        span = (today - opened).days
        offsets = sorted(rng.sample(range(1, max(span - 3, len(road) + 1)), len(road) - 1))
        days = [opened] + [opened + dt.timedelta(days=o) for o in offsets]
        began = dict(zip(road, days, strict=True))
        episodes.append(
            Episode(
                client=client,
                number=1,
                way_in=WayIn.IDENTIFIED
                if client.way_in == ClientWayIn.IDENTIFIED
                else WayIn.REFERRED,
                phase=phase,
                phase_since=days[-1],
                complexity=""
                if phase == Phase.SCREENING and rng.random() < 0.5
                else weighted(rng, COMPLEXITIES),
                opened_on=opened,
                engaged_on=began.get(Phase.ENGAGED),
                holding_since=began.get(Phase.HOLDING) if phase == Phase.HOLDING else None,
                stepped_down_on=began.get(Phase.STEPPED_DOWN),
            )
        )
        roads.append((road, days))
    episodes = Episode.objects.bulk_create(episodes, batch_size=BATCH)
    changes = []
    for episode, (road, days) in zip(episodes, roads, strict=True):
        manager = episode.client.case_manager
        previous = ""
        for phase, day in zip(road, days, strict=True):
            changes.append(
                PhaseChange(
                    episode=episode,
                    from_phase=previous,
                    to_phase=phase,
                    effective_on=day,
                    by=manager,
                    by_username=manager.username if manager else "",
                    reason="" if not previous else "Benchmark seed",
                )
            )
            previous = phase
    PhaseChange.objects.bulk_create(changes, batch_size=BATCH)
    return episodes, changes


def seed_contacts(episodes: list[Episode], rng: random.Random) -> int:
    today = timezone.localdate()
    contacts = []
    for episode in episodes:
        if episode.phase == Phase.SCREENING:
            first = episode.opened_on
        else:
            first = episode.opened_on + dt.timedelta(days=1)
        span = max((today - first).days, 1)
        manager = episode.client.case_manager
        for _ in range(rng.randint(5, 20)):
            reached = rng.random() < (0.15 if episode.phase == Phase.CONTACTING else 0.7)
            contacts.append(
                Contact(
                    client=episode.client,
                    episode=episode,
                    at=moment(first + dt.timedelta(days=rng.randrange(span)), rng),
                    channel=weighted(rng, CHANNELS),
                    reached=reached,
                    duration_minutes=rng.randint(5, 90) if reached else None,
                    by=manager,
                    by_username=manager.username if manager else "",
                    note=rng.choice(NOTES),
                )
            )
    Contact.objects.bulk_create(contacts, batch_size=BATCH)
    return len(contacts)


def engaged(episodes: list[Episode]) -> list[Episode]:
    return [e for e in episodes if e.engaged_on is not None]


def seed_consents(episodes: list[Episode], rng: random.Random) -> int:
    consents = []
    for episode in engaged(episodes):
        assert episode.engaged_on is not None
        withdrawn = rng.random() < 0.02
        consents.append(
            Consent(
                client=episode.client,
                episode=episode,
                level=ConsentLevel.WRITTEN if rng.random() < 0.7 else ConsentLevel.VERBAL,
                share_information=True,
                access_records=True,
                referrals=True,
                obtain_information=True,
                given_on=episode.engaged_on,
                witnessed_by="A. Witness, Case manager",
                review_on=add_months(episode.engaged_on, 12),
                recorded_by=episode.client.case_manager,
                withdrawn_on=timezone.localdate() - dt.timedelta(days=rng.randint(1, 30))
                if withdrawn
                else None,
            )
        )
    Consent.objects.bulk_create(consents, batch_size=BATCH)
    return len(consents)


def seed_after_support(episodes: list[Episode], rng: random.Random) -> int:
    """Holding checks for clients in holding, follow-ups for those stepped down."""
    checks, follow_ups = [], []
    today = timezone.localdate()
    for episode in episodes:
        manager = episode.client.case_manager
        if episode.phase == Phase.HOLDING and episode.holding_since:
            day = episode.holding_since + dt.timedelta(days=30)
            while day < today:
                checks.append(
                    HoldingCheck(
                        episode=episode,
                        checked_on=day,
                        ed_attendances=rng.randint(0, 2),
                        by=manager,
                    )
                )
                day += dt.timedelta(days=30)
        if episode.phase == Phase.STEPPED_DOWN and episode.stepped_down_on:
            for months in (3, 6, 12):
                due = add_months(episode.stepped_down_on, months)
                done = due < today
                follow_ups.append(
                    FollowUp(
                        episode=episode,
                        months=months,
                        due_on=due,
                        done_on=due if done else None,
                        before={"ed_attendances": rng.randint(5, 30)} if done else {},
                        after={"ed_attendances": rng.randint(0, 8)} if done else {},
                        by=manager if done else None,
                    )
                )
    HoldingCheck.objects.bulk_create(checks, batch_size=BATCH)
    FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    return len(checks) + len(follow_ups)


# The apps still being built: seeded if their models and tables exist -------------------------


def seed_screening(service: Service, episodes: list[Episode], rng: random.Random) -> int:
    from hiu.web.screening.models import Decision, ScreeningDecision

    decisions = [
        ScreeningDecision(
            service=service,
            nhs_number=episode.client.nhs_number,
            decision=Decision.ACCEPT,
            complexity=episode.complexity,
            decided_by=episode.client.case_manager,
            decided_at=moment(episode.opened_on, rng),
            client=episode.client,
            episode=episode,
        )
        for episode in episodes
        if episode.way_in == WayIn.IDENTIFIED and episode.phase != Phase.SCREENING
    ]
    ScreeningDecision.objects.bulk_create(decisions, batch_size=BATCH)
    return len(decisions)


def seed_plans(episodes: list[Episode], rng: random.Random) -> int:
    from hiu.web.plans.models import (
        ActionPlan,
        Assessment,
        CrisisPlan,
        EDPlan,
        Goal,
        Need,
        Progress,
        Readiness,
        RiskLevel,
    )

    assessments, plans, crisis, ed = [], [], [], []
    for episode in engaged(episodes):
        assert episode.engaged_on is not None
        client, manager = episode.client, episode.client.case_manager
        assessments.append(
            Assessment(
                client=client,
                episode=episode,
                assessed_on=episode.engaged_on,
                by=manager,
                own_account="Comes to A&E when they cannot cope at home.",
                needs=rng.sample([n.value for n in Need], rng.randint(1, 3)),
                readiness=rng.choice(list(Readiness)),
                risk_to_self=rng.choice(list(RiskLevel)),
                risk_to_others=RiskLevel.NONE,
                risk_to_staff=rng.choice((RiskLevel.NONE, RiskLevel.LOW)),
            )
        )
        for version in range(1, rng.randint(1, 3) + 1):
            plans.append(
                ActionPlan(
                    client=client,
                    episode=episode,
                    version=version,
                    summary="Housing first, then a GP review of pain relief.",
                    review_on=episode.engaged_on + dt.timedelta(weeks=4 * version),
                    made_by=manager,
                )
            )
        crisis.append(
            CrisisPlan(
                client=client,
                episode=episode,
                version=1,
                triggers="Arrears letters",
                what_helps="A call from the case manager",
                made_by=manager,
            )
        )
        if episode.complexity == Complexity.HIGH:
            ed.append(
                EDPlan(
                    client=client,
                    episode=episode,
                    version=1,
                    response="Call the HIU team in hours; brief assessment and discharge.",
                    made_by=manager,
                )
            )
    Assessment.objects.bulk_create(assessments, batch_size=BATCH)
    plans = ActionPlan.objects.bulk_create(plans, batch_size=BATCH)
    goals = [
        Goal(
            plan=plan,
            position=position,
            description=f"Goal {position}",
            progress=rng.choice(list(Progress)),
        )
        for plan in plans
        for position in range(1, 4)
    ]
    Goal.objects.bulk_create(goals, batch_size=BATCH)
    CrisisPlan.objects.bulk_create(crisis, batch_size=BATCH)
    EDPlan.objects.bulk_create(ed, batch_size=BATCH)
    return len(assessments) + len(plans) + len(goals) + len(crisis) + len(ed)


def seed_interventions(service: Service, episodes: list[Episode], rng: random.Random) -> int:
    from hiu.web.interventions.models import (
        EndReason,
        Intervention,
        InterventionSession,
        InterventionType,
        Kind,
        SessionStatus,
    )

    types = InterventionType.objects.bulk_create(
        [
            InterventionType(service=service, name=name, kind=kind, planned_sessions=6, position=i)
            for i, (name, kind) in enumerate(
                (
                    ("Talking therapy", Kind.PSYCHOLOGICAL_THERAPY),
                    ("Befriending", Kind.BEFRIENDING),
                    ("Housing advice", Kind.PRACTICAL_SUPPORT),
                )
            )
        ]
    )
    interventions = []
    today = timezone.localdate()
    for episode in engaged(episodes):
        assert episode.engaged_on is not None
        for _ in range(rng.randint(0, 2)):
            referred = episode.engaged_on + dt.timedelta(days=rng.randint(0, 30))
            if referred >= today:
                continue
            ended = rng.random() < 0.4
            interventions.append(
                Intervention(
                    client=episode.client,
                    episode=episode,
                    type=rng.choice(types),
                    referred_on=referred,
                    started_on=referred + dt.timedelta(days=7),
                    ended_on=referred + dt.timedelta(days=60) if ended else None,
                    end_reason=EndReason.COMPLETED if ended else "",
                    made_by=episode.client.case_manager,
                )
            )
    interventions = Intervention.objects.bulk_create(interventions, batch_size=BATCH)
    sessions = [
        InterventionSession(
            intervention=intervention,
            on=intervention.referred_on + dt.timedelta(days=7 * (k + 1)),
            status=rng.choice(list(SessionStatus)),
            by=intervention.made_by,
        )
        for intervention in interventions
        for k in range(rng.randint(0, 6))
    ]
    InterventionSession.objects.bulk_create(sessions, batch_size=BATCH)
    return len(interventions) + len(sessions)


def optional(name: str, seeding: Callable[[], int]) -> dict[str, Any]:
    """Seed one of the apps being built; a missing model or table skips it, with the reason."""
    started = time.perf_counter()
    try:
        with transaction.atomic():
            rows = seeding()
    except Exception as error:
        return {"app": name, "seeded": False, "why": f"{type(error).__name__}: {error}"[:300]}
    return {
        "app": name,
        "seeded": True,
        "rows": rows,
        "seconds": round(time.perf_counter() - started, 1),
    }


def table_rows() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counted = {}
        for table in sorted(tables):
            if table.split("_")[0] in {
                "clients",
                "episodes",
                "contacts",
                "plans",
                "screening",
                "interventions",
            }:
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - our table names
                counted[table] = cursor.fetchone()[0]
    return counted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("numbers", help="JSON file of NHS numbers, heaviest users first")
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--managers", type=int, required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--seed", type=int, default=5)
    arguments = parser.parse_args()
    numbers = json.loads(Path(arguments.numbers).read_text(encoding="utf-8"))
    per_manager = arguments.clients // arguments.managers
    if len(numbers) < arguments.managers * per_manager:
        raise SystemExit(f"{len(numbers)} NHS numbers for {arguments.clients} clients")
    rng = random.Random(arguments.seed)
    started = time.perf_counter()
    with transaction.atomic():
        service = Service.objects.create(
            name="Benchmark HIU service", organisation_code="RQX", area="Everywhere"
        )
        pathway_for(service)
        users = seed_staff(service, arguments.managers, arguments.password)
        clients = seed_clients(service, users, numbers, per_manager, rng)
        episodes, changes = seed_episodes(clients, rng)
        contacts = seed_contacts(episodes, rng)
        consents = seed_consents(episodes, rng)
        after = seed_after_support(episodes, rng)
    core_seconds = round(time.perf_counter() - started, 1)
    others = [
        optional("screening", lambda: seed_screening(service, episodes, rng)),
        optional("plans", lambda: seed_plans(episodes, rng)),
        optional("interventions", lambda: seed_interventions(service, episodes, rng)),
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    clients_of: dict[str, list[int]] = {}
    for client in clients:
        assert client.case_manager is not None
        clients_of.setdefault(client.case_manager.username, []).append(client.pk)
    print(
        json.dumps(
            {
                "managers": clients_of,
                "phases": dict(Counter(e.phase for e in episodes)),
                "rows": {
                    "clients": len(clients),
                    "episodes": len(episodes),
                    "phase_changes": len(changes),
                    "contacts": contacts,
                    "consents": consents,
                    "holding_checks_and_follow_ups": after,
                },
                "other_apps": others,
                "tables": table_rows(),
                "seconds": round(time.perf_counter() - started, 1),
                "core_seconds": core_seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
