"""A lived-in caseload for the demo service, derived from the synthetic population's truth.

``hiu synth`` says who its simulated service engaged and when (``cohort.csv``); the activity
store holds what those people did before and after. This module gives each demo client the
history a real team would have recorded by now, through the same services the pages use (so
phase changes, letters and audit events are what they would be):

- engaged recently: engaged, with contacts, consent, an assessment, a plan and interventions;
- every cohort client: outcome questionnaires, goal ratings and, at step down, an experience
  questionnaire;
- engaged 3-6 months ago: in holding, with monthly holding checks from the store;
- engaged longer ago: stepped down, with the follow-ups that have fallen due recorded from the
  store; new activity after stepping down raises relapse alerts, as it would in service;
- people on the latest identified list who are not in the cohort: accepted and being
  contacted (some after three unanswered attempts, letters due), declined with a reason, or
  closed after the letters;
- a few live referrals.

Everything is deterministic for a given synthetic folder: choices come from a random generator
seeded by the NHS number. Only ``manage demo`` calls this.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from hiu.store.store import Store
from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client, Sex
from hiu.web.clients.models import WayIn as ClientWayIn
from hiu.web.contacts.models import Channel, Contact
from hiu.web.episodes import relapse, services
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Complexity, Phase, WayIn
from hiu.web.identification.activity import latest_activity_date
from hiu.web.identification.models import IdentificationRun, IdentifiedPerson
from hiu.web.identification.status import Mark
from hiu.web.plans.models import Consent, ConsentLevel

#: Days after engagement at which support moves on (DESIGN §3: about three months of active
#: support, then the 12-week holding phase).
SUPPORT_DAYS = 90
HOLDING_DAYS = 84
#: People taken from the latest list who are not in the synthetic cohort.
LIST_ACCEPTED = 6
LIST_NOT_REACHED = 2
LIST_DECLINED = 2
LIST_UNSCREENED = 3
#: Of those accepted, the first few wait for the lead to allocate them.
LIST_UNALLOCATED = 2
COMPLEXITIES = (Complexity.HIGH, Complexity.MEDIUM, Complexity.MEDIUM, Complexity.LOW)
NOTES = (
    "Talked about the week; feeling more settled since the housing appointment.",
    "Called to say the befriender visited. Laughed about the dog.",
    "Worried about money again; agreed to go to the advice centre together on Thursday.",
    "Short call: on track, going to the walking group.",
    "Struggling with sleep; used the crisis plan instead of calling 999.",
    "Met at the café. Talked through what helps when the panic starts.",
)


@dataclass(frozen=True)
class DemoTeam:
    lead: User
    managers: list[User]


#: Extra records per client that other casework apps add (assessment, plans, interventions,
#: referrals), called with (client, episode, rng, author, today). Each app adds its own.
Enricher = Callable[[Client, Episode, random.Random, User, dt.date], None]


def _rng(nhs_number: str) -> random.Random:
    return random.Random(int(nhs_number))


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _log_contacts(
    client: Client, episode: Episode, by: User, start: dt.date, end: dt.date, rng: random.Random
) -> None:
    """A phone call to begin with (001 §9), then contacts every week or two, fewer over time."""
    day = start
    gap = 3
    while day <= end:
        reached = rng.random() > 0.2
        channel = rng.choice((Channel.PHONE, Channel.PHONE, Channel.TEXT, Channel.FACE_TO_FACE))
        Contact.objects.create(
            client=client,
            episode=episode,
            at=_at(day, rng.randint(9, 16), rng.choice((0, 15, 30, 45))),
            channel=Channel.PHONE if day == start else channel,
            reached=True if day == start else reached,
            duration_minutes=rng.choice((5, 10, 20, 30, 45)) if reached else None,
            by=by,
            by_username=by.get_username(),
            note=rng.choice(NOTES) if reached else "No answer; left a voicemail.",
        )
        day += dt.timedelta(days=gap)
        gap = min(gap + rng.randint(1, 4), 21)


def _consent(client: Client, episode: Episode, by: User, engaged: dt.date, today: dt.date) -> None:
    statements = {
        "share_information": True,
        "access_records": True,
        "referrals": True,
        "obtain_information": True,
    }
    Consent.objects.create(
        client=client,
        episode=episode,
        level=ConsentLevel.VERBAL,
        given_on=engaged,
        review_on=services.add_months(engaged, 12),
        recorded_by=by,
        **statements,
    )
    written_on = engaged + dt.timedelta(days=2)
    if written_on <= today:
        Consent.objects.create(
            client=client,
            episode=episode,
            level=ConsentLevel.WRITTEN,
            given_on=written_on,
            witnessed_by=f"{by.get_full_name()} (case manager)",
            review_on=services.add_months(written_on, 12),
            recorded_by=by,
            **statements,
        )


ACCOUNTS = (
    "Comes to A&E when the chest pains start at night; frightened it is a heart attack.",
    "Calls 999 when the flat feels too quiet; has not spoken to anyone since the winter.",
    "Behind on rent and not sleeping; the hospital is the one place that feels safe.",
    "Drinks more when the pain is bad, then falls; the ambulance crew know them by name.",
)
GOALS = (
    "Join the Tuesday walking group",
    "Call the crisis line before 999 at night",
    "See the GP about the pain plan",
    "Get the housing repair booked",
    "Meet the befriender each week",
)


#: How often each need is the main one behind high intensity use, roughly: mental health and
#: loneliness most, then substance use, housing, symptoms without a medical explanation, money
#: (000 §4.1 counts new clients by it). Weights for the demo's spread, not published figures.
MAIN_NEED_WEIGHTS = {
    "mental_health": 30,
    "loneliness": 25,
    "substance_use": 15,
    "housing": 12,
    "unexplained_symptoms": 10,
    "money": 8,
    "social_family": 8,
    "self_harm": 7,
}


def main_need(client: Client, needs: list[str]) -> str:
    """One of the assessment's needs as the main one, weighted towards the common ones. Its
    own generator, so choosing it changes none of the client's other demo choices."""
    rng = random.Random(int(client.nhs_number) + 7)
    return rng.choices(needs, weights=[MAIN_NEED_WEIGHTS.get(n, 5) for n in needs])[0]


