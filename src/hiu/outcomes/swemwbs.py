"""SWEMWBS: the Short Warwick-Edinburgh Mental Wellbeing Scale (BRC KPI 2.2, 002 EK-F).

Sources: Stewart-Brown S, Tennant A, Tennant R, et al. (2009) "Internal construct validity of the
Warwick-Edinburgh Mental Well-being Scale (WEMWBS): a Rasch analysis using data from the
Scottish Health Education Population Survey", Health Qual Life Outcomes 7:15,
https://doi.org/10.1186/1477-7525-7-15; Warwick Medical School, "Guidance on scoring"
and the SWEMWBS conversion table,
https://warwick.ac.uk/fac/med/research/platform/wemwbs/researchers/guidance/

Scoring: seven items, "None of the time" 1 to "All of the time" 5. The raw sum (7-35) is
converted to a metric score with the Rasch conversion table below, and the metric score is the
SWEMWBS score. No score when any item is missing (the table is defined only for complete raw
sums, so there is nothing to prorate). Bands and meaningful change: see ``BANDS`` and
``RELIABLE_CHANGE``.
"""

from __future__ import annotations

from types import MappingProxyType

from hiu.outcomes.instruments import (
    Answers,
    Band,
    Instrument,
    Item,
    Score,
    answered_values,
    band_for,
    not_scored,
    options,
)

_OPTIONS = options(
    "None of the time", "Rarely", "Some of the time", "Often", "All of the time", start=1
)

# SWEMWBS wording may only be used under a licence from Warwick, so the form shows item numbers
# and the person answers from the registered copy (see ``licence``).
_TEXT = "SWEMWBS statement {n} (wording from your licensed copy of SWEMWBS)"

# Raw sum -> metric score (Warwick Medical School's SWEMWBS conversion table).
CONVERSION: MappingProxyType[int, float] = MappingProxyType(
    {
        7: 7.00,
        8: 9.51,
        9: 11.25,
        10: 12.40,
        11: 13.33,
        12: 14.08,
        13: 14.75,
        14: 15.32,
        15: 15.84,
        16: 16.36,
        17: 16.88,
        18: 17.43,
        19: 17.98,
        20: 18.59,
        21: 19.25,
        22: 19.98,
        23: 20.73,
        24: 21.54,
        25: 22.35,
        26: 23.21,
        27: 24.11,
        28: 25.03,
        29: 26.02,
        30: 27.03,
        31: 28.13,
        32: 29.31,
        33: 30.70,
        34: 32.55,
        35: 35.00,
    }
)

# Warwick Medical School's interpretation of SWEMWBS metric scores, benchmarked against the
# PHQ-9: probable depression 7-17, possible depression 18-20, average 21-27, high 28-35. Metric
# scores carry decimals, so each band starts at its lower figure: 17.98 is below 18 and so in
# the first band, 20.73 is in the second, 27.03 in the third.
BANDS = (
    Band(7, 17, "Probable depression range"),
    Band(18, 20, "Possible depression range"),
    Band(21, 27, "Average wellbeing"),
    Band(28, 35, "High wellbeing"),
)

# Meaningful change for one person: Shah et al. (2018) find that a change of between 1 and 3
# points is statistically important depending on the standard (1 SEM = 1.03 points; 2.77 SEM, the
# reliable change standard, = 2.87 points). We use 3 points, the top of that range, so that a
# "reliable" change is never one the study would call within measurement error.
RELIABLE_CHANGE = 3.0


def _score(instrument: Instrument, answers: Answers) -> Score:
    values = answered_values(instrument, answers)
    answered = len(values)
    if answered < len(instrument.items):
        return not_scored(
            instrument,
            answered,
            f"{len(instrument.items) - answered} of 7 statements were not answered; SWEMWBS "
            "is only scored when all seven are answered.",
        )
    raw = sum(values.values())
    metric = CONVERSION[raw]
    return Score(
        instrument=instrument.code,
        total=metric,
        band=band_for(instrument.bands, metric),
        answered=answered,
        missing=0,
        prorated=False,
        raw_total=float(raw),
    )


SWEMWBS = Instrument(
    code="swemwbs",
    name="SWEMWBS",
    title="Short Warwick-Edinburgh Mental Wellbeing Scale",
    instructions=(
        "Below are some statements about feelings and thoughts. Please choose the answer that "
        "best describes your experience of each over the last 2 weeks."
    ),
    items=tuple(Item(number=n, text=_TEXT.format(n=n), options=_OPTIONS) for n in range(1, 8)),
    higher_is_better=True,
    score_range=(7.0, 35.0),
    reliable_change=RELIABLE_CHANGE,
    clinical_cutoff=None,
    manual=(
        "Stewart-Brown S, et al. (2009). Internal construct validity of the Warwick-Edinburgh "
        "Mental Well-being Scale (WEMWBS): a Rasch analysis. Health Qual Life Outcomes 7:15. "
        "https://doi.org/10.1186/1477-7525-7-15; Warwick Medical School, WEMWBS guidance on "
        "scoring, https://warwick.ac.uk/fac/med/research/platform/wemwbs/researchers/guidance/"
    ),
    licence=(
        "SWEMWBS (c) NHS Health Scotland, University of Warwick and University of Edinburgh. "
        "Free for non-commercial use once registered with Warwick Medical School "
        "(https://warwick.ac.uk/fac/med/research/platform/wemwbs/); the item wording is not "
        "reproduced here."
    ),
    scorer=_score,
    bands=BANDS,
    change_source=(
        "Shah N, et al. (2018) Responsiveness of the Short Warwick Edinburgh Mental Well-Being "
        "Scale (SWEMWBS): evaluation a clinical sample. Health Qual Life Outcomes 16:239, "
        "https://doi.org/10.1186/s12955-018-1060-2: 1 to 3 points; 3 used."
    ),
)
