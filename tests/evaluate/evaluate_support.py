"""Support for the evaluation tests: stores made from text, and the validation populations."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hiu.ingest.pipeline import import_file
from hiu.schemas import KINDS
from hiu.store.store import Store
from hiu.synth.nhs_number import synthetic_nhs_numbers

VALIDATION_SEED = 61
EFFECTS = (0.0, 0.2, 0.4)
#: Valid NHS numbers (modulus 11) for hand-made stores, in order.
NUMBERS = [str(n) for n in synthetic_nhs_numbers(np.arange(40, dtype=np.int64), 0)]


@dataclass(frozen=True)
class Validated:
    folder: Path
    store: Store
    truth: dict[str, Any]
    evaluation: dict[str, Any]


def import_extracts(folder: Path) -> Store:
    """Import every extract ``hiu synth`` wrote in ``folder`` into a store beside them."""
    store = Store(folder / "store")
    for kind in KINDS:
        result = import_file(store, kind, folder / f"{kind}.csv", imported_by="test")
        assert result.manifest.rejected == 0, kind
    return store


def text_store(folder: Path, **extracts: str) -> Store:
    """A real store from CSV texts by kind (``people="..."``, ``ed_attendances="..."``),
    each imported as a file, as ``hiu import`` would."""
    store = Store(folder / "store")
    for kind, text in extracts.items():
        path = folder / f"{kind}.csv"
        path.write_text(textwrap.dedent(text).strip() + "\n")
        result = import_file(store, kind, path, imported_by="test")
        assert result.manifest.rejected == 0, f"{kind}: {result.manifest.rejected} rejected"
    return store
