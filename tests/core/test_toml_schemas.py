"""The JSON Schemas published for editors (docs/schemas) are the loaders' own models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hiu.toml_schemas import main, schemas

DOCS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


@pytest.mark.parametrize("name", sorted(schemas()))
def test_the_committed_schema_is_the_models(name: str) -> None:
    committed = (DOCS / name).read_text(encoding="utf-8")
    assert committed == schemas()[name], f"docs/schemas/{name} is stale: python -m hiu.toml_schemas"


def test_the_schemas_are_written_where_asked(tmp_path: Path) -> None:
    main([str(tmp_path)])
    rules = json.loads((tmp_path / "rules.schema.json").read_text(encoding="utf-8"))
    assert rules["title"] == "hiu rule set"
    assert rules["required"] == ["title", "source", "list", "thresholds"]
    assert rules["additionalProperties"] is False
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(schemas())
