"""Gathering a service's facts for a report (``hiu.web.reports.gather``): a small casework
history built by hand, a small activity store written through the importer, and each fact the
report is made from checked against it; then the same on the whole demo caseload.

The period is the third calendar quarter of 2026 (July to September); the store's data ends on
its last day.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hiu.ingest.pipeline import import_file
from hiu.report.facts import ServiceFacts
from hiu.report.kpis import KPIS
from hiu.report.period import parse_period
from hiu.store.store import Store
from hiu.synth.nhs_number import synthetic_nhs_numbers
from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.casestudies.models import CaseStudy, ConsentWay
from hiu.web.clients.models import Client
from hiu.web.demo.factories import record_episode
from hiu.web.demo.service import DEMO_SERVICE
from hiu.web.episodes.models import Episode, PhaseChange, RelapseAlert, RelapseReason
from hiu.web.episodes.phases import Phase
from hiu.web.evaluation.models import EvaluationRun, EvaluationStatus, UnitCostTable
from hiu.web.interventions.models import (
    Intervention,
    InterventionSession,
    InterventionType,
    Kind,
    OnwardKind,
    OnwardReferral,
    SessionStatus,
)
from hiu.web.meetings.models import Meeting, MeetingKind
from hiu.web.outcomes.kpis import Quarter, service_summary
from hiu.web.outcomes.models import OutcomeRecord, PointInCare, PremResponse
from hiu.web.plans.models import Assessment, Need, Readiness, RiskLevel
from hiu.web.reports.gather import service_facts
from hiu.web.reports.models import ServiceTarget
from hiu.web.screening.models import Decision, DeclineReason, ScreeningDecision

pytestmark = [pytest.mark.django_db, pytest.mark.db_engine]

PERIOD = parse_period("2026Q3")
TODAY = dt.date(2026, 10, 15)
DATA_END = dt.date(2026, 9, 30)
LONDON = ZoneInfo("Europe/London")
#: Valid NHS numbers, so that the importer takes the store's rows.
NUMBERS = [str(n) for n in synthetic_nhs_numbers(np.arange(8), 23)]
MAYA, BEN, CHLOE, NOT_IN_STORE, STRANGER = NUMBERS[:5]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# -- The activity store ------------------------------------------------------------------------


def write_store(data_dir: Path, tmp_path: Path) -> Store:
    """A few people's activity, counted by the Hackney rule set the services use."""
    ed = ["attendance_id,nhs_number,arrival_datetime,site_code,attendance_category"]
    # Maya engaged on 15 June 2026: three attendances in the three months before (one of them
    # a planned follow-up, which the rule set does not count), two in the three after, and
    # one the day after that window ends.
    for n, (when, category) in enumerate(
        [
            ("2026-03-15T10:00:00", "1"),  # the first day of the 3 months before
            ("2026-04-20T10:00:00", "1"),
            ("2026-06-14T23:30:00", "1"),  # the last day before engaging
            ("2026-05-01T10:00:00", "4"),  # planned follow-up: not counted
            ("2026-06-15T08:00:00", "1"),  # the day she engaged: after
            ("2026-09-14T10:00:00", "1"),  # the last day of the 3 months after
            ("2026-09-15T10:00:00", "1"),  # outside every window that has ended
        ]
    ):
        ed.append(f"M{n},{MAYA},{when},RQX01,{category}")
    # Ben: six attendances in the year to 30 September 2026 (Table One counts him).
    for n, month in enumerate(["2025-11", "2026-01", "2026-02", "2026-04", "2026-06", "2026-08"]):
        ed.append(f"B{n},{BEN},{month}-10T10:00:00,RQX01,1")
    # Someone who is no one's client, with five attendances (the last on the data's last
    # day): in Table One too.
    for n in range(4):
        ed.append(f"S{n},{STRANGER},2026-0{n + 3}-02T10:00:00,RQX01,2")
    ed.append(f"L0,{STRANGER},2026-09-30T18:00:00,RQX01,1")
    files = {
        "ed_attendances": ed,
        "ambulance_incidents": [
            "incident_id,nhs_number,call_datetime",
            f"A1,{MAYA},2026-06-01T03:00:00",
            f"A2,{MAYA},2026-07-01T03:00:00",
        ],
        "nhs111_calls": ["call_id,nhs_number,call_datetime", f"C1,{MAYA},2026-08-01T12:00:00"],
        "admissions": [
            "spell_id,nhs_number,admission_datetime,discharge_datetime,admission_method",
            # An emergency admission with three nights in hospital, before engaging.
            f"P1,{MAYA},2026-05-01T10:00:00,2026-05-04T12:00:00,21",
            # An elective admission: not counted.
            f"P2,{MAYA},2026-07-01T10:00:00,2026-07-03T12:00:00,11",
        ],
    }
    store = Store.in_data_dir(data_dir)
    for kind, lines in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text("\n".join(lines) + "\n")
        assert import_file(store, kind, path, imported_by="test").manifest.rejected == 0, kind
    return store


