"""What every database connection is set to (hiu.web.database)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.db_engine


@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's")
def test_postgresql_connections_compile_no_query_just_in_time(db: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
