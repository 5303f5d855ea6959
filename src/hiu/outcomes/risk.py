"""Risk answers: which answers of a questionnaire must raise an alarm (issue 18 point 7).

Each instrument declares its own risk items (``Instrument.risk_items``), with the threshold above
which an answer raises an alarm and the words staff are shown:

- PHQ-9 item 9 (thoughts of being better off dead or of self-harm): any answer above 0.
- CORE-10 item 6 ("I made plans to end my life"): any answer above 0. It is the CORE-10's only
  risk item.
- ReQoL-10 has a statement about life not being worth living, but the form's wording is not
  held here (licence) and the position of that statement on the form was not confirmed in this
  work (see ``hiu.outcomes.reqol10``), so no ReQoL-10 item is declared: flagging a guessed item
  would alarm on the wrong question and stay silent on the right one. The hazard log
  (docs/clinical-safety/hazard-log.md) records this.
- GAD-7, UCLA 3-item, SWEMWBS and ONS4 ask nothing about harm to self.

Findings are worked out from the answers as given, whether or not the questionnaire could be
scored: a risk answer on a form with too many gaps to score is still a risk answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from hiu.outcomes.instruments import Answers, Instrument, check_answers


@dataclass(frozen=True)
class RiskFinding:
    """One risk item answered above its threshold."""

    instrument: str  # the instrument's code
    item: int
    answer: int  # the value as recorded (the option's position on the form)
    answer_label: str  # the option's words, e.g. "More than half the days"
    staff_text: str


def risk_findings(instrument: Instrument, answers: Answers) -> tuple[RiskFinding, ...]:
    """The risk items of ``instrument`` answered above their threshold in ``answers``.

    Answers are checked as ``Instrument.score`` checks them: an item the instrument does not have,
    or a value that is not one of the item's options, raises ValueError naming the item."""
    check_answers(instrument, answers)
    found = []
    for risk in instrument.risk_items:
        value = answers.get(risk.number)
        if value is None or value <= risk.above:
            continue
        item = instrument.item(risk.number)
        label = next(option.label for option in item.options if option.value == value)
        found.append(
            RiskFinding(
                instrument=instrument.code,
                item=risk.number,
                answer=value,
                answer_label=label,
                staff_text=risk.staff_text,
            )
        )
    return tuple(found)
