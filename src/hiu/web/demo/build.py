"""The demo service, built in the steps ``manage demo`` runs: the service, its staff in every
role and its caseload's clients; (the command imports the synthetic activity here) two
identified lists; the caseload's history, referrals, meetings and case studies; an evaluation.

Only ``manage demo`` calls this; migrations never create people. Everything here is synthetic:
clients come from ``hiu synth`` output (NHS numbers in the never-issued 9 range). Each step
leaves what an earlier run made as it is, so running the demo again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.contacts.models import Contact
from hiu.web.demo.case_studies import add_case_studies
from hiu.web.demo.caseload import build_caseload
from hiu.web.demo.details import add_client_details, add_service_contact
from hiu.web.demo.diary import add_bookings
from hiu.web.demo.meetings import add_meetings
from hiu.web.demo.risk import add_risk_answer
from hiu.web.demo.screening import add_referrals
from hiu.web.demo.search import add_search_examples
from hiu.web.demo.service import CASE_MANAGERS, demo_team, make_demo_service
from hiu.web.demo.synthetic import cohort_engagement, load_caseload, referral_people
from hiu.web.demo.tasks import settle_tasks
from hiu.web.demo.timeline import at, demo_today
from hiu.web.episodes.models import PhaseChange
from hiu.web.evaluation.models import EvaluationRun, EvaluationStatus
from hiu.web.evaluation.services import evaluate_now
from hiu.web.evaluation.unit_costs import current_costs, latest_table, save_unit_costs
from hiu.web.identification.models import IdentificationRun
from hiu.web.identification.schedule import months_before
from hiu.web.identification.services import default_as_of, make_list_now
from hiu.web.identification.status import RunStatus
from hiu.web.imports.files import activity_store
from hiu.web.meetings.models import Meeting
from hiu.web.notifications.periodic import notify_due
from hiu.web.plans.models import Consent
from hiu.web.screening.models import Referral

#: The demo's earlier list is this many months before its latest, so that the latest one has
#: people new to it, people continuing from the earlier one and people dropped from it.
DEMO_LIST_MONTHS_APART = 3
# Running costs: "the cost of running a HIU service - with a HIU lead and one caseworker - is
# c. £100,000 per annum" (002, after table 5). The demo's evaluation takes a few seconds with
# the usual 1,000 bootstrap replicates (60 clients, 60,000 adults over 3 years), so it runs them.
DEMO_RUNNING_COSTS = Decimal("100000")


@transaction.atomic
def create_demo_service(password: str, synthetic_dir: Path | None) -> tuple[Service, int]:
    """The service, its staff (hiu.web.demo.service) and, given a synthetic folder, the newest
    engaged people of its cohort as clients. Returns the service and how many clients."""
    service, users = make_demo_service(password)
    clients = 0
    if synthetic_dir is not None:
        managers = [users[name] for name in CASE_MANAGERS]
        clients = load_caseload(service, synthetic_dir, managers)
    return service, clients


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


def make_demo_caseload(
    service: Service, synthetic_dir: Path, runs: list[IdentificationRun]
) -> dict[str, int]:
    """The caseload's history (hiu.web.demo.caseload), once the activity is in the store and
    the lists are made: holding checks, follow-ups and relapses read them. Then live referrals
    and what the quarterly report reads besides each client's history: meetings, case studies.
    Returns the count of episodes by phase."""
    team = demo_team()
    engaged = cohort_engagement(synthetic_dir)
    store = activity_store()
    counts = build_caseload(service, team, store, runs[-1] if runs else None, engaged)
    add_service_contact(service)
    add_client_details(service, store)
    if not Referral.objects.filter(service=service).exists():
        add_referrals(service, team, referral_people(synthetic_dir, service, engaged))
    today = demo_today(store)
    add_meetings(service, team, today)
    add_case_studies(service, team, today)
    add_search_examples(service, team)
    add_bookings(service, team, timezone.localdate())
    recorded_when_it_happened(service)
    add_risk_answer(service, team, today)
    # The week's tasks read everything above.
    settle_tasks(service, team)
    # What the notify_due schedule would have told the team by now (relapse alerts, referral
    # clocks, visits), as `make demo`'s worker schedule does from then on.
    notify_due(timezone.now())
    return counts


def recorded_when_it_happened(service: Service) -> None:
    """The demo's history is made in one go, so every "recorded at" would be the moment the
    demo was built: a contact on a July day would say it was recorded on 7 December. Each is
    set to the day of what it records (a contact's time; late afternoon of a phase change, a
    consent or a meeting), as a team writing up the same day would have it."""
    contacts = list(Contact.objects.filter(client__service=service))
    for contact in contacts:
        contact.created_at = contact.at
    Contact.objects.bulk_update(contacts, ["created_at"], batch_size=500)
    changes = list(PhaseChange.objects.filter(episode__client__service=service).order_by("id"))
    for index, change in enumerate(changes):
        # Seconds apart in the order they were made: the history's order stays as it was.
        change.recorded_at = at(change.effective_on, 16) + dt.timedelta(seconds=index % 3600)
    PhaseChange.objects.bulk_update(changes, ["recorded_at"], batch_size=500)
    consents = list(Consent.objects.filter(client__service=service))
    for consent in consents:
        consent.recorded_at = at(consent.given_on, 16, 30)
    Consent.objects.bulk_update(consents, ["recorded_at"], batch_size=500)
    meetings = list(Meeting.objects.filter(service=service))
    for meeting in meetings:
        meeting.created_at = at(meeting.held_on, 17)
    Meeting.objects.bulk_update(meetings, ["created_at"], batch_size=500)


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
