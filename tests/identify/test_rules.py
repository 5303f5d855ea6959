"""Rule sets: the shipped ones load, and a malformed file is refused naming its line and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hiu.identify.rules import (
    SHIPPED_DIR,
    RuleError,
    Service,
    Window,
    load_rules,
    shipped_rule_sets,
)

#: DESIGN §6: the rule sets every installation ships.
REQUIRED = {"rightcare", "hackney", "lewisham", "template", "east-kent", "stockport", "southport"}

VALID = """\
title = "Test"
source = "a test"

[list]
period_days = 30

[counting.ed]
exclude_attendance_categories = ["4"]
exclude_codelists = ["sickle_cell"]

[codelists.sickle_cell]
snomed = ["127040003"]
icd10 = ["D57"]

[[thresholds]]
name = "ed_month"
service = "ed"
at_least = 5
window_days = 30

[people]
min_age = 18
"""


def write(tmp_path: Path, text: str, name: str = "site.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_required_rule_set_is_shipped_with_its_source() -> None:
    shipped = {rules.name: rules for rules in shipped_rule_sets()}
    assert set(shipped) >= REQUIRED
    for rules in shipped.values():
        # Each cites the seed document it comes from (000-004).
        assert re.match(r"00[0-4] ", rules.source), rules.name
        assert rules.thresholds


def test_hackney_says_what_its_specification_says() -> None:
    rules = load_rules("hackney")
    described = {threshold.name: threshold.describe() for threshold in rules.thresholds}
    assert described == {
        "ed_month": "5+ A&E attendances within 30 days",
        "ed_year": "10+ A&E attendances within 365 days",
        "ambulance_month": "5+ ambulance incidents within 30 days",
        "ambulance_quarter": "12+ ambulance incidents within 91 days",
        "nhs111_quarter": "6+ NHS 111 calls within 91 days",
    }
    ed = rules.counting_for(Service.ED)
    assert ed.exclude_attendance_categories == {"4"}
    assert {"127040003", "225358003", "14094001"} <= ed.excluded_snomed
    assert rules.people.min_age == 18
    assert rules.rank_by == ("spread", "intensity")


def test_southport_combines_attendances_and_admissions() -> None:
    (threshold,) = load_rules("southport").thresholds
    assert threshold.window is Window.PERIOD
    assert [(part.service, part.at_least) for part in threshold.parts] == [
        (Service.ED, 4),
        (Service.EMERGENCY_ADMISSIONS, 2),
    ]


def test_a_copied_file_loads_by_path_and_a_site_folder_is_searched(tmp_path: Path) -> None:
    copy = write(tmp_path, (SHIPPED_DIR / "hackney.toml").read_text(encoding="utf-8"), "ours.toml")
    assert load_rules(str(copy)).name == "ours"
    assert load_rules("ours", search=[tmp_path]).path == copy


def test_an_unknown_name_lists_the_rule_sets() -> None:
    with pytest.raises(RuleError, match=r"rule sets are: .*hackney"):
        load_rules("hackny")


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("at_least = 5", 'at_least = "5"', 18, r"key thresholds\[0\]\.at_least: must be a whole"),
        ("at_least = 5", "at_least = 0", 18, r"thresholds\[0\]\.at_least: must be at least 1"),
        ('service = "ed"', 'service = "a&e"', 17, r"'a&e' is not a service; the services are ed"),
        ("window_days = 30", "windw_days = 30", 19, r"thresholds\[0\]\.windw_days: unknown key"),
        ("period_days = 30", "period_days = -1", 5, r"list\.period_days: must be at least 1"),
        ('["sickle_cell"]', '["sickle"]', 9, r"no code list named 'sickle'"),
        ('["127040003"]', '["127040004"]', 12, r"'127040004' fails the SNOMED CT check digit"),
        ('["D57"]', '["57D"]', 13, r"'57D' is not an ICD-10 code"),
        ('["4"]', '["5"]', 8, r"'5' is not an ECDS attendance category"),
        ("min_age = 18", "min_age = 18\nmax_age = 17", 23, r"people\.max_age: is below min_age"),
        ('name = "ed_month"', 'name = "ED month"', 16, r"lower-case letters"),
    ],
)
def test_a_malformed_rule_set_names_the_line_and_key(
    tmp_path: Path, old: str, new: str, line: int, message: str
) -> None:
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(RuleError, match=message) as caught:
        load_rules(str(path))
    assert f"{path}, line {line}," in str(caught.value)


def test_the_valid_example_loads(tmp_path: Path) -> None:
    rules = load_rules(str(write(tmp_path, VALID)))
    assert rules.period_days == 30
    assert rules.longest_window_days == 30


def test_broken_toml_reports_tomls_own_position(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("at_least = 5", "at_least = "))
    with pytest.raises(RuleError, match=r"not valid TOML: .*line 18"):
        load_rules(str(path))


def test_a_threshold_needs_a_window(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("window_days = 30\n", ""))
    with pytest.raises(RuleError, match=r"line 15, key thresholds\[0\]: give window_days"):
        load_rules(str(path))


def test_combined_parts_and_a_single_service_do_not_mix(tmp_path: Path) -> None:
    text = VALID.replace(
        "window_days = 30",
        'window_days = 30\nall_of = [{ service = "ed", at_least = 4 }, '
        '{ service = "emergency_admissions", at_least = 2 }]',
    )
    with pytest.raises(RuleError, match=r"give either all_of or service and at_least"):
        load_rules(str(write(tmp_path, text)))


def test_gp_practices_from_a_file_beside_the_rule_set(tmp_path: Path) -> None:
    (tmp_path / "practices.txt").write_text("# ours\nA81001\n a81002  # branch\n\n")
    text = VALID.replace("min_age = 18", 'min_age = 18\ngp_practices_file = "practices.txt"')
    rules = load_rules(str(write(tmp_path, text)))
    assert rules.people.gp_practices == frozenset({"A81001", "A81002"})


def test_an_empty_practice_list_is_refused_rather_than_excluding_everyone(tmp_path: Path) -> None:
    text = VALID.replace("min_age = 18", "min_age = 18\ngp_practices = []")
    with pytest.raises(RuleError, match="would exclude everybody"):
        load_rules(str(write(tmp_path, text)))
