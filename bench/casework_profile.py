"""Where one request to each casework page spends its time, with no other load.

``casework_profile.py SEED_JSON --requests N`` runs under the benchmark's ``DATABASE_URL`` and
``HIU_DATA_DIR`` (the seeded database and the data directory whose store is the benchmark's)
and prints one JSON line. For each page it makes ``N`` requests in this process through
Django's test client, signed in as the clients' case managers, after two unmeasured ones, and
reports the median and largest time, the SQL queries per request (count and their total time)
and the slowest query's text (shortened; the data is synthetic). It also times the activity
store read on its own (``monthly_activity`` for one client: each kind's row groups that can hold
the NHS number, counted by month), the first read apart: it parses the table files' footers,
which are then kept, unless the activity page was profiled first in this process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hiu.web.settings")

import django

django.setup()

from casework_load import paths  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as Browser  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from hiu.web.clients.activity import monthly_activity, window  # noqa: E402
from hiu.web.clients.models import Client  # noqa: E402
from hiu.web.imports.files import activity_store  # noqa: E402

FROM_TABLE = re.compile(r'(?:FROM|INTO|UPDATE) "([a-z_]+)"')


def tables_read(queries: list[dict[str, str]]) -> dict[str, int]:
    """Queries per table (the first table after FROM), most first: repeats show N+1 reads."""
    counted = Counter(
        (found.group(1) if (found := FROM_TABLE.search(q["sql"])) else q["sql"][:20])
        for q in queries
    )
    return dict(counted.most_common())


def page_profile(
    page: str, picks: list[tuple[str, int]], browsers: dict[str, Browser]
) -> dict[str, Any]:
    times, counts, sql_ms = [], [], []
    slowest: tuple[float, str] = (0.0, "")
    statuses: set[int] = set()
    by_table: dict[str, int] = {}
    for index, (username, client_id) in enumerate(picks):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = browsers[username].get(paths(page, client_id))
            seconds = time.perf_counter() - started
        statuses.add(response.status_code)
        if index < 2:  # warm-up: first imports, template compilation, connections
            continue
        times.append(seconds * 1000)
        counts.append(len(queries.captured_queries))
        by_table = tables_read(queries.captured_queries)
        sql_ms.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        for query in queries.captured_queries:
            if float(query["time"]) * 1000 > slowest[0]:
                slowest = (float(query["time"]) * 1000, query["sql"])
    return {
        "statuses": sorted(statuses),
        "requests": len(times),
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "queries_median": statistics.median(counts),
        "queries_max": max(counts),
        "sql_ms_median": round(statistics.median(sql_ms), 1),
        "queries_by_table_last_request": by_table,
        "slowest_query_ms": round(slowest[0], 1),
        "slowest_query": slowest[1][:300],
    }


def store_profile(client_ids: list[int]) -> dict[str, Any]:
    store = activity_store()
    today = timezone.localdate()
    read_ms = []
    for client in Client.objects.filter(pk__in=client_ids):
        first_opened = client.episodes.order_by("opened_on").values_list("opened_on", flat=True)
        first, last = window(today, first_opened.first())
        started = time.perf_counter()
        monthly_activity(store, client.nhs_number, first, last)
        read_ms.append((time.perf_counter() - started) * 1000)
    first_read, read_ms = read_ms[0], read_ms[1:]
    return {
        "clients": len(read_ms),
        "first_read_ms": round(first_read, 1),
        "monthly_activity_median_ms": round(statistics.median(read_ms), 1),
        "monthly_activity_max_ms": round(max(read_ms), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("seeded", help="the seed's JSON output (managers and their clients)")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--pages", default="caseload,client_summary,client_activity")
    arguments = parser.parse_args()
    managers: dict[str, list[int]] = json.loads(Path(arguments.seeded).read_text())["managers"]
    rng = random.Random(7)
    usernames = sorted(managers)[:10]
    browsers = {}
    for username in usernames:
        browser = Browser()
        browser.force_login(User.objects.get(username=username))
        browsers[username] = browser
    picks = [
        (u, rng.choice(managers[u]))
        for u in (rng.choice(usernames) for _ in range(arguments.requests + 2))
    ]
    result: dict[str, Any] = {
        "pages": {page: page_profile(page, picks, browsers) for page in arguments.pages.split(",")},
        "store": store_profile([client_id for _, client_id in picks]),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
