"""What the PHQ-9 and GAD-7 share: the response options, the stem and the licence.

Both come from the PHQ family (Spitzer, Williams, Kroenke and colleagues, developed with an
educational grant from Pfizer Inc.): "No permission required to reproduce, translate, display
or distribute" (https://www.phqscreeners.com/). The item wording used here is the published
English wording.
"""

from __future__ import annotations

from hiu.outcomes.instruments import options

OPTIONS = options("Not at all", "Several days", "More than half the days", "Nearly every day")

STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"

LICENCE = (
    "PHQ screeners (Spitzer, Williams, Kroenke and colleagues; educational grant from Pfizer "
    "Inc.): no permission is required to reproduce, translate, display or distribute them "
    "(https://www.phqscreeners.com/)."
)

# NHS Talking Therapies (formerly IAPT) manual: the national standard for whether a person is
# in the clinical range ("caseness") and what counts as reliable change.
TALKING_THERAPIES_MANUAL = (
    "NHS England (2024). NHS Talking Therapies for anxiety and depression manual, version 7.1, "
    "and its measures appendix. https://www.england.nhs.uk/publication/"
    "the-improving-access-to-psychological-therapies-manual/"
)