def add_plans(
    client: Client, episode: Episode, rng: random.Random, by: User, today: dt.date
) -> None:
    """An assessment, a two-version action plan and, for complex clients, crisis and ED plans
    with the HIU alert (hiu.web.plans.services)."""
    from hiu.web.plans import services as plans
    from hiu.web.plans.models import Need, Progress

    assert episode.engaged_on is not None
    assessed = min(today, episode.engaged_on + dt.timedelta(days=3))
    needs = rng.sample(list(Need.values), k=rng.randint(2, 3))
    plans.assess(
        client,
        plans.AssessmentAnswers(
            assessed_on=assessed,
            own_account=rng.choice(ACCOUNTS),
            needs=needs,
            primary_need=main_need(client, needs),
            readiness=rng.choice(("thinking", "ready", "ready")),
            risk_to_self=rng.choice(("none", "low", "medium")),
            risk_to_others="none",
            risk_to_staff=rng.choice(("none", "low")),
        ),
        by=by,
    )
    goals = rng.sample(GOALS, k=3)
    progressed = (today - episode.engaged_on).days > 30
    plans.save_plan(
        client,
        by=by,
        summary="Weekly calls, then fortnightly; connect to what they enjoy.",
        # Reviews are never in the past when saved: due from now, some within the fortnight.
        review_on=timezone.localdate() + dt.timedelta(days=rng.randint(3, 40)),
        goals=[plans.GoalLine(goal) for goal in goals],
    )
    if progressed:
        plans.save_plan(
            client,
            by=by,
            summary="Calls every two weeks; the walking group and the befriender carry on.",
            review_on=timezone.localdate() + dt.timedelta(days=rng.randint(3, 40)),
            goals=[
                plans.GoalLine(goals[0], Progress.ACHIEVED),
                plans.GoalLine(goals[1], Progress.IN_PROGRESS),
                plans.GoalLine(goals[2], rng.choice(list(Progress.values))),
            ],
        )
    if episode.complexity == Complexity.HIGH:
        plans.save_crisis_plan(
            client,
            by=by,
            triggers="Nights alone; letters about money.",
            early_warning_signs="Stops answering the phone; calls 111 several times a day.",
            what_helps="A call from the case manager; the crisis line; sitting with a neighbour.",
            who_to_contact="Case manager in the day; the mental health crisis line at night.",
        )
        plans.save_ed_plan(
            client,
            by=by,
            response="Call the HIU team on arrival in working hours; offer a quiet room.",
            agreed_with="ED matron",
            shared_on=assessed,
        )
        plans.set_alert(client, by=by, active=True, note="ED plan agreed with the ED matron.")


