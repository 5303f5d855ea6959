"""Spec: what an evaluation says about itself (``hiu.evaluate.diagnostics``)."""

from __future__ import annotations

from typing import Any

from hiu.evaluate.diagnostics import diagnostics


def client(row: int, **values: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "row": row,
        "on_list": True,
        "later_lists": 0,
        "matching_level": 0,
        "relaxed": False,
    }
    found.update(values)
    return found


BALANCED = [{"variable": "age", "smd_after": 0.05}, {"variable": "ed_period", "smd_after": -0.02}]


def codes(result: dict[str, Any]) -> list[str]:
    return [warning["code"] for warning in result["warnings"]]


def test_a_clean_run_passes_with_no_warnings() -> None:
    result = diagnostics([client(row) for row in range(2, 12)], BALANCED)
    assert result["ok"] is True
    assert result["warnings"] == []
    assert result["matched_share_without_relaxation"] == 1.0
    assert result["max_smd_after"] == 0.05


def test_imbalance_over_a_tenth_fails_and_names_the_variable_in_words() -> None:
    balance = [*BALANCED, {"variable": "ed_wait", "smd_after": -0.11}]
    result = diagnostics([client(2)], balance)
    assert result["ok"] is False
    assert codes(result) == ["imbalance"]
    assert "A&E attendances between the list and engagement" in result["warnings"][0]["message"]
    assert result["max_smd_after"] == 0.11


def test_fewer_than_nine_in_ten_without_relaxation_warns_with_the_relaxed_rows() -> None:
    clients = [client(row) for row in range(2, 10)] + [
        client(10, matching_level=2, relaxed=True),
        client(11, matching_level=4, relaxed=True),
    ]
    result = diagnostics(clients, BALANCED)
    # A warning, not a failure: the balance check measures what relaxing cost (ADR 0015).
    assert result["ok"] is True
    assert result["failing"] == []
    assert codes(result) == ["relaxed_matching"]
    assert result["warnings"][0]["rows"] == [10, 11]
    assert result["matched_share_without_relaxation"] == 0.8
    nine_in_ten = [client(row) for row in range(2, 11)] + [client(11, relaxed=True)]
    assert codes(diagnostics(nine_in_ten, BALANCED)) == []
    imbalanced = [*BALANCED, {"variable": "female", "smd_after": 0.2}]
    both = diagnostics(clients, imbalanced)
    assert both["ok"] is False
    assert both["failing"] == ["imbalance"]
    assert codes(both) == ["imbalance", "relaxed_matching"]


def test_lists_and_waits_and_unmatched_clients_warn_by_row_without_failing() -> None:
    clients = [client(row) for row in range(2, 20)] + [
        client(20, on_list=False),
        client(21, later_lists=1),
        client(22, matching_level=None, relaxed=None),
    ]
    result = diagnostics(clients, BALANCED)
    assert result["ok"] is True
    assert codes(result) == ["not_on_list", "wait_crosses_list", "unmatched"]
    assert [warning["rows"] for warning in result["warnings"]] == [[20], [21], [22]]
    assert result["warnings"][2]["message"].startswith("1 client found no control at all")
    assert result["warnings"][0]["message"].startswith("1 client was not on")
