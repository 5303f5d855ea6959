"""PHQ-9: the nine-item depression module of the Patient Health Questionnaire.

Sources: Kroenke K, Spitzer RL, Williams JBW (2001) "The PHQ-9: validity of a brief depression
severity measure", J Gen Intern Med 16(9):606-613, https://doi.org/10.1046/j.1525-1497.2001.016009606.x;
the PHQ instruction manual (Pfizer, https://www.phqscreeners.com/); and the NHS Talking
Therapies manual for reliable change.

Scoring: nine items 0 ("Not at all") to 3 ("Nearly every day"), total 0-27. Severity bands
(Kroenke 2001): none-minimal 0-4, mild 5-9, moderate 10-14, moderately severe 15-19, severe
20-27. Cut-off 10 (Kroenke 2001; also the Talking Therapies caseness threshold). Reliable change
6 points (Talking Therapies). Missing items: see ``MAX_MISSING``.
"""

from __future__ import annotations

from hiu.outcomes import phq_gad
from hiu.outcomes.instruments import (
    Answers,
    Band,
    Instrument,
    Item,
    RiskItem,
    Score,
    sum_score,
)

_TEXTS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself, or that you are a failure or have let yourself or your "
    "family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite, "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)

BANDS = (
    Band(0, 4, "None to minimal"),
    Band(5, 9, "Mild"),
    Band(10, 14, "Moderate"),
    Band(15, 19, "Moderately severe"),
    Band(20, 27, "Severe"),
)

# Up to two missing items are prorated (mean of the answered items x 9), rounded half up to a
# whole number; three or more missing: not scored. This is the rule usually attributed to the
# PHQ instructions; we could not confirm it in the PHQ manual or the Talking Therapies manual in
# this work (see docs/outcomes.md).
MAX_MISSING = 2

# Item 9 asks about thoughts of being better off dead or of self-harm. Any answer above "Not at
# all" (0) is a positive answer that needs a clinician's follow-up the same day: the PHQ
# instruction manual says a positive item 9 should be followed up whatever the total (Kroenke
# 2001 and the PHQ instructions; NICE CG90 asks for direct enquiry about suicidal ideation).
RISK_ITEMS = (
    RiskItem(
        number=9,
        above=0,
        staff_text="PHQ-9 question 9: thoughts of being better off dead or of self-harm",
    ),
)


def _score(instrument: Instrument, answers: Answers) -> Score:
    return sum_score(instrument, answers, max_missing=MAX_MISSING, rounding=0)


PHQ9 = Instrument(
    code="phq9",
    name="PHQ-9",
    title="Patient Health Questionnaire 9-item depression scale",
    instructions=phq_gad.STEM,
    items=tuple(
        Item(number=i, text=text, options=phq_gad.OPTIONS) for i, text in enumerate(_TEXTS, 1)
    ),
    higher_is_better=False,
    score_range=(0.0, 27.0),
    reliable_change=6.0,
    clinical_cutoff=10.0,
    manual=(
        "Kroenke K, Spitzer RL, Williams JBW (2001). The PHQ-9: validity of a brief depression "
        "severity measure. J Gen Intern Med 16(9):606-613. "
        "https://doi.org/10.1046/j.1525-1497.2001.016009606.x; PHQ instruction manual, "
        "https://www.phqscreeners.com/; " + phq_gad.TALKING_THERAPIES_MANUAL
    ),
    licence=phq_gad.LICENCE,
    scorer=_score,
    bands=BANDS,
    risk_items=RISK_ITEMS,
    change_source=(
        "NHS Talking Therapies manual: reliable change 6 points; caseness 10 or more "
        "(the same as Kroenke 2001's cut-off)."
    ),
)