def add_interventions(
    client: Client, episode: Episode, rng: random.Random, by: User, today: dt.date
) -> None:
    """Interventions that follow from the assessment's needs: befriending for loneliness, CBT
    for mental health, with weekly sessions so far (some missed), and a signpost to advice."""
    from hiu.web.interventions import services as interventions
    from hiu.web.interventions.models import InterventionType, Kind
    from hiu.web.plans.models import Assessment

    assert episode.engaged_on is not None
    assessment = Assessment.objects.filter(client=client).order_by("-assessed_on").first()
    needs = set(assessment.needs) if assessment else set()
    catalogue = {t.kind: t for t in interventions.catalogue_for(client.service)}
    cbt = next(
        (t for t in interventions.catalogue_for(client.service) if t.max_sessions == 8), None
    )
    plans: list[tuple[InterventionType, str, str]] = []
    if "loneliness" in needs and Kind.BEFRIENDING in catalogue:
        plans.append(
            (
                catalogue[Kind.BEFRIENDING],
                "Would like company for walks and someone to talk football with.",
                "No risk to volunteers known; meet in public places at first.",
            )
        )
    if "mental_health" in needs and cbt is not None:
        plans.append((cbt, "", ""))
    for index, (kind, befriending_note, risk_note) in enumerate(plans):
        referred = min(today, episode.engaged_on + dt.timedelta(days=7 + 3 * index))
        started = referred + dt.timedelta(days=rng.randint(7, 21))
        intervention = interventions.make_intervention(
            client,
            by=by,
            type=kind,
            referred_on=referred,
            befriending_note=befriending_note,
            risk_note=risk_note,
        )
        day = started
        sessions = 0
        limit = intervention.max_sessions or 10
        while day <= today and sessions < limit:
            status = "missed" if rng.random() < 0.15 else "attended"
            interventions.add_session(intervention, by=by, on=day, status=status)
            sessions += status == "attended"
            day += dt.timedelta(days=7)
    if "money" in needs or "housing" in needs:
        interventions.record_onward(
            client,
            by=by,
            kind="signposted",
            organisation="Citizens Advice",
            reason="Debt and benefits advice",
            on=min(today, episode.engaged_on + dt.timedelta(days=5)),
        )


