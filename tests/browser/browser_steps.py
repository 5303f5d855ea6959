"""Steps the browser tests share: signing in, and asking axe for serious problems."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import axe_playwright_python
from playwright.sync_api import Locator, Page

from hiu.web.identification.schedule import months_before

DEMO_PASSWORD = "browser-test-demo-password"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def sign_in(page: Page, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def follow(page: Page, target: Locator) -> None:
    """Click a link or button that loads a new page, and wait until it has loaded.

    A bare click returns before the navigation it starts; axe run straight after it
    either checks the page being left or finds no document at all (a flaky
    "Cannot read properties of null (reading 'documentElement')" in CI).
    """
    with page.expect_navigation(wait_until="load"):
        target.click()


# axe-core as axe-playwright-python ships it. The package's own runner sends the whole script
# into the page on every check and brings every result back, passes included; this one sends
# the script once per page and brings back only the serious and critical violations, which
# made the page walks about a third faster.
AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
AXE_SERIOUS = """options => axe.run(document, options).then(results => results.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.help}`))"""


def serious_violations(page: Page) -> list[str]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    found: list[str] = page.evaluate(AXE_SERIOUS, AXE_OPTIONS)
    return [f"{violation} on {page.url}" for violation in found]


def data_end(today: dt.date | None = None) -> dt.date:
    """The last day of the demo's synthetic activity: the end of the last complete month
    before today (``hiu synth`` without ``--start``, as the browser tests' demo is made)."""
    return (today or dt.date.today()).replace(day=1) - dt.timedelta(days=1)


def data_end_less(months: int) -> dt.date:
    """``months`` calendar months before the data's end (the demo's earlier list)."""
    return months_before(data_end(), months)


def long_date(day: dt.date) -> str:
    """A date as the pages write it: 31 December 2025."""
    return f"{day.day} {day:%B %Y}"
