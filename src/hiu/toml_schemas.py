"""The JSON Schemas of the TOML files users write, so editors can complete keys, show what each
means and underline a mistake as it is typed (ADR 0017). They are generated from the models the
loaders check files with, and committed in ``docs/schemas``::

    python -m hiu.toml_schemas [FOLDER]    # default docs/schemas

``tests/core/test_toml_schemas.py`` fails when the committed files differ from the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from hiu.evaluate.unit_costs import UnitCostsFile
from hiu.identify.rules import RuleSetFile
from hiu.ingest.profiles import ProfileFile
from hiu.toml_files import json_schema


def schemas() -> dict[str, str]:
    """Each schema's file name and text."""
    models: dict[str, Any] = {
        "rules.schema.json": json_schema(RuleSetFile, "hiu rule set"),
        "profile.schema.json": json_schema(ProfileFile, "hiu mapping profile"),
        "unit-costs.schema.json": json_schema(UnitCostsFile, "hiu unit-cost table"),
    }
    return {
        name: json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        for name, schema in models.items()
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0] if args else "docs/schemas")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in schemas().items():
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
