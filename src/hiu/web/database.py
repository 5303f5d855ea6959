"""What every new database connection is set to, beyond what DATABASE_URL says.

PostgreSQL: JIT compilation off. PostgreSQL compiles a query to machine code when its
*estimated* cost passes ``jit_above_cost``; the caseload's query (50 clients, each with a few
correlated look-ups) is estimated far above it and spent 35 ms of its 39 ms compiling, on every
request (bench/bench_casework.py, 2026-12-08). The app's queries are short; none gains from
JIT. Set per connection rather than as a startup option, which PgBouncer refuses by default.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


def configure_connection(sender: object, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
