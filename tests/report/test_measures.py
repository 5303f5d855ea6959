"""The report's measures, counted from hand-made facts (docs/reporting.md defines each)."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from facts_support import NO_OUTCOMES, D, episode, facts

from hiu.disclosure import SUPPRESSED
from hiu.report.document import Bars, Paragraph, Story, Table
from hiu.report.facts import (
    DeclineFacts,
    EvaluationFacts,
    InterventionFacts,
    MeetingFacts,
    OutcomeFacts,
    ShareFacts,
    StoryFacts,
)
from hiu.report.measures import build_report
from hiu.report.period import parse_period

Q3 = parse_period("2026Q3")


def texts(table: Table) -> dict[str, list[str]]:
    return {row[0].text: [cell.text for cell in row[1:]] for row in table.rows}


def test_acceptance_counts_episodes_opened_in_the_period_by_way_in() -> None:
    episodes = [episode(n, D(2026, 7, 1 + n)) for n in range(8)]
    episodes += [episode(10 + n, D(2026, 8, 1), way_in="referred") for n in range(3)]
    episodes += [episode(20, D(2026, 6, 30)), episode(21, D(2026, 10, 1))]  # either side
    rows = texts(
        build_report(facts(episodes=tuple(episodes)), Q3, D(2026, 10, 2)).table("Activity")
    )
    assert rows["Accepted into the service"] == ["10"]  # 11, rounded to the nearest 5
    assert rows["  from an identified list"] == ["8"]
    assert rows["  by referral"] == [SUPPRESSED]
    assert rows["  again, after a relapse"] == ["0"]


def test_open_cases_are_read_from_the_phase_on_the_period_s_last_day() -> None:
    still_open = [episode(n, D(2026, 1, 5), engaged=D(2026, 2, 1)) for n in range(9)]
    stepped_down_after = [
        episode(10 + n, D(2026, 1, 5), engaged=D(2026, 2, 1), stepped_down=D(2026, 10, 3))
        for n in range(3)
    ]
    stepped_down_before = [
        episode(20 + n, D(2026, 1, 5), engaged=D(2026, 2, 1), stepped_down=D(2026, 9, 30))
        for n in range(5)
    ]
    built = build_report(
        facts(episodes=tuple(still_open + stepped_down_after + stepped_down_before)),
        Q3,
        D(2026, 10, 5),
    )
    assert texts(built.table("Activity"))["Open cases at the end of the period"] == ["10"]  # 12
    assert texts(built.table("Open cases")) == {"Homerton Healthcare": ["12"], "Total": ["10"]}
    assert texts(built.table("Activity"))["Discharged (stepped down)"] == [SUPPRESSED]  # 5


def test_not_accepted_and_main_need_are_tallied_with_a_rounded_total() -> None:
    declines = [DeclineFacts(D(2026, 8, 1), "Already supported by another team")] * 9
    declines += [DeclineFacts(D(2026, 8, 2), "Lives outside the area")] * 2
    declines += [DeclineFacts(D(2026, 5, 2), "Lives outside the area")] * 20  # before
    episodes = [episode(n, D(2026, 7, 2), need="Housing") for n in range(12)]
    episodes += [episode(20 + n, D(2026, 7, 2), need="") for n in range(3)]
    built = build_report(
        facts(declines=tuple(declines), episodes=tuple(episodes)), Q3, D(2026, 10, 1)
    )
    assert list(texts(built.table("Not accepted")).items()) == [
        ("Already supported by another team", ["9"]),
        ("Lives outside the area", [SUPPRESSED]),
        ("Total", ["10"]),
    ]
    assert texts(built.table("Main need")) == {
        "Housing": ["12"],
        "Not recorded": [SUPPRESSED],
        "Total": ["15"],
    }
    assert texts(built.table("Activity"))["Met the threshold, not accepted"] == ["11"]


def test_waits_and_durations_are_suppressed_below_eight_people() -> None:
    waits = [episode(n, D(2026, 6, 1), first_intervention=D(2026, 7, 1 + n)) for n in range(8)]
    ended = [
        episode(10 + n, D(2026, 1, 1), engaged=D(2026, 1, 10), stepped_down=D(2026, 8, 1))
        for n in range(7)
    ]
    built = build_report(facts(episodes=tuple(waits + ended)), Q3, D(2026, 10, 1))
    rows = texts(built.table("Waits and duration"))
    # Waits of 30..37 days: mean 33.5, median 33.5.
    assert rows["Wait from acceptance to first intervention"] == ["33.5", "33.5", "8"]
    assert rows["Duration of care"] == [SUPPRESSED, SUPPRESSED, SUPPRESSED]


def test_interventions_ended_in_the_period_give_length_and_appointments() -> None:
    items = [
        InterventionFacts(
            n, "Befriending", "Befriending", D(2026, 5, 1), D(2026, 6, 1), D(2026, 8, 1), 4 + n % 2
        )
        for n in range(8)
    ]
    items.append(
        InterventionFacts(9, "Befriending", "Befriending", D(2026, 5, 1), D(2026, 6, 1), None, 2)
    )
    items.append(
        InterventionFacts(
            10, "Psychological therapy", "CBT", D(2026, 5, 1), D(2026, 6, 1), D(2026, 9, 1), 6
        )
    )
    rows = texts(
        build_report(facts(interventions=tuple(items)), Q3, D(2026, 10, 1)).table("Interventions")
    )
    assert rows["Befriending"] == ["8", "61.0", "4.5"]
    assert rows["Psychological therapy"] == [SUPPRESSED, SUPPRESSED, SUPPRESSED]
    # Nine ended (shown as 10); the overall averages would give the hidden kind's by subtraction.
    assert rows["All interventions"] == ["10", SUPPRESSED, SUPPRESSED]


def test_the_overall_intervention_averages_are_shown_when_no_kind_is_hidden() -> None:
    items = [
        InterventionFacts(
            n, "Befriending", "Befriending", D(2026, 5, 1), D(2026, 6, 1), D(2026, 8, 1), 4
        )
        for n in range(8)
    ] + [
        InterventionFacts(
            10 + n, "Psychological therapy", "CBT", D(2026, 5, 1), D(2026, 6, 1), D(2026, 9, 1), 6
        )
        for n in range(8)
    ]
    rows = texts(
        build_report(facts(interventions=tuple(items)), Q3, D(2026, 10, 1)).table("Interventions")
    )
    assert rows["All interventions"] == ["15", "76.5", "5.0"]


def test_relapse_counts_discharges_in_the_year_to_the_period_end() -> None:
    episodes = [
        episode(
            n,
            D(2025, 6, 1),
            engaged=D(2025, 7, 1),
            stepped_down=D(2025, 11, 1),
            again=D(2026, 3, 1),
        )
        for n in range(8)
    ]
    episodes += [
        episode(10 + n, D(2025, 6, 1), engaged=D(2025, 7, 1), stepped_down=D(2026, 2, 1))
        for n in range(8)
    ]
    episodes.append(
        episode(
            30,
            D(2025, 6, 1),
            engaged=D(2025, 7, 1),
            stepped_down=D(2026, 2, 1),
            again=D(2026, 10, 2),
        )
    )
    episodes.append(
        episode(
            31,
            D(2024, 6, 1),
            engaged=D(2024, 7, 1),
            stepped_down=D(2025, 9, 30),
            again=D(2026, 1, 1),
        )
    )
    rows = list(
        build_report(facts(episodes=tuple(episodes)), Q3, D(2026, 10, 5)).table("Relapse").rows
    )
    assert [c.text for c in rows[0][1:]] == ["17", "n/a"]
    assert [c.text for c in rows[1][1:]] == ["8", "47%"]


def test_meetings_held_are_shown_exactly_and_people_discussed_once_each() -> None:
    meetings = (
        MeetingFacts(D(2026, 7, 3), "Wider MDT", frozenset(range(6))),
        MeetingFacts(D(2026, 8, 7), "Wider MDT", frozenset(range(3, 11))),
        MeetingFacts(D(2026, 8, 14), "Referral meeting", frozenset({1, 2})),
        MeetingFacts(D(2026, 6, 14), "Referral meeting", frozenset(range(20))),
    )
    rows = texts(build_report(facts(meetings=meetings), Q3, D(2026, 10, 1)).table("Meetings"))
    assert rows == {"Referral meeting": ["1", SUPPRESSED], "Wider MDT": ["2", "11"]}


PASSED = {"ok": True, "warnings": []}


def _evaluation(
    estimate: float,
    low: float,
    high: float,
    people: int,
    diagnostics: dict[str, Any] | None = PASSED,
) -> EvaluationFacts:
    """An evaluation whose every cell is the same; ``diagnostics=None`` makes it an
    ``hiu-evaluation/1`` result, which has none."""
    cell = {"estimate": estimate, "ci_low": low, "ci_high": high, "people": people}
    windows = {
        w: {
            a: dict(cell)
            for a in (
                "ed_attendances",
                "admissions",
                "ambulance_incidents",
                "nhs111_calls",
                "bed_days",
            )
        }
        for w in ("3", "6", "12")
    }
    result: dict[str, Any] = {"format": "hiu-evaluation/1", "naive": windows, "matched": windows}
    if diagnostics is not None:
        result.update(format="hiu-evaluation/2", diagnostics=diagnostics)
    return EvaluationFacts(D(2026, 10, 1), "hackney", "version 1", result)


def test_kpis_judge_reductions_on_the_matched_comparison_and_say_if_its_interval_has_none() -> None:
    outcomes = OutcomeFacts(
        less_lonely=ShareFacts(5, 20),
        better_wellbeing=ShareFacts(19, 29),
        positive_experience=ShareFacts(13, 15),
        progressing_goal=ShareFacts(0, 0),
        prems_completed=15,
        instruments=(),
    )
    built = build_report(
        facts(
            evaluation=_evaluation(-0.45, -0.8, 0.53, 60),
            outcomes=outcomes,
            targets={"admission_reduction": 0.5},
        ),
        Q3,
        D(2026, 10, 1),
    )
    rows = {row[0].text: [c.text for c in row[1:4]] for row in built.table("KPIs").rows}
    assert rows["Reduction in A&E attendances"] == [
        "45%",
        "20%",
        "Not shown: the 95% interval includes no change",
    ]
    assert rows["Reduction in non-elective hospital admissions"] == [
        "45%",
        "50%",
        "Not met",
    ]
    assert rows["People experience improved personal well-being at the end of our support"] == [
        "65.5%",
        "66%",
        "Not met",
    ]
    # The denominator is as counted (29), not rounded like a total (30), beside its share.
    based_on = {row[0].text: row[4].text for row in built.table("KPIs").rows}
    assert based_on["People experience improved personal well-being at the end of our support"] == (
        "19 of 29 people"
    )
    assert rows["People supported feel less lonely at the end of our support"] == [
        SUPPRESSED,
        "66%",
        "Not known: fewer than 8 people",
    ]
    assert rows["People progressing in at least one goal by the end of support"] == [
        "n/a",
        "90%",
        "Not known",
    ]


@pytest.mark.parametrize(
    ("estimate", "low", "high", "verdict"),
    [
        (-0.45, -0.6, -0.3, "Met"),  # reaches the 40% target; the interval excludes no change
        (-0.40, -0.6, -0.2, "Met"),  # exactly the target
        (-0.45, -0.8, 0.0, "Not shown: the 95% interval includes no change"),  # 0 is the edge
        (-0.35, -0.5, -0.2, "Not met"),  # a real fall, short of the target
    ],
)
def test_a_reduction_is_met_only_when_it_reaches_the_target_and_excludes_no_change(
    estimate: float, low: float, high: float, verdict: str
) -> None:
    built = build_report(facts(evaluation=_evaluation(estimate, low, high, 60)), Q3, D(2026, 10, 1))
    rows = {row[0].text: row[3].text for row in built.table("KPIs").rows}
    assert rows["Reduction in non-elective hospital admissions"] == verdict


REDUCTION_KPIS = (
    "Reduction in A&E attendances",
    "Reduction in non-elective hospital admissions",
    "Reduction in 999 ambulance incidents",
)
IMBALANCE = {"code": "imbalance", "message": "Imbalanced on age.", "rows": []}
RELAXED = {"code": "relaxed_matching", "message": "Too many relaxed.", "rows": [3, 17]}
NOT_ON_LIST = {"code": "not_on_list", "message": "Not on the list.", "rows": [5]}


def _verdicts(evaluation: EvaluationFacts) -> dict[str, str]:
    built = build_report(facts(evaluation=evaluation), Q3, D(2026, 10, 1))
    return {row[0].text: row[3].text for row in built.table("KPIs").rows}


def test_passed_diagnostics_with_warnings_that_do_not_fail_them_are_judged_as_before() -> None:
    passed = {"ok": True, "warnings": [NOT_ON_LIST]}
    verdicts = _verdicts(_evaluation(-0.45, -0.6, -0.3, 60, passed))
    # 45% against targets of 20%, 40% and 40%, interval clear of no change.
    assert [verdicts[k] for k in REDUCTION_KPIS] == ["Met", "Met", "Met"]
    short = _verdicts(_evaluation(-0.35, -0.5, -0.2, 60, passed))
    assert [short[k] for k in REDUCTION_KPIS] == ["Met", "Not met", "Not met"]


@pytest.mark.parametrize(
    ("warnings", "reason"),
    [
        ([IMBALANCE], "imbalance after matching"),
        (
            [NOT_ON_LIST, RELAXED],
            "too many clients matched only after relaxing an exact match",
        ),
        (
            [RELAXED, IMBALANCE],
            "imbalance after matching; too many clients matched only after relaxing an exact match",
        ),
        ([], "see the evaluation's diagnostics"),
    ],
)
def test_failed_diagnostics_show_no_reduction_and_say_which(
    warnings: list[dict[str, Any]], reason: str
) -> None:
    failed = {"ok": False, "warnings": warnings}
    expected = f"Not shown: the matched comparison failed its diagnostics ({reason})"
    # Whether the figure would have been met (45%) or not met (10%), it is not judged.
    for estimate, low, high in ((-0.45, -0.6, -0.3), (-0.1, -0.2, -0.05)):
        verdicts = _verdicts(_evaluation(estimate, low, high, 60, failed))
        assert [verdicts[k] for k in REDUCTION_KPIS] == [expected] * 3
    built = build_report(
        facts(evaluation=_evaluation(-0.45, -0.6, -0.3, 60, failed)), Q3, D(2026, 10, 1)
    )
    kpis = {row[0].text: [c.text for c in row[1:]] for row in built.table("KPIs").rows}
    # The figure and its basis are still shown beside the verdict, as published.
    assert kpis["Reduction in A&E attendances"][:2] == ["45%", "20%"]
    assert kpis["Reduction in A&E attendances"][3].startswith("Matched comparison, 6 months")
    notes = [b.text for s in built.sections for b in s.blocks if isinstance(b, Paragraph)]
    assert (
        f"The matched comparison failed its diagnostics ({reason}): its figures below should not "
        "be relied on, and the reduction KPIs are not judged."
    ) in notes


def test_an_evaluation_without_diagnostics_judges_no_reduction() -> None:
    old = _evaluation(-0.45, -0.6, -0.3, 60, diagnostics=None)
    assert old.result["format"] == "hiu-evaluation/1"
    verdicts = _verdicts(old)
    assert [verdicts[k] for k in REDUCTION_KPIS] == [
        "Not shown: the evaluation predates its diagnostics; run it again"
    ] * 3
    built = build_report(facts(evaluation=old), Q3, D(2026, 10, 1))
    notes = [b.text for s in built.sections for b in s.blocks if isinstance(b, Paragraph)]
    assert any("predates the matched comparison's diagnostics" in n for n in notes)
    # The evaluation table itself is shown as before.
    assert [c.text for c in built.table("Evaluation").rows[0]] == [
        "A&E attendances, 6 months",
        "-45%",
        "-45%",
        "-60% to -30%",
        "60",
    ]


def test_too_few_people_is_said_before_the_diagnostics() -> None:
    verdicts = _verdicts(_evaluation(-0.45, -0.6, -0.3, 7, {"ok": False, "warnings": []}))
    assert verdicts["Reduction in A&E attendances"] == "Not known: fewer than 8 people"


def test_passed_diagnostics_are_noted_beside_the_evaluation() -> None:
    built = build_report(facts(evaluation=_evaluation(-0.3, -0.5, -0.1, 60)), Q3, D(2026, 10, 1))
    notes = [b.text for s in built.sections for b in s.blocks if isinstance(b, Paragraph)]
    assert any(n.startswith("The matched comparison passed its diagnostics") for n in notes)


def test_kpi_targets_set_per_quarter_are_multiplied_for_a_year() -> None:
    episodes = tuple(episode(n, D(2026, 1 + n % 12, 3)) for n in range(100))
    year = build_report(facts(episodes=episodes), parse_period("2026"), D(2027, 1, 5))
    rows = {row[0].text: [c.text for c in row[1:4]] for row in year.table("KPIs").rows}
    assert rows["New people accepted into the service"] == ["100", "120", "Not met"]
    assert len(year.table("By month").rows) == 12


def test_evaluation_estimates_behind_fewer_than_eight_people_are_suppressed() -> None:
    built = build_report(facts(evaluation=_evaluation(-0.3, -0.5, -0.1, 7)), Q3, D(2026, 10, 1))
    first = built.table("Evaluation").rows[0]
    assert [c.text for c in first] == [
        "A&E attendances, 6 months",
        SUPPRESSED,
        SUPPRESSED,
        SUPPRESSED,
        SUPPRESSED,
    ]
    shown = build_report(facts(evaluation=_evaluation(-0.3, -0.5, -0.1, 60)), Q3, D(2026, 10, 1))
    assert [c.text for c in shown.table("Evaluation").rows[0]] == [
        "A&E attendances, 6 months",
        "-30%",
        "-30%",
        "-50% to -10%",
        "60",
    ]


def test_table_one_hides_a_small_band_s_minimum_and_maximum() -> None:
    people = pl.DataFrame(
        {
            "nhs_number": [str(n) for n in range(11)],
            "attendances": [5, 6, 7, 8, 9, 10, 5, 6, 25, 30, 40],
            "admissions": [1, 0, 2, 1, 0, 3, 1, 1, 6, 9, 12],
            "bed_days": [2, 0, 5, 1, 0, 9, 3, 1, 20, 30, 44],
        }
    )
    built = build_report(
        facts(table_one_people=people, table_one_as_of=D(2026, 9, 30)), Q3, D(2026, 10, 1)
    )
    rows = [[c.text for c in row] for row in built.table("Table One").rows]
    assert rows[0] == ["5 to 10 attendances", "People", "n/a", "n/a", "n/a", "8"]
    assert rows[1] == ["5 to 10 attendances", "Attendances", "5", "10", "7.0", "55"]
    assert rows[4][2:] == ["n/a", "n/a", "n/a", "0"]  # 11 to 20: no one
    assert rows[8] == ["21 or more attendances", "People", "n/a", "n/a", "n/a", SUPPRESSED]
    assert rows[9][2:] == [SUPPRESSED] * 4


def test_only_stories_written_in_the_period_are_printed_and_a_chart_draws_each_kpi_share() -> None:
    stories = (
        StoryFacts(D(2026, 8, 1), "Back to the allotment", "Text one."),
        StoryFacts(D(2026, 4, 1), "An older story", "Text two."),
    )
    built = build_report(facts(stories=stories, outcomes=NO_OUTCOMES), Q3, D(2026, 10, 1))
    blocks = {s.key: s.blocks for s in built.sections}
    assert [b.title for b in blocks["case-studies"] if isinstance(b, Story)] == [
        "Back to the allotment"
    ]
    charts = [b for s in built.sections for b in s.blocks if isinstance(b, Bars)]
    assert {c.table for c in charts} >= {"KPIs", "By month", "Main need", "Use after engaging"}


def test_the_same_facts_always_give_the_same_report() -> None:
    episodes = tuple(episode(n, D(2026, 7, 1 + n), engaged=D(2026, 8, 1)) for n in range(20))
    made = facts(episodes=episodes, evaluation=_evaluation(-0.2, -0.4, 0.1, 30))
    assert build_report(made, Q3, D(2026, 10, 1)) == build_report(made, Q3, D(2026, 10, 1))