# -- The casework ------------------------------------------------------------------------------


def assessment(client: Client, on: str, need: str, episode: Episode | None) -> Assessment:
    return Assessment.objects.create(
        client=client,
        episode=episode,
        assessed_on=day(on),
        own_account="In their own words.",
        primary_need=need,
        readiness=Readiness.READY,
        risk_to_self=RiskLevel.LOW,
        risk_to_others=RiskLevel.NONE,
        risk_to_staff=RiskLevel.NONE,
    )


def story(client: Client, title: str, text: str, **fields: Any) -> CaseStudy:
    values: dict[str, Any] = {
        "written_on": day("2026-08-20"),
        "shareable": True,
        "consent_given_on": day("2026-08-21"),
        "consent_way": ConsentWay.WRITTEN,
    }
    values.update(fields)
    return CaseStudy.objects.create(client=client, title=title, text=text, **values)


def outcome(client: Client, instrument: str, on: str, total: float) -> OutcomeRecord:
    return OutcomeRecord.objects.create(
        client=client,
        instrument=instrument,
        completed_on=day(on),
        point=PointInCare.REVIEW,
        total=total,
        answered=10,
    )


def prem(client: Client, on: str, positive: bool | None) -> PremResponse:
    return PremResponse.objects.create(
        client=client,
        version=0,
        completed_on=day(on),
        point=PointInCare.STEP_DOWN,
        positive=positive,
    )


def evaluation_run(service: Service, status: str, finished: str, **fields: Any) -> EvaluationRun:
    return EvaluationRun.objects.create(
        service=service,
        status=status,
        rule_set="hackney",
        replicates=10,
        finished_at=dt.datetime.fromisoformat(finished).replace(tzinfo=LONDON),
        **fields,
    )


