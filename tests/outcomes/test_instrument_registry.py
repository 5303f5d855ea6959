"""What every instrument shares: the registry, item numbering, answer checking (DESIGN §8)."""

from __future__ import annotations

import pytest

from hiu.outcomes import INSTRUMENTS, Instrument

CODES = ["core10", "gad7", "phq9", "reqol10", "ucla3", "swemwbs", "ons4"]


def test_the_registry_lists_the_seven_instruments_in_form_order() -> None:
    assert list(INSTRUMENTS) == CODES
    assert all(INSTRUMENTS[code].code == code for code in CODES)


@pytest.mark.parametrize(
    ("code", "n_items", "lowest", "highest"),
    [
        ("core10", 10, 0, 4),
        ("gad7", 7, 0, 3),
        ("phq9", 9, 0, 3),
        ("reqol10", 10, 0, 4),
        ("ucla3", 3, 1, 3),
        ("swemwbs", 7, 1, 5),
        ("ons4", 4, 0, 10),
    ],
)
def test_items_are_numbered_from_one_with_the_manuals_response_range(
    code: str, n_items: int, lowest: int, highest: int
) -> None:
    instrument = INSTRUMENTS[code]
    assert [item.number for item in instrument.items] == list(range(1, n_items + 1))
    for item in instrument.items:
        assert [o.value for o in item.options] == list(range(lowest, highest + 1))
        assert all(o.label for o in item.options)
        assert item.text


@pytest.mark.parametrize("instrument", INSTRUMENTS.values(), ids=CODES)
def test_every_instrument_cites_its_manual_and_licence(instrument: Instrument) -> None:
    assert "http" in instrument.manual
    assert instrument.licence
    assert instrument.instructions


@pytest.mark.parametrize("instrument", INSTRUMENTS.values(), ids=CODES)
def test_an_answer_outside_the_options_is_rejected_naming_the_item(
    instrument: Instrument,
) -> None:
    last = instrument.items[-1]
    for bad in (last.highest + 1, last.lowest - 1):
        answers = {item.number: item.lowest for item in instrument.items}
        answers[last.number] = bad
        with pytest.raises(ValueError, match=rf"item {last.number}\b") as caught:
            instrument.score(answers)
        # The value itself never reaches the message (it is a patient's answer).
        assert str(bad) not in str(caught.value).replace(str(last.number), "")


@pytest.mark.parametrize("instrument", INSTRUMENTS.values(), ids=CODES)
def test_an_item_number_the_instrument_does_not_have_is_rejected(instrument: Instrument) -> None:
    missing_number = len(instrument.items) + 1
    with pytest.raises(ValueError, match=rf"no item {missing_number}"):
        instrument.score({missing_number: instrument.items[0].lowest})


def test_a_boolean_is_not_an_answer() -> None:
    with pytest.raises(ValueError, match="item 1"):
        INSTRUMENTS["phq9"].score({1: True})


@pytest.mark.parametrize("instrument", INSTRUMENTS.values(), ids=CODES)
def test_an_empty_form_is_not_scored_and_says_why(instrument: Instrument) -> None:
    score = instrument.score({})
    assert not score.scored
    assert score.total is None
    assert score.band is None
    assert score.answered == 0
    assert score.missing == len(instrument.items)
    assert score.reason


@pytest.mark.parametrize("instrument", INSTRUMENTS.values(), ids=CODES)
def test_none_counts_as_missing(instrument: Instrument) -> None:
    assert instrument.score({item.number: None for item in instrument.items}) == instrument.score(
        {}
    )
