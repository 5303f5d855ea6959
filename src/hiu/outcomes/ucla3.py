"""The three-item UCLA loneliness scale (Hughes et al. 2004), the ONS recommended measure.

Sources: Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT (2004) "A short scale for measuring
loneliness in large surveys", Research on Aging 26(6):655-672,
https://doi.org/10.1177/0164027504268574; Office for National Statistics (2018) "Measuring
loneliness: guidance for use of the national indicators on surveys",
https://www.ons.gov.uk/peoplepopulationandcommunity/wellbeing/methodologies/measuringlonelinessguidanceforuseofthenationalindicatorsonsurveys

Scoring: three items, "Hardly ever or never" 1, "Some of the time" 2, "Often" 3; total 3-9,
higher is lonelier. The items and response options are the ONS's recommended adult measures.
Bands: totals of 3-5 and 6-9, the split commonly used to report the scale (we did not find it
in the ONS guidance itself). No score if any item is missing: the scale is a sum of three.
"""

from __future__ import annotations

from hiu.outcomes.instruments import Answers, Band, Instrument, Item, Score, options, sum_score

_OPTIONS = options("Hardly ever or never", "Some of the time", "Often", start=1)

_TEXTS = (
    "How often do you feel that you lack companionship?",
    "How often do you feel left out?",
    "How often do you feel isolated from others?",
)

BANDS = (
    Band(3, 5, "Less lonely (3 to 5)"),
    Band(6, 9, "More lonely (6 to 9)"),
)


def _score(instrument: Instrument, answers: Answers) -> Score:
    return sum_score(instrument, answers, max_missing=0)


UCLA3 = Instrument(
    code="ucla3",
    name="UCLA-3",
    title="Three-item UCLA Loneliness Scale",
    instructions="The next questions are about how you feel about different aspects of your life.",
    items=tuple(
        Item(number=i, text=text, options=_OPTIONS) for i, text in enumerate(_TEXTS, start=1)
    ),
    higher_is_better=False,
    score_range=(3.0, 9.0),
    reliable_change=None,
    clinical_cutoff=None,
    manual=(
        "Hughes ME, et al. (2004). A short scale for measuring loneliness in large surveys. "
        "Research on Aging 26(6):655-672. https://doi.org/10.1177/0164027504268574; ONS (2018) "
        "Measuring loneliness: guidance for use of the national indicators on surveys."
    ),
    licence=(
        "Published scale (Hughes et al. 2004) recommended by the ONS for national surveys; the "
        "ONS guidance is Crown copyright under the Open Government Licence."
    ),
    scorer=_score,
    bands=BANDS,
    change_source="No reliable change or clinical cut-off is published for the 3-item scale.",
)