class History:
    """The service's casework: who is who, for the assertions."""

    def __init__(
        self,
        service: Service,
        other_service: Service,
        staff: dict[Role, User],
        make_client: Callable[..., Client],
        make_user: Callable[..., User],
    ) -> None:
        manager = staff[Role.CASE_MANAGER]
        manager.staff_profile.organisation = "Homerton Healthcare"
        manager.staff_profile.save()
        # Not counted among the leads: someone who has left, and another service's worker.
        gone = make_user("gone", Role.CASE_MANAGER, service)
        gone.is_active = False
        gone.save()
        make_user("elsewhere", Role.SERVICE_LEAD, other_service)

        self.maya = make_client(
            service,
            manager,
            nhs_number=MAYA,
            given_name="Maya",
            family_name="Okonjo",
            postcode="E8 1AA",
        )
        self.ben = make_client(service, None, nhs_number=BEN)
        self.chloe = make_client(service, manager, nhs_number=CHLOE)
        self.dev = make_client(service, manager, nhs_number=NOT_IN_STORE)
        self.outsider = make_client(other_service, None, nhs_number=MAYA)

        # Maya: opened from a list on 1 June 2026, engaged on the 15th.
        self.maya_episode = record_episode(
            self.maya, opened_on=day("2026-06-01"), engaged_on=day("2026-06-15")
        )
        for effective, to_phase in [
            ("2026-06-01", Phase.CONTACTING),
            ("2026-06-15", Phase.ENGAGED),
        ]:
            PhaseChange.objects.create(
                episode=self.maya_episode, to_phase=to_phase, effective_on=day(effective)
            )
        # A move recorded last but effective earlier keeps its place as recorded.
        PhaseChange.objects.create(
            episode=self.maya_episode, to_phase=Phase.HOLDING, effective_on=day("2026-06-10")
        )
        assessment(self.maya, "2026-06-05", Need.MONEY, self.maya_episode)
        assessment(self.maya, "2026-06-10", Need.HOUSING, self.maya_episode)
        assessment(self.maya, "2026-06-20", "", self.maya_episode)  # no main need decided
        assessment(self.maya, "2026-06-25", Need.SELF_HARM, None)  # on no episode
        therapy = InterventionType.objects.create(
            service=service, name="Talking therapy", kind=Kind.PSYCHOLOGICAL_THERAPY
        )
        walking = InterventionType.objects.create(
            service=service, name="Walking group", kind=Kind.OTHER
        )
        self.therapy = Intervention.objects.create(
            client=self.maya,
            episode=self.maya_episode,
            type=therapy,
            referred_on=day("2026-06-20"),
            started_on=day("2026-07-05"),
        )
        for on, status in [
            ("2026-07-05", SessionStatus.ATTENDED),
            ("2026-07-12", SessionStatus.MISSED),
            ("2026-07-19", SessionStatus.ATTENDED),
            ("2026-07-26", SessionStatus.CANCELLED),
        ]:
            InterventionSession.objects.create(intervention=self.therapy, on=day(on), status=status)
        # Referred to but not yet started: no first intervention, no sessions.
        Intervention.objects.create(
            client=self.maya, episode=self.maya_episode, type=walking, referred_on=day("2026-06-16")
        )
        # Signposting before anything else does not count; the referral out does.
        for kind, on in [
            (OnwardKind.SIGNPOSTED, "2026-06-17"),
            (OnwardKind.REFERRED, "2026-07-01"),
        ]:
            OnwardReferral.objects.create(
                client=self.maya,
                episode=self.maya_episode,
                kind=kind,
                organisation="Citizens Advice",
                reason="Debt",
                on=day(on),
            )

        # Ben: engaged 1 October 2025 (his 12 months after end on the data's last day),
        # stepped down on 1 April 2026, then on a list again.
        self.ben_episode = record_episode(
            self.ben,
            opened_on=day("2025-09-20"),
            engaged_on=day("2025-10-01"),
            stepped_down_on=day("2026-04-01"),
            phase=Phase.STEPPED_DOWN,
        )
        for reason, on in [
            (RelapseReason.THRESHOLD, "2026-03-01"),  # before stepping down
            (RelapseReason.NEW_ACTIVITY, "2026-05-01"),  # not the threshold
            (RelapseReason.THRESHOLD, "2026-09-01"),
            (RelapseReason.THRESHOLD, "2026-08-01"),  # the first time after stepping down
        ]:
            RelapseAlert.objects.create(
                client=self.ben, episode=self.ben_episode, reason=reason, activity_on=day(on)
            )
        # Chloe engaged a day later than Ben: her 12 months after have not ended by the data's
        # last day. Dev is in no extract.
        self.chloe_episode = record_episode(
            self.chloe, opened_on=day("2025-09-25"), engaged_on=day("2025-10-02")
        )
        self.dev_episode = record_episode(
            self.dev, opened_on=day("2026-01-01"), engaged_on=day("2026-01-10")
        )
        self.outsider_episode = record_episode(
            self.outsider, opened_on=day("2026-06-01"), engaged_on=day("2026-06-15")
        )
        Intervention.objects.create(
            client=self.outsider,
            episode=self.outsider_episode,
            type=InterventionType.objects.create(
                service=other_service, name="Elsewhere", kind=Kind.BEFRIENDING
            ),
            referred_on=day("2026-07-01"),
        )

        # Declines: late on 31 July in UTC is 1 August in London.
        declined_for = DeclineReason.objects.create(
            service=service, label="Supported by another team"
        )
        for reason_used, at, decision, where in [
            (declined_for, "2026-07-31T23:30:00+00:00", Decision.DECLINE, service),
            (None, "2026-08-10T12:00:00+00:00", Decision.DECLINE, service),
            (None, "2026-08-11T12:00:00+00:00", Decision.ACCEPT, service),
            (None, "2026-08-12T12:00:00+00:00", Decision.DECLINE, other_service),
        ]:
            ScreeningDecision.objects.create(
                service=where,
                nhs_number=STRANGER,
                decision=decision,
                reason=reason_used,
                decided_at=dt.datetime.fromisoformat(at),
            )

        # Meetings.
        mdt = Meeting.objects.create(
            service=service, held_on=day("2026-07-10"), kind=MeetingKind.WIDER_MDT
        )
        mdt.clients.set([self.maya, self.ben])
        Meeting.objects.create(
            service=service, held_on=day("2026-07-24"), kind=MeetingKind.REFERRAL
        )
        theirs = Meeting.objects.create(
            service=other_service, held_on=day("2026-07-10"), kind=MeetingKind.WIDER_MDT
        )
        theirs.clients.set([self.outsider])

        # Case studies.
        story(self.maya, "Back to the allotment", "She grows beans again and calls less.")
        self.named = story(self.maya, "A new start", "Maya found a flat near the park.")
        story(self.maya, "Postcode", "She moved to E81AA last spring.")
        story(self.ben, "No consent yet", "Text.", consent_given_on=None, consent_way="")
        story(self.ben, "Withdrawn", "Text.", consent_withdrawn_on=day("2026-09-01"))
        story(self.ben, "Not ready", "Text.", shareable=False)
        story(self.outsider, "Elsewhere", "Another service's story.")

        # Outcomes: Maya's loneliness and CORE-10 scores fall between June and August; Ben
        # has one CORE-10 score in the quarter and nothing to compare it with.
        outcome(self.maya, "ucla3", "2026-06-16", 7)
        outcome(self.maya, "ucla3", "2026-08-01", 5)
        outcome(self.maya, "core10", "2026-06-16", 20)
        outcome(self.maya, "core10", "2026-08-01", 12)
        outcome(self.ben, "core10", "2026-07-15", 18)
        outcome(self.outsider, "core10", "2026-07-15", 10)
        prem(self.maya, "2026-08-02", True)
        prem(self.ben, "2026-09-30", None)  # "Don't know": completed, not counted as answered
        prem(self.ben, "2026-10-01", True)  # after the quarter
        prem(self.outsider, "2026-08-02", True)

        # Evaluations: the latest finished one with a result, not a later one that failed.
        costs = UnitCostTable.objects.create(service=service, version=2, table={})
        evaluation_run(service, EvaluationStatus.DONE, "2026-08-01T10:00", result={"run": 1})
        evaluation_run(
            service,
            EvaluationStatus.DONE,
            "2026-09-01T23:30",
            result={"run": 2},
            unit_costs=costs,
        )
        evaluation_run(service, EvaluationStatus.FAILED, "2026-09-10T10:00", error="Failed.")
        evaluation_run(other_service, EvaluationStatus.DONE, "2026-09-20T10:00", result={"x": 1})

        # Targets: the latest value set for each KPI.
        ServiceTarget.objects.create(service=service, kpi="ed_reduction", value=0.3)
        ServiceTarget.objects.create(service=service, kpi="ed_reduction", value=0.35)
        ServiceTarget.objects.create(service=other_service, kpi="ed_reduction", value=0.9)
        ServiceTarget.objects.create(service=other_service, kpi="new_referrals", value=99)


