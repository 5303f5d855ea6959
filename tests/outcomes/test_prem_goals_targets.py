"""PREM scoring (FFT-style headline), goal-based outcomes (Law and Jacob) and the BRC targets."""

from __future__ import annotations

import pytest

from hiu.outcomes import targets
from hiu.outcomes.goals import RELIABLE_CHANGE, score_goal_ratings
from hiu.outcomes.prem import DEFAULT_PREM, score_prem


def test_default_prem_has_one_fft_headline() -> None:
    headlines = [q for q in DEFAULT_PREM if q.headline]
    assert len(headlines) == 1
    overall = headlines[0]
    assert overall.text == "Overall, how was your experience of our service?"
    assert [o.label for o in overall.options] == [
        "Very good",
        "Good",
        "Neither good nor poor",
        "Poor",
        "Very poor",
        "Don't know",
    ]
    assert {o.label for o in overall.options if o.value in overall.positive_values} == {
        "Very good",
        "Good",
    }


@pytest.mark.parametrize(("answer", "positive"), [(1, True), (2, True), (3, False), (6, False)])
def test_positive_experience_is_decided_by_the_headline(answer: int, positive: bool) -> None:
    result = score_prem(DEFAULT_PREM, {"overall": answer, "listened": 3, "contact": 2})
    assert result.positive is positive
    assert result.headline_answer == answer
    assert result.answered == 3


def test_positive_share_counts_answered_questions_only() -> None:
    result = score_prem(DEFAULT_PREM, {"overall": 1, "listened": 1, "involved": 3, "contact": None})
    assert result.answered == 3
    assert result.positive_share == pytest.approx(2 / 3)


def test_no_headline_answer_means_unknown_not_negative() -> None:
    result = score_prem(DEFAULT_PREM, {"listened": 1})
    assert result.positive is None
    assert score_prem(DEFAULT_PREM, {}).positive_share is None


def test_prem_rejects_unknown_questions_and_answers() -> None:
    with pytest.raises(ValueError, match="'overall'"):
        score_prem(DEFAULT_PREM, {"overall": 7})
    with pytest.raises(ValueError, match="'mood'"):
        score_prem(DEFAULT_PREM, {"mood": 1})
    with pytest.raises(ValueError, match="headline"):
        score_prem(tuple(q for q in DEFAULT_PREM if not q.headline), {})


def test_goal_reliable_change_threshold_is_the_guidance_figure() -> None:
    assert RELIABLE_CHANGE == 2.45
    # Ratings are whole numbers: 3 points is reliable, 2 is not.
    at = score_goal_ratings(2, 5)
    assert at.progressed
    assert at.reliable
    assert at.difference == 3
    below = score_goal_ratings(2, 4)
    assert below.progressed
    assert not below.reliable
    assert score_goal_ratings(6, 3).reliable
    assert not score_goal_ratings(6, 3).progressed


def test_goal_with_no_movement_has_not_progressed() -> None:
    same = score_goal_ratings(4, 4)
    assert not same.progressed
    assert not same.reliable
    assert same.description == "No movement"


@pytest.mark.parametrize(("first", "latest"), [(-1, 5), (0, 11), (3.5, 4)])
def test_goal_ratings_must_be_whole_numbers_from_0_to_10(first: object, latest: object) -> None:
    with pytest.raises(ValueError, match="0 to 10"):
        score_goal_ratings(first, latest)  # type: ignore[arg-type]


def test_brc_targets() -> None:
    assert targets.LESS_LONELY == 0.66
    assert targets.BETTER_WELLBEING == 0.66
    assert targets.POSITIVE_EXPERIENCE == 0.80
    assert targets.PROGRESSING_GOAL == 0.90
    assert {t.ref for t in targets.TARGETS.values()} == {"2.1", "2.2", "3.1", "5.2"}
    for target in targets.TARGETS.values():
        assert target.definition
        assert "002" in target.source