def add_outcomes(
    client: Client, episode: Episode, rng: random.Random, by: User, today: dt.date
) -> None:
    """Questionnaires at assessment, at a review six weeks on and at step down (whichever have
    come), goal ratings on the action plan's goals, and an experience questionnaire at step
    down (hiu.web.outcomes.services). Most clients improve, some stay the same, a few get
    worse; now and then a question is left blank, so some totals are prorated and a few
    questionnaires cannot be scored."""
    from hiu.outcomes import INSTRUMENTS
    from hiu.web.outcomes import services as outcomes
    from hiu.web.outcomes.querysets import current_goals
    from hiu.web.outcomes.questionnaire import current_questionnaire

    assert episode.engaged_on is not None
    engaged = episode.engaged_on
    points = [
        (engaged + dt.timedelta(days=3), "baseline"),
        (engaged + dt.timedelta(days=45), "review"),
        (engaged + dt.timedelta(days=SUPPORT_DAYS + HOLDING_DAYS), "step_down"),
    ]
    points = [(day, point) for day, point in points if day <= today]
    if not points:
        return
    wellbeing = rng.choice(("swemwbs", "ons4"))
    codes = ["core10", "ucla3", wellbeing] + (["gad7"] if rng.random() < 0.5 else [])
    # Distress from 0 (none) to 1 (the most): high at the start, then mostly falling.
    start = rng.uniform(0.55, 0.9)
    step = rng.choice((-0.2, -0.15, -0.15, -0.1, -0.1, -0.05, 0.0, 0.08))
    for index, (day, point) in enumerate(points):
        distress = min(1.0, max(0.0, start + step * index))
        for code in codes:
            instrument = INSTRUMENTS[code]
            answers: dict[int, int | None] = {}
            for item in instrument.items:
                values = sorted(option.value for option in item.options)
                level = distress + rng.uniform(-0.15, 0.15)
                # Higher is worse unless the instrument or the item counts the other way.
                if instrument.higher_is_better != (item.reverse or item.key == "anxious"):
                    level = 1 - level
                position = round(min(1.0, max(0.0, level)) * (len(values) - 1))
                answers[item.number] = values[position]
            if rng.random() < 0.06:
                answers[rng.choice(list(answers))] = None
            outcomes.record_measure(
                client, instrument, by=by, completed_on=day, point=point, answers=answers
            )
        goals = current_goals(client)
        if goals:
            outcomes.rate_goals(
                client,
                by=by,
                rated_on=day,
                lines=[
                    outcomes.GoalLine(
                        goal,
                        round(min(10.0, max(0.0, (1 - distress) * 10 + rng.uniform(-1.5, 1.5)))),
                    )
                    for goal in goals
                ],
            )
        if point == "step_down":
            questionnaire = current_questionnaire(client.service)
            outcomes.record_prem(
                client,
                questionnaire,
                by=by,
                completed_on=day,
                point=point,
                answers={
                    question.key: rng.choice((1, 1, 1, 2, 2, 2, 3, 4))
                    if question.headline
                    else rng.choice((1, 1, 2, None))
                    for question in questionnaire.questions
                },
            )


@transaction.atomic
def build_caseload(
    service: Service,
    team: DemoTeam,
    store: Store,
    latest_run: IdentificationRun | None,
    engaged: dict[str, dt.date],
    enrichers: list[Enricher] | None = None,
) -> dict[str, int]:
    """Give the service's demo clients their history; returns counts by phase.

    ``engaged`` is the synthetic truth: each cohort member's engagement day. Clients who
    already have an episode are left as they are, so running the demo again changes nothing.
    """
    # The demo's "now" is the end of the synthetic activity, not the calendar: phases are as a
    # team would have them when that data was fresh. Tasks still fall due against today.
    today = min(timezone.localdate(), latest_activity_date(store) or timezone.localdate())
    enrichers = enrichers or []
    clients = list(
        Client.objects.filter(service=service, episodes__isnull=True).order_by("nhs_number")
    )
    for index, client in enumerate(clients):
        if client.nhs_number in engaged:
            _cohort_client(client, engaged[client.nhs_number], team, store, today, enrichers, index)
    if latest_run is not None:
        _from_the_list(service, team, latest_run, today)
    relapse.alerts_from_new_activity(store)
    if latest_run is not None:
        relapse.alerts_from_list(latest_run)
    counts: dict[str, int] = {}
    for phase in Episode.objects.filter(client__service=service).values_list("phase", flat=True):
        counts[phase] = counts.get(phase, 0) + 1
    return counts