@pytest.fixture
def history(
    service: Service,
    other_service: Service,
    staff: dict[Role, User],
    make_client: Callable[..., Client],
    make_user: Callable[..., User],
) -> History:
    return History(service, other_service, staff, make_client, make_user)


@pytest.fixture
def facts(service: Service, history: History, data_dir: Path, tmp_path: Path) -> ServiceFacts:
    write_store(data_dir, tmp_path)
    return service_facts(service, PERIOD, today=TODAY)


def episode_of(facts: ServiceFacts, episode: Episode) -> Any:
    (found,) = [e for e in facts.episodes if e.episode_id == episode.pk]
    return found


# -- Episodes ----------------------------------------------------------------------------------


def test_it_gathers_every_episode_of_the_service_and_none_of_another(
    facts: ServiceFacts, history: History
) -> None:
    assert {e.episode_id for e in facts.episodes} == {
        history.maya_episode.pk,
        history.ben_episode.pk,
        history.chloe_episode.pk,
        history.dev_episode.pk,
    }
    ben = episode_of(facts, history.ben_episode)
    assert (ben.client_id, ben.way_in, ben.opened_on, ben.engaged_on, ben.stepped_down_on) == (
        history.ben.pk,
        "identified",
        day("2025-09-20"),
        day("2025-10-01"),
        day("2026-04-01"),
    )


