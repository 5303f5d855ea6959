"""Virtual users for the casework benchmark: signed-in case managers reading their pages.

Each virtual user is a thread with one keep-alive HTTP connection (``http.client``) and the
session cookie of its own case manager, got by signing in through the sign-in page like a
browser (CSRF cookie and token, then the POST). It loops: its home page (``/caseload/``), then
the summary page of one of its own clients chosen at random, then (when the page exists) that
client's activity page; each request is followed by a think time drawn uniformly between the
two bounds of ``think_ms`` (milliseconds), and each user waits one such time before its first
request, so that users with seconds of think time do not all ask at once. Every response is
read to the end; its latency is from sending the request to the last byte. Non-200 responses
are errors (a redirect to the sign-in page is one). A keep-alive connection the server closed
while the user was thinking is opened again and the request sent again, as a browser does;
the time includes it.
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import numpy as np

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Session:
    username: str
    cookie: str
    clients: list[int]


@dataclass
class Sample:
    page: str
    started: float
    seconds: float
    status: int


@dataclass
class User:
    session: Session
    pages: list[str]
    #: The think time's bounds in milliseconds, drawn uniformly between them.
    think_ms: tuple[float, float]
    rng: random.Random
    samples: list[Sample] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    reconnects: int = 0


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(host: str, port: int, username: str, password: str) -> str:
    """Sign in through the sign-in page; returns the Cookie header of the signed-in session."""
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        connection.request("GET", "/sign-in/")
        page = connection.getresponse()
        body = page.read()
        csrf = _cookies(page)["csrftoken"]
        found = CSRF_INPUT.search(body)
        if page.status != 200 or found is None:
            raise RuntimeError(f"sign-in page answered {page.status} without a CSRF token")
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": found.group(1).decode(),
                "username": username,
                "password": password,
            }
        )
        connection.request(
            "POST",
            "/sign-in/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf}",
                "Referer": f"http://{host}:{port}/sign-in/",
            },
        )
        answer = connection.getresponse()
        answer.read()
        session = _cookies(answer).get("sessionid")
        if answer.status != 302 or not session:
            raise RuntimeError(f"signing in as {username} answered {answer.status}")
        return f"csrftoken={csrf}; sessionid={session}"
    finally:
        connection.close()


def get(connection: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, bytes]:
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    return response.status, response.read()


def paths(page: str, client_id: int) -> str:
    return {
        "caseload": "/caseload/",
        "client_summary": f"/clients/{client_id}/",
        "client_activity": f"/clients/{client_id}/activity/",
    }[page]


def _retry(user: User, connection: http.client.HTTPConnection, page: str, path: str) -> int:
    try:
        return get(connection, path, user.session.cookie)[0]
    except (OSError, http.client.HTTPException) as error:
        user.failures.append(f"{page}: {type(error).__name__}: {error}")
        connection.close()
        return 0


def _think(user: User, until: float) -> None:
    """Sleep one think time, but not past the end of the run."""
    seconds = user.rng.uniform(*user.think_ms) / 1000
    time.sleep(max(0.0, min(seconds, until - time.perf_counter())))


def _run_user(user: User, host: str, port: int, until: float) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        _think(user, until)
        while time.perf_counter() < until:
            client_id = user.rng.choice(user.session.clients)
            for page in user.pages:
                if time.perf_counter() >= until:
                    break
                started = time.perf_counter()
                path = paths(page, client_id)
                try:
                    status, _ = get(connection, path, user.session.cookie)
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    # The server closed the idle keep-alive connection (gunicorn keeps one open
                    # for 2 s): reconnect and send the request again, as a browser does.
                    user.reconnects += 1
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=60)
                    status = _retry(user, connection, page, path)
                except (OSError, http.client.HTTPException) as error:
                    user.failures.append(f"{page}: {type(error).__name__}: {error}")
                    status = 0
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=60)
                user.samples.append(Sample(page, started, time.perf_counter() - started, status))
                _think(user, until)
    finally:
        connection.close()


def run(
    host: str,
    port: int,
    sessions: list[Session],
    pages: list[str],
    *,
    warmup: float,
    duration: float,
    think_ms: tuple[float, float],
    seed: int = 5,
) -> tuple[list[Sample], list[str], int]:
    """Run every user for ``warmup + duration`` seconds; returns the samples that started after
    the warm-up, every failure message, and how many times an idle connection closed by the
    server was opened again."""
    users = [
        User(s, pages, think_ms, random.Random(seed * 1000 + index))
        for index, s in enumerate(sessions)
    ]
    began = time.perf_counter()
    measured_from = began + warmup
    until = measured_from + duration
    threads = [
        threading.Thread(target=_run_user, args=(user, host, port, until), daemon=True)
        for user in users
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    samples = [s for user in users for s in user.samples if s.started >= measured_from]
    failures = [f for user in users for f in user.failures]
    return samples, failures, sum(user.reconnects for user in users)


def figures(samples: list[Sample], duration: float) -> dict[str, Any]:
    """Requests, errors, latency percentiles (ms) and throughput of one page's samples."""
    ok = np.array([s.seconds for s in samples if s.status == 200]) * 1000
    statuses: dict[str, int] = {}
    for s in samples:
        statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
    if len(ok) == 0:
        return {"requests": len(samples), "errors": len(samples), "statuses": statuses}
    return {
        "requests": len(samples),
        "errors": sum(1 for s in samples if s.status != 200),
        "statuses": statuses,
        "p50_ms": round(float(np.percentile(ok, 50)), 1),
        "p95_ms": round(float(np.percentile(ok, 95)), 1),
        "p99_ms": round(float(np.percentile(ok, 99)), 1),
        "max_ms": round(float(ok.max()), 1),
        "mean_ms": round(float(ok.mean()), 1),
        "throughput_per_s": round(len(samples) / duration, 2),
    }
