"""Fixtures for the evaluation tests: three simulated populations with known effects.

The validation (DESIGN §7: "validated on simulated populations whose true effect is known")
uses one population of 60,000 adults over three years (seed 61, chosen before any result was
seen), simulated three times with true effects 0, 0.2 and 0.4: the files differ only in the
engaged clients' events after engagement (``hiu.synth.service``). Each is imported into a real
store and evaluated once per session with the rightcare rule set, as a service would.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from evaluate_support import EFFECTS, VALIDATION_SEED, Validated, import_extracts

from hiu.evaluate.cohort import read_cohort
from hiu.evaluate.run import evaluate
from hiu.identify.rules import load_rules
from hiu.synth.simulate import SynthSpec, synthesise


@pytest.fixture(scope="session")
def validated(tmp_path_factory: pytest.TempPathFactory) -> dict[float, Validated]:
    out: dict[float, Validated] = {}
    rules = load_rules("rightcare")
    for effect in EFFECTS:
        folder = tmp_path_factory.mktemp(f"effect-{effect}")
        spec = SynthSpec(
            adults=60_000,
            years=3,
            start=date(2023, 1, 1),
            seed=VALIDATION_SEED,
            true_effect=effect,
        )
        synthesise(spec, folder, jobs=1)
        store = import_extracts(folder)
        truth = json.loads((folder / "truth.json").read_text())
        evaluation = evaluate(store, read_cohort(folder / "cohort.csv"), rules)
        out[effect] = Validated(folder, store, truth, evaluation)
    return out
