"""Benchmark casework pages: a case manager's home page and a client's pages under load.

The target (issue 5): with 5,000 clients and a national-year activity store, the case manager's
home page and a client page answer in 200 ms or less at the 95th percentile under 20
concurrent users, on PostgreSQL. Figures are written to ``bench/results/casework.json``;
benchmarks measure, they never pass or fail the test suite.

What it does, in order:

1. the activity store (bench/casework_store.py, cached under bench/.cache/): the national year
   that bench_identify.py uses (50 million people; about 25 million A&E attendances, 9 million
   ambulance incidents, 20 million 111 calls and 6 million admissions), and its 5,000 heaviest
   A&E users, who become the clients;
2. a PostgreSQL database of its own (``hiu_bench_casework`` on $HIU_BENCH_POSTGRES, default
   postgresql://postgres@127.0.0.1:5432/), dropped and made again each run, migrated with
   ``python -m hiu.web.manage migrate``; a data directory whose ``store`` is a symbolic link to
   the cached store (nothing is copied);
3. seeded by bench/casework_seed.py: one service, 100 case managers with 50 clients each, an
   episode per client in a mix of phases with its phase changes, 5 to 20 contacts each, consent,
   holding checks and follow-ups, and rows of the apps still being built when their tables
   exist (the seed reports which);
4. served by gunicorn as in production (``--workers 4 --threads 4``, DEBUG off), and a
   single-request profile of each page in a separate process (bench/casework_profile.py: SQL
   queries per request, the activity store read on its own);
5. 20 virtual users (bench/casework_load.py), each signed in through the sign-in page as a
   different case manager, loop over their home page (``/caseload/``), one of their clients'
   summary page (``/clients/<id>/``) and its activity page (``/clients/<id>/activity/``, which
   reads the store), with a think time after each request, in two cases one after the other:
   "people", 20 people using the app, who read each page before the next (think time uniform
   2-8 s; 20 s of warm-up, then 240 s measured, about 300 requests per page), on which the
   target is judged; and "stress", the same users with almost no think time (uniform 0-200 ms;
   10 s of warm-up, 60 s measured), which saturates a two-core machine and is reported beside
   it with its throughput. Per case and page: requests, errors (any status but 200; a valid
   run has none), p50, p95, p99, max and throughput, and the load average before and after.
   docs/benchmarks-casework.md says why the think times are what they are.

The database is left in place after the run (for looking into a slow page) and dropped at the
start of the next one.

Usage: ``.venv/bin/python bench/bench_casework.py [--quick] [--duration S] [--users N]``
(``--quick``: 500 clients of 10 case managers, a small store, 30 s of the people case and 15 s
of the stress case, each after a short warm-up).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from casework_load import Session, figures, run, sign_in
from measure import write_report

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results" / "casework.json"
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
POSTGRES = os.environ.get("HIU_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/")
DATABASE = "hiu_bench_casework"
PASSWORD = "benchmark-password-not-secret"  # noqa: S105 - a throwaway benchmark database
HOST = "127.0.0.1"
TARGET_P95_MS = 200
#: The last seed's managers and their clients' ids (the database stays until the next run).
SEEDED = BENCH / ".cache" / "casework" / "seeded.json"
PAGES = ["caseload", "client_summary", "client_activity"]
#: The target's pages: the home page and a client page (the activity page is a client page).
TARGET_PAGES = PAGES


@dataclass(frozen=True)
class LoadCase:
    """One load model: how long each user thinks between requests, and for how long to run."""

    name: str
    think_ms: tuple[float, float]
    warmup: float
    duration: float
    judged: bool
    why: str


#: Why each case thinks as it does (docs/benchmarks-casework.md says more).
PEOPLE_WHY = (
    "{users} case managers using the app: each reads the page (a caseload of 50 clients and "
    "their tasks, a client's summary, or their activity chart and its table) before asking for "
    "the next, so a think time of seconds (uniform {low:g}-{high:g} s) between requests; the "
    "target is judged on this case"
)
STRESS_WHY = (
    "saturation: the same {users} users with almost no think time (uniform 0-{high:g} ms), so "
    "the server is never idle on this machine; reported beside the people case, not judged"
)


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def git(*arguments: str) -> str:
    return subprocess.run(
        ["git", *arguments],  # noqa: S607 - git from PATH
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def source() -> dict[str, Any]:
    return {
        "commit": git("rev-parse", "--short", "HEAD") or "unknown",
        "src_changed": sorted(
            line.split(maxsplit=1)[1] for line in git("status", "--porcelain", "src").splitlines()
        ),
    }


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def json_child(command: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    done = subprocess.run(command, stdout=subprocess.PIPE, env=env, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} ... failed ({done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def prepare_store(label: str, clients: int) -> dict[str, Any]:
    step(f"activity store '{label}' (generated once, then cached) and its {clients} heaviest users")
    # Niced: the national store takes minutes of both cores on a shared machine.
    return json_child(
        ["nice", "-n", "19", PYTHON, str(BENCH / "casework_store.py"), label, str(clients)]
    )


def database_url() -> str:
    return POSTGRES.rstrip("/") + "/" + DATABASE


def recreate_database() -> None:
    with psycopg.connect(POSTGRES.rstrip("/") + "/postgres", autocommit=True) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (DATABASE,),
        )
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def environment(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HIU_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(
        {
            "DATABASE_URL": database_url(),
            "HIU_DATA_DIR": str(data_dir),
            "HIU_DEBUG": "false",
            "HIU_SECRET_KEY": "casework-benchmark-secret-key-not-for-use-anywhere",
            # testserver: the profile's in-process requests (Django's test client).
            "HIU_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SETTINGS_MODULE": "hiu.web.settings",
            "PYTHONPATH": str(BENCH),
        }
    )
    return env


def data_directory(store_root: Path) -> Path:
    data_dir = Path(tempfile.mkdtemp(prefix="hiu-bench-casework-"))
    (data_dir / "store").symlink_to(store_root.resolve(), target_is_directory=True)
    return data_dir


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(
    env: dict[str, str], port: int, workers: int, threads: int, log: Path
) -> subprocess.Popen[bytes]:
    command = [
        GUNICORN,
        "hiu.web.wsgi:application",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        "120",
        "--error-logfile",
        str(log),
    ]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped ({server.returncode}); see {log}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/sign-in/", timeout=5) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 120 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def pages_served(port: int, session: Session) -> tuple[list[str], dict[str, int]]:
    """The pages that answer 200 for a signed-in case manager; a page whose URL does not exist
    yet (404) is left out and reported, anything else stops the benchmark."""
    import http.client

    from casework_load import get, paths

    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    served, statuses = [], {}
    try:
        for page in PAGES:
            status, _ = get(connection, paths(page, session.clients[0]), session.cookie)
            statuses[page] = status
            if status == 200:
                served.append(page)
            elif status != 404:
                raise SystemExit(f"{page} answered {status} before the run")
    finally:
        connection.close()
    return served, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 clients, small store, 15 s")
    parser.add_argument("--users", type=int, default=20, help="concurrent users (default 20)")
    parser.add_argument(
        "--cases", default="people,stress", help="load cases to run (default people,stress)"
    )
    parser.add_argument(
        "--people-duration", type=float, help="people: measured seconds (default 240; quick 30)"
    )
    parser.add_argument(
        "--people-warmup", type=float, help="people: warm-up seconds (default 20; quick 10)"
    )
    parser.add_argument(
        "--people-think-s",
        type=float,
        nargs=2,
        default=(2.0, 8.0),
        metavar=("LOW", "HIGH"),
        help="people: think time bounds in seconds (default 2 8)",
    )
    parser.add_argument(
        "--duration", type=float, help="stress: measured seconds (default 60; quick 15)"
    )
    parser.add_argument(
        "--warmup", type=float, help="stress: warm-up seconds (default 10; quick 5)"
    )
    parser.add_argument(
        "--think-ms", type=float, default=200, help="stress: think time up to (default 200)"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--profile-requests", type=int, default=20)
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="where to write the figures (JSON)"
    )
    arguments = parser.parse_args()
    quick = arguments.quick
    clients, managers = (500, 10) if quick else (5000, 100)
    users = min(arguments.users, managers)
    low, high = arguments.people_think_s
    available = {
        "people": LoadCase(
            "people",
            (low * 1000, high * 1000),
            warmup=_given(arguments.people_warmup, 10.0 if quick else 20.0),
            duration=_given(arguments.people_duration, 30.0 if quick else 240.0),
            judged=True,
            why=PEOPLE_WHY.format(users=users, low=low, high=high),
        ),
        "stress": LoadCase(
            "stress",
            (0.0, arguments.think_ms),
            warmup=_given(arguments.warmup, 5.0 if quick else 10.0),
            duration=_given(arguments.duration, 15.0 if quick else 60.0),
            judged=False,
            why=STRESS_WHY.format(users=users, high=arguments.think_ms),
        ),
    }
    chosen = [available[name.strip()] for name in arguments.cases.split(",") if name.strip()]

    store = prepare_store("quick" if quick else "national", clients)
    step(f"store: {store['rows']} at {store['root']}")
    data_dir = data_directory(Path(store["root"]))
    env = environment(data_dir)
    work = Path(tempfile.mkdtemp(prefix="hiu-bench-casework-work-"))
    cases: list[dict[str, Any]] = []
    try:
        step(f"database {DATABASE}: drop, create, migrate")
        recreate_database()
        migrate = subprocess.run(
            [PYTHON, "-m", "hiu.web.manage", "migrate", "--verbosity", "0"], env=env, check=False
        )
        if migrate.returncode:
            raise SystemExit("migrate failed")
        step(f"seeding {clients} clients of {managers} case managers")
        seeded = json_child(
            [
                PYTHON,
                str(BENCH / "casework_seed.py"),
                store["clients_file"],
                "--clients",
                str(clients),
                "--managers",
                str(managers),
                "--password",
                PASSWORD,
            ],
            env,
        )
        # Kept (git-ignored) with the database, for looking into a slow page after the run.
        SEEDED.parent.mkdir(parents=True, exist_ok=True)
        SEEDED.write_text(json.dumps(seeded))
        step(f"seeded in {seeded['seconds']} s: {seeded['rows']}")
        for other in seeded["other_apps"]:
            step(f"  {other['app']}: {'seeded' if other['seeded'] else 'skipped: ' + other['why']}")

        step("profile: one request at a time, in-process")
        profile = json_child(
            [
                PYTHON,
                str(BENCH / "casework_profile.py"),
                str(SEEDED),
                "--requests",
                str(arguments.profile_requests),
            ],
            env,
        )
        for page, found in profile["pages"].items():
            step(
                f"  {page}: median {found['median_ms']} ms, {found['queries_median']} queries "
                f"({found['sql_ms_median']} ms of SQL), statuses {found['statuses']}"
            )
        step(f"  store read alone: {profile['store']}")

        port = free_port()
        log = work / "gunicorn.log"
        step(f"gunicorn: {arguments.workers} workers x {arguments.threads} threads on :{port}")
        server = start_server(env, port, arguments.workers, arguments.threads, log)
        try:
            usernames = sorted(seeded["managers"])[:users]
            step(f"signing in {users} case managers through the sign-in page")
            # Four at a time: Argon2 makes each sign-in take a while, on purpose.
            with ThreadPoolExecutor(4) as pool:
                cookies = list(
                    pool.map(lambda name: sign_in(HOST, port, name, PASSWORD), usernames)
                )
            sessions = [
                Session(name, cookie, seeded["managers"][name])
                for name, cookie in zip(usernames, cookies, strict=True)
            ]
            served, first_statuses = pages_served(port, sessions[0])
            skipped = [page for page in PAGES if page not in served]
            if skipped:
                step(f"pages not there yet (404), left out: {skipped}")
            for load_case in chosen:
                cases.append(run_case(load_case, port, sessions, served, skipped, log, users=users))
        finally:
            stop_server(server)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)

    label = "quick" if quick else "national"
    shared = {
        "target": f"p95 <= {TARGET_P95_MS} ms per page under {users} concurrent users",
        "first_statuses": first_statuses,
        "settings": {
            "database": "postgresql",
            "server": f"gunicorn {arguments.workers} workers x {arguments.threads} threads",
            "debug": False,
            "users": users,
            "loop": served,
            "clients": seeded["rows"]["clients"],
            "case_managers": managers,
            "store": label,
        },
        "seeded_rows": seeded["rows"],
        "seeded_phases": seeded["phases"],
        "seeded_tables": seeded["tables"],
        "seeded_other_apps": seeded["other_apps"],
        "store_rows": store["rows"],
        "store_was_cached": store["cached"],
        "profile_single_request": profile,
    }
    for case in cases:
        case["case"] = f"{label}-{case['case']}" if quick else case["case"]
    results = [*cases, {"case": "setup", **shared}, {"case": "source", **source()}]
    write_report(arguments.results, "casework pages under load (gunicorn, PostgreSQL)", results)
    for case in cases:
        print()
        judged = "judged" if case["judged"] else "not judged"
        print(f"{case['case']} ({case['settings']['think_ms']}; {judged})")
        print(
            f"{'page':<16}{'requests':>9}{'errors':>7}{'p50':>8}{'p95':>8}{'p99':>8}"
            f"{'max':>8}{'/s':>7}"
        )
        for page, f in case["pages"].items():
            print(
                f"{page:<16}{f['requests']:>9}{f['errors']:>7}{f.get('p50_ms', '-'):>8}"
                f"{f.get('p95_ms', '-'):>8}{f.get('p99_ms', '-'):>8}{f.get('max_ms', '-'):>8}"
                f"{f.get('throughput_per_s', '-'):>7}"
            )
        print(f"target p95 <= {TARGET_P95_MS} ms: {case['within_target']}; errors {case['errors']}")
    print(f"\nwritten to {arguments.results}")


def _given(value: float | None, default: float) -> float:
    return default if value is None else value


def run_case(
    case: LoadCase,
    port: int,
    sessions: list[Session],
    served: list[str],
    skipped: list[str],
    log: Path,
    *,
    users: int,
) -> dict[str, Any]:
    """One load model against the running server: its figures per page and the machine's load
    average before and after."""
    log_lines = len(log.read_text(errors="replace").splitlines()) if log.exists() else 0
    load_before = load()
    low, high = case.think_ms
    step(
        f"{case.name}: {users} users, think {low:.0f}-{high:.0f} ms, {case.warmup:.0f} s "
        f"warm-up, {case.duration:.0f} s measured (load before {load_before})"
    )
    samples, failures, reconnects = run(
        HOST,
        port,
        sessions,
        served,
        warmup=case.warmup,
        duration=case.duration,
        think_ms=case.think_ms,
    )
    load_after = load()
    step(f"{case.name}: done (load after {load_after})")
    lines = log.read_text(errors="replace").splitlines()[log_lines:] if log.exists() else []
    server_errors = [line for line in lines if "Error" in line][:20]
    per_page = {
        page: figures([s for s in samples if s.page == page], case.duration) for page in served
    }
    errors = sum(int(f["errors"]) for f in per_page.values())
    within = {
        page: f.get("p95_ms") is not None and f["p95_ms"] <= TARGET_P95_MS
        for page, f in per_page.items()
    }
    return {
        "case": case.name,
        "load_model": case.why,
        "judged": case.judged,
        "target_p95_ms": TARGET_P95_MS,
        "valid_run": errors == 0,
        "errors": errors,
        "within_target": within,
        "all_within_target": errors == 0 and all(within.values()) and not skipped,
        "pages": per_page,
        "pages_skipped": skipped,
        "requests": len(samples),
        "throughput_per_s": round(len(samples) / case.duration, 2),
        "settings": {
            "users": users,
            "think_ms": f"uniform {low:.0f}-{high:.0f} after each request",
            "warmup_seconds": case.warmup,
            "duration_seconds": case.duration,
        },
        "transport_failures": failures[:20],
        "reconnects_after_idle_close": reconnects,
        "server_log_errors": server_errors,
        "load_average_before": load_before,
        "load_average_after": load_after,
    }


if __name__ == "__main__":
    main()