def test_phases_are_in_the_order_they_were_recorded(facts: ServiceFacts, history: History) -> None:
    assert episode_of(facts, history.maya_episode).phases == (
        (day("2026-06-01"), "contacting"),
        (day("2026-06-15"), "engaged"),
        (day("2026-06-10"), "holding"),
    )
    assert episode_of(facts, history.ben_episode).phases == ()


def test_the_organisation_is_the_case_managers_employer(
    facts: ServiceFacts, history: History
) -> None:
    assert episode_of(facts, history.maya_episode).organisation == "Homerton Healthcare"
    assert episode_of(facts, history.ben_episode).organisation == ""  # no case manager


def test_the_main_need_is_the_latest_one_recorded_on_the_episode(
    facts: ServiceFacts, history: History
) -> None:
    assert episode_of(facts, history.maya_episode).primary_need == "Housing"
    assert episode_of(facts, history.ben_episode).primary_need == ""


def test_the_first_intervention_counts_a_referral_out_but_not_signposting(
    facts: ServiceFacts, history: History
) -> None:
    # Signposted on 17 June, referred out on 1 July, therapy started on 5 July.
    assert episode_of(facts, history.maya_episode).first_intervention_on == day("2026-07-01")
    assert episode_of(facts, history.ben_episode).first_intervention_on is None


def test_the_first_intervention_is_an_intervention_started_when_that_is_earlier(
    service: Service, history: History, data_dir: Path
) -> None:
    history.therapy.started_on = day("2026-06-21")
    history.therapy.save()
    facts = service_facts(service, PERIOD, today=TODAY)
    assert episode_of(facts, history.maya_episode).first_intervention_on == day("2026-06-21")


def test_relapse_is_the_first_time_on_a_list_again_after_stepping_down(
    facts: ServiceFacts, history: History
) -> None:
    assert episode_of(facts, history.ben_episode).threshold_again_on == day("2026-08-01")
    assert episode_of(facts, history.maya_episode).threshold_again_on is None


# -- Declines, interventions, meetings -------------------------------------------------------


def test_declines_are_dated_in_london_with_their_reasons(facts: ServiceFacts) -> None:
    assert [(d.decided_on, d.reason) for d in facts.declines] == [
        (day("2026-08-01"), "Supported by another team"),
        (day("2026-08-10"), "No reason recorded"),
    ]


