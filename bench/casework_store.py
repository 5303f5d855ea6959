"""The activity store the casework benchmark serves, and the heaviest users in it.

``casework_store.py LABEL N`` makes (or finds, cached) the store ``LABEL`` with
bench/activity_store.py, then picks the ``N`` people with the most A&E attendances in it (ties
broken by 999 incidents, then NHS number): a real HIU caseload is made of the heaviest users,
and theirs are the timelines the activity page reads. Prints one JSON line: the store's root,
its rows per kind, whether it was cached, and the path of a JSON file holding the NHS numbers.

- ``national``: the identification benchmark's national year (the same cache folder, so it is
  generated once for both benchmarks): 50 million people, about 60 million events;
- ``quick``: a small store for checking the harness (200,000 people, 240,000 events).

Run in a child process of its own, so the benchmark's process stays small.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import duckdb
from activity_store import NATIONAL, Parameters, cached_store

from hiu.store.store import Store, sql_string

QUICK = Parameters(
    people=200_000,
    ed_attendances=100_000,
    ambulance_incidents=36_000,
    nhs111_calls=80_000,
    admissions=24_000,
)
STORES = {"national": NATIONAL, "quick": QUICK}
#: The national store is shared with bench_identify.py under its label there.
LABELS = {"national": "national", "quick": "casework-quick"}


def heaviest(store: Store, n: int) -> list[str]:
    """The ``n`` NHS numbers with the most A&E attendances, then ambulance incidents."""
    state = store.state()
    ed = state.tables["ed_attendances"].path
    ambulance = state.tables.get("ambulance_incidents")
    connection = duckdb.connect(":memory:", config={"threads": 2, "memory_limit": "4GB"})
    # Paths are the store's own (sql_string quotes them) and n is an int: no outside text.
    ed_table = sql_string(store.root / ed)
    ed_counts = (
        f"SELECT nhs_number, count(*) AS n FROM read_parquet({ed_table}) "  # noqa: S608
        f"GROUP BY nhs_number ORDER BY n DESC, nhs_number LIMIT {n * 4}"
    )
    if ambulance is None:
        query = f"SELECT nhs_number FROM ({ed_counts}) ORDER BY n DESC, nhs_number LIMIT {n}"  # noqa: S608
    else:
        # Only the top A&E users' ambulance incidents are counted: a small join.
        query = (
            f"WITH top AS ({ed_counts}) "  # noqa: S608
            "SELECT top.nhs_number FROM top LEFT JOIN ("
            "  SELECT nhs_number, count(*) AS m "
            f"  FROM read_parquet({sql_string(store.root / ambulance.path)}) "
            "  WHERE nhs_number IN (SELECT nhs_number FROM top) GROUP BY nhs_number"
            ") AS amb USING (nhs_number) "
            f"ORDER BY top.n DESC, coalesce(amb.m, 0) DESC, top.nhs_number LIMIT {n}"
        )
    return [row[0] for row in connection.execute(query).fetchall()]


def main(argv: list[str]) -> None:
    label, n = argv[0], int(argv[1])
    store, info = cached_store(LABELS[label], STORES[label])
    picked = store.root.parent / f"casework-heaviest-{n}.json"
    started = time.perf_counter()
    if not picked.exists():
        numbers = heaviest(store, n)
        if len(numbers) < n:
            raise SystemExit(f"the store has only {len(numbers)} people with A&E attendances")
        picked.write_text(json.dumps(numbers) + "\n")
    out: dict[str, Any] = {
        "root": str(store.root),
        "rows": store.row_counts(),
        "generate_seconds": info["generate_seconds"],
        "cached": info["cached"],
        "clients_file": str(picked),
        "pick_seconds": round(time.perf_counter() - started, 1),
        "as_of": STORES[label].last_day.isoformat(),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