def _cohort_client(
    client: Client,
    engaged: dt.date,
    team: DemoTeam,
    store: Store,
    today: dt.date,
    enrichers: list[Enricher],
    index: int,
) -> None:
    rng = _rng(client.nhs_number)
    by = client.case_manager or team.lead
    opened = engaged - dt.timedelta(days=rng.randint(3, 12))
    episode = services.open_episode(
        client,
        by=team.lead,
        way_in=WayIn.IDENTIFIED,
        phase=Phase.CONTACTING,
        on=opened,
        complexity=COMPLEXITIES[index % len(COMPLEXITIES)],
        reason="Accepted at screening",
    )
    services.move(episode, Phase.ENGAGED, by=by, on=engaged, reason="Agreed to work with us")
    _consent(client, episode, by, engaged, today)
    holding_from = engaged + dt.timedelta(days=SUPPORT_DAYS)
    stepped_from = holding_from + dt.timedelta(days=HOLDING_DAYS)
    support_end = min(today, holding_from)
    _log_contacts(client, episode, by, engaged, support_end, rng)
    for enrich in enrichers:
        enrich(client, episode, rng, by, today)
    # Its own generator, so the outcomes change none of the choices made after this point.
    add_outcomes(client, episode, random.Random(int(client.nhs_number) + 6), by, today)
    if holding_from > today:
        return
    services.move(episode, Phase.HOLDING, by=by, on=holding_from, reason="Plan completed")
    check = services.add_months(holding_from, 1)
    while check <= min(today, stepped_from):
        episode.refresh_from_db()
        services.record_holding_check(episode, by=by, checked_on=check, note="", store=store)
        check = services.add_months(check, 1)
    if stepped_from > today:
        return
    services.move(
        episode, Phase.STEPPED_DOWN, by=by, on=stepped_from, reason="Connected to the community"
    )
    for follow_up in episode.follow_ups.filter(due_on__lte=today):
        services.record_follow_up(
            follow_up, by=team.lead, done_on=follow_up.due_on, note="", store=store
        )


def _from_the_list(
    service: Service, team: DemoTeam, run: IdentificationRun, today: dt.date
) -> None:
    """People on the latest list who are not yet clients: some accepted and being contacted,
    some not reached after the attempts and closed. Done once per list: a list whose people
    have been screened already is left as it is."""
    from hiu.web.screening.models import ScreeningDecision

    if ScreeningDecision.objects.filter(identified_person__run=run).exists():
        return
    known = set(Client.objects.filter(service=service).values_list("nhs_number", flat=True))
    people = [
        p
        for p in run.people.filter(mark__in=[Mark.NEW, Mark.CONTINUING]).order_by("rank")
        if p.nhs_number not in known and p.date_of_birth is not None
    ]
    # The top of the list is left for the team to screen; of the rest, the first are not
    # reached and closed after the letters, then accepted and being contacted, then declined.
    rest = people[LIST_UNSCREENED:]
    closing = rest[:LIST_NOT_REACHED]
    contacting = rest[LIST_NOT_REACHED : LIST_NOT_REACHED + LIST_ACCEPTED]
    _decline(rest[LIST_NOT_REACHED + LIST_ACCEPTED :][:LIST_DECLINED], team.lead)
    for index, person in enumerate([*closing, *contacting]):
        manager = team.managers[index % len(team.managers)]
        closes = person in closing
        unallocated = not closes and index - len(closing) < LIST_UNALLOCATED
        client = _client_from_list(service, person, None if unallocated else manager)
        rng = _rng(person.nhs_number)
        accepted = min(today, run.as_of + dt.timedelta(days=7 + index))
        episode = services.open_episode(
            client,
            by=team.lead,
            way_in=WayIn.IDENTIFIED,
            phase=Phase.CONTACTING,
            on=accepted,
            complexity=COMPLEXITIES[index % len(COMPLEXITIES)],
            identified_person_id=person.pk,
            reason="Accepted at screening",
        )
        _record_acceptance(person, client, episode, team.lead, accepted)
        attempts = 3 if index % 2 == 0 or closes else rng.randint(1, 2)
        for attempt in range(attempts):
            Contact.objects.create(
                client=client,
                episode=episode,
                at=_at(min(today, accepted + dt.timedelta(days=2 * attempt + 1)), 10 + attempt),
                channel=Channel.PHONE,
                reached=False,
                by=manager,
                by_username=manager.get_username(),
                note="No answer.",
            )
        if closes:
            closed_on = min(today, accepted + dt.timedelta(days=21))
            services.move(
                episode,
                Phase.CLOSED,
                by=manager,
                on=closed_on,
                reason="Not reached after three attempts; letters sent to them and their GP",
            )


