"""CORE-10: a ten-item measure of psychological distress (000 §4.2 names it for HIU services).

Source: Barkham M, Bewick B, Mullin T, et al. (2013) "The CORE-10: A short measure of
psychological distress for routine use in the psychological therapies", Counselling and
Psychotherapy Research 13(1):3-13, https://doi.org/10.1080/14733145.2012.729069; and the CORE
System Trust's CORE-10 materials, https://www.coresystemtrust.org.uk/.

Scoring: ten items, each 0 ("Not at all") to 4 ("Most or all of the time"). Items 2 ("someone
to turn to") and 3 ("able to cope") are worded positively and are reversed, so 4 means
distress on every item. The total is 0-40; the "clinical score" (mean item score x 10) is the
same number when every item is answered. One missing item may be prorated (mean of the nine
answered x 10, kept to one decimal place); with two or more missing the form is not scored
(CORE System Trust, "What's in a name (1): scoring CORE measures",
https://www.coresystemtrust.org.uk/whats-in-a-name-1-scoring-core-measures/). Bands (the CORE
clinical-score bands used for the CORE-10): healthy 0-5, low 6-10, mild 11-14, moderate 15-19,
moderate-to-severe 20-24, severe 25-40. Clinical cut-off 11 (11 or more is in the clinical
range); reliable change 6 points (Barkham et al. 2013; see docs/outcomes.md for what was and
was not checked against the paper).
"""

from __future__ import annotations

from hiu.outcomes.instruments import (
    Answers,
    Band,
    Instrument,
    Item,
    RiskItem,
    Score,
    options,
    sum_score,
)

_OPTIONS = options(
    "Not at all", "Only occasionally", "Sometimes", "Often", "Most or all of the time"
)

# Item wording as printed on the CORE-10 form; the CORE System Trust licenses it under CC BY-ND
# 4.0, so it is copied here word for word and must not be edited (see ``licence``).
_TEXTS = (
    "I have felt tense, anxious or nervous",
    "I have felt I have someone to turn to for support when needed",
    "I have felt able to cope when things go wrong",
    "Talking to people has felt too much for me",
    "I have felt panic or terror",
    "I made plans to end my life",
    "I have had difficulty getting to sleep or staying asleep",
    "I have felt despairing or hopeless",
    "I have felt unhappy",
    "Unwanted images or memories have been distressing me",
)
REVERSED = frozenset({2, 3})

# The CORE-10 has one risk item, item 6 ("I made plans to end my life"), taken from the CORE-OM's
# risk domain (Barkham et al. 2013 list the CORE-10's items by domain: anxiety, depression,
# trauma, physical, functioning and one risk item). The CORE-OM's other risk items ("I have
# thought of hurting myself", ...) are not on the CORE-10. Any answer above "Not at all" means
# the person reports having made plans to end their life in the last week: the CORE materials
# treat any risk item endorsed as needing review, whatever the total.
RISK_ITEMS = (
    RiskItem(number=6, above=0, staff_text="CORE-10 question 6: made plans to end their life"),
)

BANDS = (
    Band(0, 5, "Healthy"),
    Band(6, 10, "Low"),
    Band(11, 14, "Mild"),
    Band(15, 19, "Moderate"),
    Band(20, 24, "Moderate to severe"),
    Band(25, 40, "Severe"),
)


def _score(instrument: Instrument, answers: Answers) -> Score:
    # One missing item may be prorated; the clinical score is the mean x 10, kept to one
    # decimal place as the CORE materials report it.
    return sum_score(instrument, answers, max_missing=1, rounding=1)


CORE10 = Instrument(
    code="core10",
    name="CORE-10",
    title="Clinical Outcomes in Routine Evaluation 10-item measure",
    instructions=(
        "This form has 10 statements about how you have been over the last week. Please read "
        "each statement and think how often you felt that way last week. Then tick the box "
        "which is closest to this."
    ),
    items=tuple(
        Item(number=i, text=text, options=_OPTIONS, reverse=i in REVERSED)
        for i, text in enumerate(_TEXTS, start=1)
    ),
    higher_is_better=False,
    score_range=(0.0, 40.0),
    reliable_change=6.0,
    clinical_cutoff=11.0,
    manual=(
        "Barkham M, et al. (2013). The CORE-10: a short measure of psychological distress for "
        "routine use in the psychological therapies. Counselling and Psychotherapy Research "
        "13(1):3-13. https://doi.org/10.1080/14733145.2012.729069; CORE System Trust, "
        "https://www.coresystemtrust.org.uk/"
    ),
    licence=(
        "Copyright CORE System Trust. Free to reproduce on paper and in software, without a fee, "
        "under Creative Commons Attribution-NoDerivatives 4.0 (CC BY-ND 4.0): the wording may be "
        "copied but not changed (https://www.coresystemtrust.org.uk/)."
    ),
    scorer=_score,
    bands=BANDS,
    risk_items=RISK_ITEMS,
    change_source="Barkham et al. 2013: reliable change 6 points; clinical cut-off 11.",
)