def test_interventions_count_only_attended_sessions(facts: ServiceFacts, history: History) -> None:
    assert [
        (i.episode_id, i.kind, i.name, i.referred_on, i.started_on, i.attended_sessions)
        for i in facts.interventions
    ] == [
        (history.maya_episode.pk, "Other", "Walking group", day("2026-06-16"), None, 0),
        (
            history.maya_episode.pk,
            "Psychological therapy",
            "Talking therapy",
            day("2026-06-20"),
            day("2026-07-05"),
            2,
        ),
    ]


def test_meetings_carry_their_kind_and_the_clients_discussed(
    facts: ServiceFacts, history: History
) -> None:
    assert [(m.held_on, m.kind, m.client_ids) for m in facts.meetings] == [
        (day("2026-07-10"), "Wider MDT", frozenset({history.maya.pk, history.ben.pk})),
        (day("2026-07-24"), "Referral meeting", frozenset()),
    ]


# -- Case studies ------------------------------------------------------------------------------


def test_only_shareable_stories_with_consent_and_without_identifiers_are_kept(
    service: Service, history: History, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="hiu.web.reports.gather_casework"):
        facts = service_facts(service, PERIOD, today=TODAY)
    assert [(s.title, s.text, s.written_on) for s in facts.stories] == [
        ("Back to the allotment", "She grows beans again and calls less.", day("2026-08-20"))
    ]
    # The name and the postcode each kept a story out; the log names only the story's id.
    assert len(caplog.records) == 2
    assert f"Case study {history.named.pk} left out" in caplog.text
    assert "Maya" not in caplog.text
    assert "E8" not in caplog.text


# -- Outcomes ----------------------------------------------------------------------------------


def test_outcomes_count_the_people_measured_in_the_period(facts: ServiceFacts) -> None:
    outcomes = facts.outcomes
    assert (outcomes.less_lonely.met, outcomes.less_lonely.counted) == (1, 1)
    assert (outcomes.better_wellbeing.met, outcomes.better_wellbeing.counted) == (0, 0)
    assert (outcomes.positive_experience.met, outcomes.positive_experience.counted) == (1, 1)
    assert (outcomes.progressing_goal.met, outcomes.progressing_goal.counted) == (0, 0)
    assert outcomes.prems_completed == 2
    by_name = {i.name: i for i in outcomes.instruments}
    core10 = by_name["CORE-10"]
    assert (core10.completed, core10.compared, core10.reliable_improvement) == (2, 1, 1)
    assert (core10.no_reliable_change, core10.reliable_deterioration, core10.no_figure) == (
        0,
        0,
        0,
    )
    ucla3 = by_name["UCLA-3"]
    assert (ucla3.completed, ucla3.compared, ucla3.no_figure) == (1, 1, 1)
    assert by_name["GAD-7"].completed == 0


def test_the_outcome_summary_page_counts_a_quarter_as_before(
    service: Service, history: History
) -> None:
    summary = service_summary(service, Quarter(day("2026-07-01")), TODAY)
    assert [(f.met_count, f.denominator) for f in summary.figures] == [
        (1, 1),
        (0, 0),
        (1, 1),
        (0, 0),
    ]


# -- Activity ----------------------------------------------------------------------------------


def windows(facts: ServiceFacts, client: Client) -> dict[int, Any]:
    return {w.months: w for w in facts.activity if w.client_id == client.pk}


def test_activity_windows_count_before_and_after_engaging_as_the_rule_set_counts(
    facts: ServiceFacts, history: History
) -> None:
    maya = windows(facts, history.maya)
    assert set(maya) == {3}  # her 6 and 12 months after have not ended
    assert maya[3].engaged_on == day("2026-06-15")
    assert maya[3].before == {
        "ed_attendances": 3,  # the planned follow-up is not counted
        "ambulance_incidents": 1,
        "nhs111_calls": 0,
        "admissions": 1,
        "bed_days": 3,
    }
    assert maya[3].after == {
        "ed_attendances": 2,
        "ambulance_incidents": 1,
        "nhs111_calls": 1,
        "admissions": 0,  # elective
        "bed_days": 0,
    }