def _record_acceptance(
    person: IdentifiedPerson, client: Client, episode: Episode, lead: User, on: dt.date
) -> None:
    """The screening decision behind an acceptance the demo back-dates (the screening service
    dates decisions now, and the demo's acceptances happened when the list was fresh)."""
    from hiu.web.screening.models import Decision, ScreeningDecision

    ScreeningDecision.objects.create(
        service=client.service,
        identified_person=person,
        nhs_number=person.nhs_number,
        list_as_of=person.run.as_of,
        decision=Decision.ACCEPT,
        complexity=episode.complexity,
        decided_by=lead,
        decided_by_username=lead.get_username(),
        decided_at=_at(on, 9),
        client=client,
        episode=episode,
    )


def _decline(people: list[IdentifiedPerson], lead: User) -> None:
    """Declined at screening with one of the service's reasons (hiu.web.screening)."""
    from hiu.web.screening import services as screening
    from hiu.web.screening.models import Decision

    for index, person in enumerate(people):
        reasons = list(screening.reasons_for(person.run.service))
        screening.screen_person(
            person,
            screening.Screening(
                decision=Decision.DECLINE,
                reason=reasons[index % len(reasons)],
                note="Discussed at the screening meeting.",
            ),
            by=lead,
        )


def add_referrals(service: Service, team: DemoTeam, people: list[dict[str, str]]) -> None:
    """Live referrals received in the last day and a half, so the first-contact clock shows
    each state: contacted in time, due soon, overdue (hiu.web.screening)."""
    from hiu.web.screening import services as screening

    now = timezone.now()
    sources = (
        ("Emergency department, Homerton", "Self-harm: third attendance this month", True),
        ("London Ambulance Service", "Frequent 999 calls; lives alone", False),
        ("Housing options team", "Homeless since Friday; attended A&E twice", True),
    )
    for index, (person, (source, reason, vulnerable)) in enumerate(
        zip(people, sources, strict=False)
    ):
        received = now - dt.timedelta(hours=(30, 3, 20)[index % 3])
        referral = screening.record_referral(
            service,
            screening.ReferralDetails(
                nhs_number=person["nhs_number"],
                given_name=person["given_name"],
                family_name=person["family_name"],
                date_of_birth=dt.date.fromisoformat(person["date_of_birth"]),
                sex=person["sex"] if person["sex"] in Sex.values else Sex.NOT_KNOWN,
                phone=person["phone"] or "",
                postcode=person["postcode"] or "",
                gp_practice_code=person["gp_practice_code"] or "",
                referring_organisation=source,
                referrer_name="Duty coordinator",
                referrer_contact="020 7946 0000",
                reason=reason,
                vulnerability=vulnerable,
                consent_to_refer=True,
                received_at=received,
            ),
            by=team.lead,
        )
        manager = team.managers[index % len(team.managers)]
        Client.objects.filter(pk=referral.client_id).update(case_manager=manager)
        if index % 3 == 2:  # contacted within the hour
            Contact.objects.create(
                client_id=referral.client_id,
                episode_id=referral.episode_id,
                at=received + dt.timedelta(minutes=50),
                channel=Channel.PHONE,
                reached=True,
                duration_minutes=20,
                by=manager,
                by_username=manager.get_username(),
                note="Talked it through; visiting tomorrow with the housing officer.",
            )


def _client_from_list(service: Service, person: IdentifiedPerson, manager: User | None) -> Client:
    assert person.date_of_birth is not None
    client, _ = Client.objects.get_or_create(
        service=service,
        nhs_number=person.nhs_number,
        defaults={
            "given_name": person.given_name or "Unknown",
            "family_name": person.family_name or "Unknown",
            "date_of_birth": person.date_of_birth,
            "sex": Sex.NOT_KNOWN,
            "phone": person.phone[:20],
            "way_in": ClientWayIn.IDENTIFIED,
            "case_manager": manager,
        },
    )
    return client
