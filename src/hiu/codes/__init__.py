"""Words for the codes the extracts carry: a code system's table is a CSV beside this module
(``code,description``), so a site can read and check it without reading Python.

Sources (docs/sources.md, "Code descriptions"): the ECDS Enhanced Technical Output
Specification code sets for arrival mode, acuity and discharge destination; the NHS Data
Dictionary for EMERGENCY CARE ATTENDANCE CATEGORY and ADMISSION METHOD; SNOMED CT UK edition
preferred terms for the chief complaints and diagnoses the synthetic extracts use. A code that is
not in its table is shown as the code, marked "(unknown code)", never guessed.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

#: The code systems, each the name of its CSV file.
SYSTEMS = (
    "arrival_mode",
    "attendance_category",
    "admission_method",
    "discharge_destination",
    "acuity",
    "snomed_presentation",
)
UNKNOWN = "(unknown code)"


@functools.cache
def table(system: str) -> Mapping[str, str]:
    """The system's codes and their descriptions."""
    if system not in SYSTEMS:
        raise KeyError(system)
    text = resources.files(__package__).joinpath(f"{system}.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return MappingProxyType({row["code"].strip(): row["description"].strip() for row in rows})


def description(system: str, code: object) -> str | None:
    """The code's description, or None when the table does not have it."""
    if code is None:
        return None
    return table(system).get(str(code).strip())


def describe(system: str, code: object) -> str:
    """What a page shows for the code: its description, "1048071000000103 (unknown code)" for a
    code the table does not have, and "" for no code at all."""
    if code is None or not str(code).strip():
        return ""
    found = description(system, code)
    return found if found is not None else f"{str(code).strip()} {UNKNOWN}"
