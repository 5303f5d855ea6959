"""The rule sets a service may identify with: its own, in ``$HIU_DATA_DIR/rulesets``, then the
ones shipped with hiu (``hiu/identify/rulesets``), as ``hiu identify`` finds them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hiu.identify.rules import SITE_FOLDER, RuleError, RuleSet, load_rules, shipped_rule_sets
from hiu.web.imports.files import data_dir


@dataclass(frozen=True)
class RuleSetChoice:
    name: str
    title: str
    description: str
    refresh: str


def site_folders() -> list[Path]:
    return [data_dir() / SITE_FOLDER]


def load_for_service(name: str) -> RuleSet:
    """The named rule set: the site's own first, else the shipped one. Raises ``RuleError``
    with a message naming the file, line and key of any mistake (never a row value)."""
    return load_rules(name, search=site_folders())


def available_rule_sets() -> list[RuleSetChoice]:
    """Every rule set a service may choose, the site's own first. A site file with a mistake
    is listed with a note, so choosing it shows the mistake rather than hiding the file."""
    found: dict[str, RuleSetChoice] = {}
    for folder in site_folders():
        for path in sorted(folder.glob("*.toml")):
            try:
                rules = load_rules(path.stem, search=[folder])
            except RuleError:
                found.setdefault(
                    path.stem,
                    RuleSetChoice(path.stem, path.stem, "Has a mistake: a run will say where.", ""),
                )
                continue
            found.setdefault(path.stem, _choice(rules))
    for rules in shipped_rule_sets():
        found.setdefault(rules.name, _choice(rules))
    return list(found.values())


def _choice(rules: RuleSet) -> RuleSetChoice:
    return RuleSetChoice(
        rules.name, rules.title, " ".join(rules.description.split()), rules.refresh
    )