def test_a_window_counts_only_once_its_months_after_have_ended_by_the_data(
    facts: ServiceFacts, history: History
) -> None:
    # Ben's 12 months after run to 30 September 2026, the data's last day: ended. Chloe
    # engaged a day later: hers run to 1 October, a day past the data.
    assert set(windows(facts, history.ben)) == {3, 6, 12}
    assert set(windows(facts, history.chloe)) == {3, 6}
    assert sum(windows(facts, history.ben)[12].before.values()) == 0
    assert windows(facts, history.ben)[12].after["ed_attendances"] == 6
    # Dev is in no extract: his complete windows count nothing.
    dev = windows(facts, history.dev)
    assert set(dev) == {3, 6}
    assert all(sum(w.before.values()) + sum(w.after.values()) == 0 for w in dev.values())


def test_a_period_ending_earlier_than_the_data_counts_windows_ended_by_the_period(
    service: Service, history: History, data_dir: Path, tmp_path: Path
) -> None:
    write_store(data_dir, tmp_path)
    facts = service_facts(service, parse_period("2026Q2"), today=TODAY)
    assert set(windows(facts, history.ben)) == {3, 6}
    assert windows(facts, history.maya) == {}
    assert facts.data_end == DATA_END
    assert facts.table_one_as_of == day("2026-06-30")


def test_a_report_made_before_the_period_ends_counts_what_is_known_by_then(
    service: Service, history: History, data_dir: Path, tmp_path: Path
) -> None:
    write_store(data_dir, tmp_path)
    facts = service_facts(service, PERIOD, today=day("2026-09-13"))
    assert windows(facts, history.maya) == {}  # her 3 months after end on 14 September
    assert facts.table_one_as_of == day("2026-09-13")


# -- Table One, the data's end, the evaluation, targets -----------------------------------------


def test_table_one_people_are_counted_to_the_end_of_the_period_without_nhs_numbers(
    facts: ServiceFacts,
) -> None:
    assert facts.data_end == DATA_END
    assert facts.table_one_as_of == DATA_END
    people = facts.table_one_people
    assert people is not None
    assert "nhs_number" not in people.columns
    # Maya's six counting attendances, Ben's six, and the stranger's five.
    assert sorted(people["attendances"].to_list()) == [5, 6, 6]


def test_an_empty_store_gives_no_data_no_windows_and_no_table_one(
    service: Service, history: History, data_dir: Path
) -> None:
    facts = service_facts(service, PERIOD, today=TODAY)
    assert (facts.data_end, facts.activity, facts.table_one_people, facts.table_one_as_of) == (
        None,
        (),
        None,
        None,
    )
    assert len(facts.episodes) == 4  # the casework is still there


def test_the_evaluation_is_the_latest_finished_not_a_later_failed_one(
    facts: ServiceFacts,
) -> None:
    evaluation = facts.evaluation
    assert evaluation is not None
    assert (evaluation.finished_on, evaluation.rule_set, evaluation.unit_costs) == (
        day("2026-09-01"),
        "hackney",
        "version 2",
    )
    assert evaluation.result == {"run": 2}


def test_no_finished_evaluation_gives_none(service: Service, data_dir: Path) -> None:
    evaluation_run(service, EvaluationStatus.FAILED, "2026-09-10T10:00", error="Failed.")
    assert service_facts(service, PERIOD, today=TODAY).evaluation is None


def test_targets_are_the_services_latest_and_leads_count_active_leads_and_case_managers(
    facts: ServiceFacts,
) -> None:
    # The service's own where it set one, the default elsewhere; another service's not.
    assert facts.targets["ed_reduction"] == 0.35
    assert facts.targets["new_referrals"] == KPIS["new_referrals"].default
    assert facts.leads == 2  # the lead and the case manager; not the one who left
    assert (facts.service, facts.rule_set) == ("Riverside HIU", "hackney")


