"""Plain-English names for the ECDS codes a caseworker reads on a list's attendance sheet.

The tables are ``hiu.codes`` (from the ECDS Enhanced Technical Output Specification code sets
EC_ARRIVAL_MODE and EC_DISCHARGE_DESTINATION). A code not there is shown as the code alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from hiu.codes import table

ARRIVAL_MODES: Mapping[str, str] = table("arrival_mode")
DISCHARGE_DESTINATIONS: Mapping[str, str] = table("discharge_destination")
