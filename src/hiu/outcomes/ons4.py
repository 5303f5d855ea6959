"""ONS4: the Office for National Statistics' four personal well-being questions (BRC KPI 2.2).

Source: Office for National Statistics, "Personal well-being user guidance" (2018, updated),
https://www.ons.gov.uk/peoplepopulationandcommunity/wellbeing/methodologies/personalwellbeingsurveyuserguide

Four questions, each 0 ("not at all") to 10 ("completely"); they are reported separately and
never added up. ONS thresholds: life satisfaction, worthwhile and happiness low 0-4, medium 5-6,
high 7-8, very high 9-10; anxiety very low 0-1, low 2-3, medium 4-5, high 6-10.
"""

from __future__ import annotations

from types import MappingProxyType

from hiu.outcomes.instruments import (
    Answers,
    Band,
    Instrument,
    Item,
    Option,
    Score,
    band_for,
    not_scored,
)

_OPTIONS = tuple(
    Option(v, f"{v} - {'not at all' if v == 0 else 'completely' if v == 10 else ''}".rstrip(" -"))
    for v in range(11)
)

SATISFIED, WORTHWHILE, HAPPY, ANXIOUS = "satisfied", "worthwhile", "happy", "anxious"
KEYS = (SATISFIED, WORTHWHILE, HAPPY, ANXIOUS)
HEADLINE = SATISFIED  # ``compare`` reports change in life satisfaction

POSITIVE_BANDS = (
    Band(0, 4, "Low"),
    Band(5, 6, "Medium"),
    Band(7, 8, "High"),
    Band(9, 10, "Very high"),
)
ANXIETY_BANDS = (
    Band(0, 1, "Very low"),
    Band(2, 3, "Low"),
    Band(4, 5, "Medium"),
    Band(6, 10, "High"),
)
PART_BANDS = MappingProxyType(
    {
        SATISFIED: POSITIVE_BANDS,
        WORTHWHILE: POSITIVE_BANDS,
        HAPPY: POSITIVE_BANDS,
        ANXIOUS: ANXIETY_BANDS,
    }
)

_TEXTS = (
    (SATISFIED, "Overall, how satisfied are you with your life nowadays?"),
    (
        WORTHWHILE,
        "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
    ),
    (HAPPY, "Overall, how happy did you feel yesterday?"),
    (
        ANXIOUS,
        "On a scale where 0 is 'not at all anxious' and 10 is 'completely anxious', "
        "overall, how anxious did you feel yesterday?",
    ),
)


def _score(instrument: Instrument, answers: Answers) -> Score:
    parts: dict[str, float | None] = {}
    part_bands: dict[str, str | None] = {}
    for item in instrument.items:
        value = answers.get(item.number)
        parts[item.key] = None if value is None else float(value)
        part_bands[item.key] = None if value is None else band_for(PART_BANDS[item.key], value)
    answered = sum(v is not None for v in parts.values())
    if answered == 0:
        return not_scored(instrument, 0, "None of the four questions was answered.")
    return Score(
        instrument=instrument.code,
        total=None,
        band=None,
        answered=answered,
        missing=len(instrument.items) - answered,
        prorated=False,
        raw_total=None,
        parts=MappingProxyType(parts),
        part_bands=MappingProxyType(part_bands),
    )


ONS4 = Instrument(
    code="ons4",
    name="ONS4",
    title="ONS personal well-being questions",
    instructions=(
        "Next I would like to ask you four questions about your feelings on aspects of your "
        "life. There are no right or wrong answers. For each of these questions I'd like you to "
        "give an answer on a scale of 0 to 10, where 0 is 'not at all' and 10 is 'completely'."
    ),
    items=tuple(
        Item(number=i, text=text, options=_OPTIONS, key=key)
        for i, (key, text) in enumerate(_TEXTS, start=1)
    ),
    higher_is_better=True,
    score_range=(0.0, 10.0),
    reliable_change=None,
    clinical_cutoff=None,
    manual=(
        "Office for National Statistics. Personal well-being user guidance. "
        "https://www.ons.gov.uk/peoplepopulationandcommunity/wellbeing/methodologies/"
        "personalwellbeingsurveyuserguide"
    ),
    licence="Crown copyright, Office for National Statistics; Open Government Licence v3.0.",
    scorer=_score,
    bands=POSITIVE_BANDS,
    change_source="ONS publishes no reliable-change figure for an individual's answers.",
)
