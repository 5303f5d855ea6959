"""Every change to a model has its migration: a change without one would pass the other tests
(their database is made from the models) and fail on a real service's `migrate`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


def test_the_models_and_the_migrations_agree(db: object) -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as missing:  # makemigrations --check exits 1 when one is missing
        pytest.fail(f"a model change has no migration (exit {missing.code}):\n{out.getvalue()}")
