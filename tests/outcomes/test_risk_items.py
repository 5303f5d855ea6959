"""Risk answers: the items that raise an alarm (issue 18 point 7).

PHQ-9 item 9 ("thoughts that you would be better off dead or of hurting yourself") answered above
"Not at all", and CORE-10 item 6 ("I made plans to end my life") answered above "Not at all",
are risk answers; the other instruments declare no risk item (ReQoL-10's position of its
"life not worth living" statement is unconfirmed, see hiu.outcomes.risk).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hiu.outcomes import INSTRUMENTS
from hiu.outcomes.risk import risk_findings

PHQ9 = INSTRUMENTS["phq9"]
CORE10 = INSTRUMENTS["core10"]


def all_zero(code: str) -> dict[int, int | None]:
    instrument = INSTRUMENTS[code]
    return {item.number: item.lowest for item in instrument.items}


@pytest.mark.parametrize(
    ("value", "label"),
    [(1, "Several days"), (2, "More than half the days"), (3, "Nearly every day")],
)
def test_phq9_item_9_above_not_at_all_is_a_risk_answer_named_in_its_own_words(
    value: int, label: str
) -> None:
    answers = {**all_zero("phq9"), 9: value}
    (finding,) = risk_findings(PHQ9, answers)
    assert (finding.instrument, finding.item, finding.answer) == ("phq9", 9, value)
    assert finding.answer_label == label
    assert "better off dead" in finding.staff_text


def test_phq9_item_9_answered_not_at_all_or_left_blank_raises_nothing() -> None:
    assert risk_findings(PHQ9, all_zero("phq9")) == ()
    assert risk_findings(PHQ9, {**all_zero("phq9"), 9: None}) == ()


def test_a_phq9_too_incomplete_to_score_still_raises_its_risk_answer() -> None:
    answers: dict[int, int | None] = {9: 1}
    assert not PHQ9.score(answers).scored
    assert [f.item for f in risk_findings(PHQ9, answers)] == [9]


def test_high_answers_on_other_phq9_items_are_not_risk_answers() -> None:
    answers = {n: 3 for n in range(1, 9)} | {9: 0}
    assert risk_findings(PHQ9, answers) == ()


def test_core10_item_6_made_plans_to_end_my_life_is_its_risk_item() -> None:
    assert "end my life" in CORE10.item(6).text
    assert [risk.number for risk in CORE10.risk_items] == [6]
    (finding,) = risk_findings(CORE10, {**all_zero("core10"), 6: 1})
    assert (finding.item, finding.answer_label) == (6, "Only occasionally")
    assert risk_findings(CORE10, all_zero("core10")) == ()


@pytest.mark.parametrize("code", ["gad7", "reqol10", "ucla3", "swemwbs", "ons4"])
def test_instruments_without_a_risk_item_never_raise(code: str) -> None:
    instrument = INSTRUMENTS[code]
    assert instrument.risk_items == ()
    highest = {item.number: item.highest for item in instrument.items}
    assert risk_findings(instrument, highest) == ()


def test_an_answer_the_form_could_not_give_is_refused_naming_the_item() -> None:
    with pytest.raises(ValueError, match="item 9"):
        risk_findings(PHQ9, {9: 7})


# Generating these is cheap; on a loaded shared machine Hypothesis's timing health check can
# still fire, which says nothing about the property, so it is switched off (no deadline either).
loaded_machine = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)

phq9_answers = st.fixed_dictionaries(
    {n: st.one_of(st.none(), st.integers(0, 3)) for n in range(1, 10)}
)


@loaded_machine
@given(answers=phq9_answers, item9=st.integers(1, 3))
def test_any_phq9_answer_set_with_item_9_above_zero_raises(
    answers: dict[int, int | None], item9: int
) -> None:
    answers = {**answers, 9: item9}
    findings = risk_findings(PHQ9, answers)
    assert [(f.item, f.answer) for f in findings] == [(9, item9)]


@loaded_machine
@given(answers=phq9_answers)
def test_a_phq9_raises_exactly_when_item_9_is_above_zero(answers: dict[int, int | None]) -> None:
    raised = bool(risk_findings(PHQ9, answers))
    assert raised == ((answers[9] or 0) > 0)
