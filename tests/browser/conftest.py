"""Browser tests: the real app, served as `make demo` serves it, driven in Debian's Chromium.

The server and the tasks worker run in subprocesses against their own database (a SQLite file,
or a fresh PostgreSQL database when the run's DATABASE_URL is PostgreSQL), set up by the same
`migrate` and `demo` commands a newcomer runs, with a small synthetic population from
`hiu synth`. Playwright drives Debian's Chromium (never a downloaded browser). Outside CI a
missing Chromium skips these tests with a reason; in CI (CI=true) it is an error.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_steps import DEMO_PASSWORD
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a browser test: `-m browser` selects them all (`make postgres` does)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


def _chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("Chromium is missing in CI: .ci/run should have installed it.")
    pytest.skip("Debian's chromium package is not installed: browser tests skipped.")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url(tmp: Path) -> Iterator[str]:
    """A database of the server's own, of the same kind as this test run's."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp / 'browser.sqlite3'}"
        return
    import psycopg

    name = f"hiu_browser_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} failed:\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _chromium()
    tmp = tmp_path_factory.mktemp("browser-server")
    for database_url in _database_url(tmp):
        env = {
            **os.environ,
            "HIU_DATA_DIR": str(tmp / "data"),
            "DATABASE_URL": database_url,
            "HIU_DEMO_PASSWORD": DEMO_PASSWORD,
            "HIU_DEBUG": "false",
        }
        # On the test run's clock (held_clock.py): `python -m hiu.web.manage`, and `hiu`.
        held = [sys.executable, str(HERE / "held_clock.py")]
        manage = [*held, "hiu.web.manage"]
        synthetic = tmp / "data" / "synthetic"
        _run(
            # No --start: the activity ends with the last complete month, as `make demo`'s does.
            [*held, "hiu.console:main", "synth", "--adults", "20000", "--years", "2", "--seed", "7",
             "--out", str(synthetic)],
            env,
        )  # fmt: skip
        _run([*manage, "migrate", "--verbosity", "0"], env)
        _run([*manage, "demo", "--synthetic", str(synthetic)], env)
        port = _free_port()
        # The server's errors go to a file, read when the session ends: a server error shows
        # in a browser only as the apology page, so its traceback is reported from there.
        server_log_path = tmp / "server.log"
        server_log = server_log_path.open("wb")
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=server_log,
        )
        # The worker that runs uploaded imports, as `make demo` runs it beside the server. Its
        # output goes to a file: a pipe nobody reads would stop it once the pipe was full.
        worker_log = (tmp / "worker.log").open("wb")
        worker = subprocess.Popen(
            [*manage, "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.25"],
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_for(url, server, server_log_path)
            yield url
        finally:
            for process in (worker, server):
                process.terminate()
            for process in (worker, server):
                process.wait(timeout=30)
            worker_log.close()
            server_log.close()
        errors = server_log_path.read_text(errors="replace")
        if "Traceback" in errors:
            pytest.fail(f"the server had errors during the browser tests:\n{errors[-6000:]}")


def _wait_for(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text(errors='replace')}")
        try:
            urllib.request.urlopen(f"{url}/sign-in/", timeout=2).close()  # noqa: S310
            return
        # A server still starting on a busy machine may accept the connection and answer
        # after the 2 s: a read timeout, which is neither of the others.
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    raise RuntimeError("the server did not answer within 60 seconds")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope: Playwright's event loop is closed before any other test module runs, so
    # Django's async-safety check never sees a running loop in the database tests.
    executable = _chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
