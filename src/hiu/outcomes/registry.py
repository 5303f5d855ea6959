"""Every instrument the service can record, in the order the forms list them (DESIGN §8)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from hiu.outcomes.core10 import CORE10
from hiu.outcomes.gad7 import GAD7
from hiu.outcomes.instruments import Instrument
from hiu.outcomes.ons4 import ONS4
from hiu.outcomes.phq9 import PHQ9
from hiu.outcomes.reqol10 import REQOL10
from hiu.outcomes.swemwbs import SWEMWBS
from hiu.outcomes.ucla3 import UCLA3

INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {i.code: i for i in (CORE10, GAD7, PHQ9, REQOL10, UCLA3, SWEMWBS, ONS4)}
)
