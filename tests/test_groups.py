"""The tests' groups for pytest-xdist (tests/conftest.py): a session-scoped fixture of a
package's conftest is used from one group only, so one process makes it."""

from __future__ import annotations


def test_each_shared_session_fixture_is_used_from_one_group(
    session_fixtures_split_across_groups: dict[str, list[str]],
) -> None:
    # Fix by adding the files that use it to SHARED_FIXTURE_GROUPS in tests/conftest.py.
    assert session_fixtures_split_across_groups == {}
