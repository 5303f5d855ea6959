"""The clinical safety hazard log (docs/clinical-safety/hazard-log.md) names, for each control,
the test that proves it: every `file::name` it names must be a test that exists, and every
hazard the issue asks for must be in it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.md"


def named_tests() -> list[tuple[str, str]]:
    return re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", LOG.read_text())


def test_every_test_the_hazard_log_names_exists() -> None:
    named = named_tests()
    assert len(named) >= 20
    for path, name in named:
        tree = ast.parse((ROOT / path).read_text())
        functions = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert name in functions, f"{path}::{name}"


def test_the_log_holds_the_hazards_the_issue_names() -> None:
    text = LOG.read_text().lower()
    for hazard in (
        "risk answer",
        "wrong client",
        "not yet imported",
        "no case manager",
        "first-contact clock",
    ):
        assert hazard in text
