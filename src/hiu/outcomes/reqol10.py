"""ReQoL-10: the ten-item Recovering Quality of Life measure (001 §7 names it for HIU services).

Sources: Keetharuth AD, Brazier J, Connell J, et al. (2018) "Recovering Quality of Life (ReQoL):
a new generic self-reported outcome measure for use with people experiencing mental health
difficulties", Br J Psychiatry 212(1):42-49, https://doi.org/10.1192/bjp.2017.10; and the ReQoL
user manual (Keetharuth et al., University of Sheffield), https://www.reqol.org.uk/.

Scoring: ten items, each answered "None of the time" (0) to "Most or all of the time" (4).
Positively worded items score 0-4 as answered; negatively worded items are reversed, so 4 is
always the best; the total is 0-40 and higher is better. The separate physical-health item is
not part of the total and is not held here.

The ten statements are four negatively worded ones (difficulty getting started with everyday
tasks, feeling unable to cope, thinking life was not worth living, feeling lonely) and six
positively worded ones (Keetharuth et al. 2019, "Public involvement in the development of the
ReQoL measures", Health Qual Life Outcomes, table 2, https://doi.org/10.1186/s12955-019-1123-z).
Their positions on the form (1, 3, 6 and 9 negative) follow the published ReQoL-10 form as we
know it but were not checked against a licensed copy in this work: check ``NEGATIVE`` against
the form before first use. No score is given with a missing item, a cut-off of 24 (24 or less
is the clinical range) and reliable change of 5 points are the manual's figures as we
understand them and are listed as unconfirmed in docs/outcomes.md.
"""

from __future__ import annotations

from hiu.outcomes.instruments import Answers, Band, Instrument, Item, Score, options, sum_score

_OPTIONS = options(
    "None of the time", "Only occasionally", "Sometimes", "Often", "Most or all of the time"
)

# The negatively worded items (reversed so that a higher score is always better).
NEGATIVE = frozenset({1, 3, 6, 9})

# ReQoL's wording may only be used under a licence from its owners, so the form shows item
# numbers and the person answers from their registered copy (see ``licence``).
_TEXT = "ReQoL-10 question {n} (wording from your licensed copy of the ReQoL-10)"

BANDS = (
    Band(0, 24, "Clinical range"),
    Band(25, 40, "Non-clinical range"),
)


def _score(instrument: Instrument, answers: Answers) -> Score:
    return sum_score(instrument, answers, max_missing=0)


REQOL10 = Instrument(
    code="reqol10",
    name="ReQoL-10",
    title="Recovering Quality of Life 10-item measure",
    instructions=(
        "Please answer each question from your ReQoL-10 form by choosing how often you have "
        "felt that way over the last week."
    ),
    items=tuple(
        Item(number=n, text=_TEXT.format(n=n), options=_OPTIONS, reverse=n in NEGATIVE)
        for n in range(1, 11)
    ),
    higher_is_better=True,
    score_range=(0.0, 40.0),
    reliable_change=5.0,
    clinical_cutoff=24.0,
    manual=(
        "Keetharuth AD, et al. (2018). Recovering Quality of Life (ReQoL): a new generic "
        "self-reported outcome measure for use with people experiencing mental health "
        "difficulties. Br J Psychiatry 212(1):42-49. https://doi.org/10.1192/bjp.2017.10; "
        "ReQoL user manual, https://www.reqol.org.uk/"
    ),
    licence=(
        "Copyright University of Sheffield. Free for non-commercial use once registered with "
        "Oxford University Innovation (https://www.reqol.org.uk/); the item wording is not "
        "reproduced here."
    ),
    scorer=_score,
    bands=BANDS,
    change_source="ReQoL user manual: reliable change 5 points; clinical cut-off 24.",
)