def test_a_service_with_no_one_in_a_lead_role_counts_one_lead(
    other_service: Service, data_dir: Path
) -> None:
    assert service_facts(other_service, PERIOD, today=TODAY).leads == 1


# -- Scale -------------------------------------------------------------------------------------


def add_clients(
    service: Service, manager: User, make_client: Callable[..., Client], count: int
) -> None:
    """Clients with a little of everything the facts read."""
    kind = InterventionType.objects.get_or_create(
        service=service, name="Befriending", kind=Kind.BEFRIENDING
    )[0]
    meeting = Meeting.objects.create(
        service=service, held_on=day("2026-07-10"), kind=MeetingKind.WIDER_MDT
    )
    for _ in range(count):
        client = make_client(service, manager)
        own = record_episode(client, opened_on=day("2026-01-05"), engaged_on=day("2026-01-20"))
        PhaseChange.objects.create(episode=own, to_phase=Phase.ENGAGED, effective_on=own.opened_on)
        assessment(client, "2026-01-21", Need.LONELINESS, own)
        intervention = Intervention.objects.create(
            client=client, episode=own, type=kind, referred_on=day("2026-02-01")
        )
        InterventionSession.objects.create(
            intervention=intervention, on=day("2026-02-08"), status=SessionStatus.ATTENDED
        )
        OnwardReferral.objects.create(
            client=client,
            episode=own,
            kind=OnwardKind.REFERRED,
            organisation="Partner",
            reason="Help",
            on=day("2026-02-02"),
        )
        RelapseAlert.objects.create(
            client=client,
            episode=own,
            reason=RelapseReason.THRESHOLD,
            activity_on=day("2026-08-01"),
        )
        meeting.clients.add(client)
        story(client, "A story", "Nothing that identifies anyone.")
        outcome(client, "core10", "2026-02-01", 20)
        outcome(client, "core10", "2026-08-01", 10)
        prem(client, "2026-08-01", True)


def test_the_number_of_queries_does_not_grow_with_the_number_of_clients(
    service: Service,
    staff: dict[Role, User],
    make_client: Callable[..., Client],
    data_dir: Path,
    tmp_path: Path,
    django_assert_max_num_queries: Any,
) -> None:
    write_store(data_dir, tmp_path)
    manager = staff[Role.CASE_MANAGER]
    # Given 5 clients, the queries are counted
    add_clients(service, manager, make_client, 5)
    with CaptureQueriesContext(connection) as small:
        assert len(service_facts(service, PERIOD, today=TODAY).episodes) == 5
    # When there are 40
    add_clients(service, manager, make_client, 35)
    # Then gathering asks no more
    with django_assert_max_num_queries(len(small.captured_queries)):
        facts = service_facts(service, PERIOD, today=TODAY)
    assert len(facts.episodes) == 40
    assert len(facts.activity) == 40 * 2  # 3 and 6 months after 20 January have ended
    assert len(facts.stories) == 40


# -- The demo ----------------------------------------------------------------------------------


def test_it_gathers_the_whole_demo_caseload(data_dir: Path, synthetic: Path) -> None:
    call_command("demo", synthetic=synthetic, stdout=StringIO())
    service = Service.objects.get(name=DEMO_SERVICE)
    facts = service_facts(service, PERIOD, today=TODAY)
    assert facts.episodes
    assert facts.interventions
    assert facts.activity
    assert facts.data_end is not None
    assert facts.table_one_people is not None
    assert facts.table_one_people.height > 0
    assert facts.evaluation is not None
    assert facts.leads == 4  # the lead and three case managers
    assert {e.organisation for e in facts.episodes if e.engaged_on} <= {
        "Homerton Healthcare",
        "East London NHS Foundation Trust",
    }
