"""Plain-English names for the ECDS codes a caseworker reads on a list's attendance sheet.

From the ECDS Enhanced Technical Output Specification code sets (EC_ARRIVAL_MODE and
EC_DISCHARGE_DESTINATION). A code not here is shown as the code alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

ARRIVAL_MODES: Mapping[str, str] = MappingProxyType(
    {
        "1048071000000103": "Own transport",
        "1048061000000105": "Public transport",
        "1048031000000100": "Emergency road ambulance",
        "1048041000000109": "Emergency road ambulance with medical escort",
        "1048001000000106": "Police transport",
        "1047991000000102": "Prison transport",
    }
)

DISCHARGE_DESTINATIONS: Mapping[str, str] = MappingProxyType(
    {
        "306689006": "Home",
        "306706006": "Admitted to a ward",
        "1066391000000105": "Intensive care",
        "1066371000000106": "Coronary care",
        "1066361000000104": "High dependency care",
        "1066341000000100": "Ambulatory emergency care",
        "306694006": "Nursing home",
        "306691003": "Residential home",
        "306705005": "Police custody",
        "19712007": "Transferred to another health care facility",
        "305398007": "Died in the department",
    }
)
