"""GAD-7: the seven-item Generalized Anxiety Disorder scale (001 §7 names it for HIU services).

Sources: Spitzer RL, Kroenke K, Williams JBW, Löwe B (2006) "A brief measure for assessing
generalized anxiety disorder: the GAD-7", Arch Intern Med 166(10):1092-1097,
https://doi.org/10.1001/archinte.166.10.1092; the PHQ instruction manual
(https://www.phqscreeners.com/); and the NHS Talking Therapies manual.

Scoring: seven items 0-3, total 0-21. Bands (Spitzer 2006): minimal 0-4, mild 5-9, moderate
10-14, severe 15-21. Reliable change 4 points (Talking Therapies). Cut-off: see
``clinical_cutoff`` below for which one is used and why.
"""

from __future__ import annotations

from hiu.outcomes import phq_gad
from hiu.outcomes.instruments import Answers, Band, Instrument, Item, Score, sum_score

_TEXTS = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)

BANDS = (
    Band(0, 4, "Minimal"),
    Band(5, 9, "Mild"),
    Band(10, 14, "Moderate"),
    Band(15, 21, "Severe"),
)

# One missing item may be prorated (mean of the six answered x 7, rounded to a whole number);
# two or more: not scored. We could not confirm a GAD-7 rule in the Talking Therapies manual, so
# this is the conservative choice (about 15% of items, close to CORE's 10% rule); see
# docs/outcomes.md.
MAX_MISSING = 1

# HIU services sit alongside NHS Talking Therapies and report to the NHS, so "in the clinical
# range" uses the Talking Therapies caseness threshold of 8 rather than Spitzer 2006's screening
# cut-off of 10; the bands above stay Spitzer's.
CLINICAL_CUTOFF = 8.0


def _score(instrument: Instrument, answers: Answers) -> Score:
    return sum_score(instrument, answers, max_missing=MAX_MISSING, rounding=0)


GAD7 = Instrument(
    code="gad7",
    name="GAD-7",
    title="Generalised Anxiety Disorder 7-item scale",
    instructions=phq_gad.STEM,
    items=tuple(
        Item(number=i, text=text, options=phq_gad.OPTIONS) for i, text in enumerate(_TEXTS, 1)
    ),
    higher_is_better=False,
    score_range=(0.0, 21.0),
    reliable_change=4.0,
    clinical_cutoff=CLINICAL_CUTOFF,
    manual=(
        "Spitzer RL, Kroenke K, Williams JBW, Löwe B (2006). A brief measure for assessing "
        "generalized anxiety disorder: the GAD-7. Arch Intern Med 166(10):1092-1097. "
        "https://doi.org/10.1001/archinte.166.10.1092; " + phq_gad.TALKING_THERAPIES_MANUAL
    ),
    licence=phq_gad.LICENCE,
    scorer=_score,
    bands=BANDS,
    change_source=(
        "NHS Talking Therapies manual: reliable change 4 points; caseness 8 or more "
        "(Spitzer 2006's screening cut-off is 10)."
    ),
)
