"""Given the demo service on a phone (375 x 812, an iPhone's width), when the case manager and
the lead open the pages they use every day, no page scrolls sideways and axe finds nothing
serious or critical.

Tables use the NHS.UK responsive table (``hiu/tables.jinja``): below the desktop breakpoint
each row is a card and each cell shows its column's heading beside its value. A full-page
screenshot of each page is saved under ``test-results/phones/`` (ignored by git). A reviewer
should look there for: tables drawn as stacked cards with a bold heading on the left of each
value (not squeezed columns); tags, buttons and links inside the cards; long text (addresses,
notes, URLs) wrapping inside the page; the activity chart scaled to the page's width; and
nothing cut off at the right edge.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_steps import serious_violations, sign_in
from playwright.sync_api import Browser, Page, expect

WIDTH = 375
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "phones"


@pytest.fixture
def phone(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": WIDTH, "height": 812})
    return context.new_page()


def _slug(url: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", url).strip("/") or "home"
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def _check(page: Page, base: str, path: str, who: str) -> list[str]:
    """Open a page at phone width: the problems found, as sentences (empty when all is well)."""
    response = page.goto(f"{base}{path}")
    if response is None or response.status != 200:
        return [f"{path} answered {response.status if response else 'nothing'}, not 200"]
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    problems = []
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > WIDTH:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .slice(0, 3).map(e => e.tagName + '.' + e.className)""",
            WIDTH,
        )
        problems.append(f"{path} scrolls sideways ({scroll_width} px wide): {wide}")
    problems += serious_violations(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{who}-{_slug(page.url)}.png"
    page.screenshot(path=str(shot), full_page=True)
    if shot.stat().st_size == 0 or not shot.read_bytes().startswith(b"\x89PNG"):
        problems.append(f"{path}: the screenshot is empty")
    return problems


def _first_href(page: Page, base: str, path: str, selector: str) -> str:
    page.goto(f"{base}{path}")
    link = page.locator(selector).first
    expect(link).to_be_attached()
    href = link.get_attribute("href")
    assert href
    return href


def _links(page: Page, base: str, path: str, prefix: str, most: int = 1) -> list[str]:
    """The first links on a page to pages under ``prefix`` (none when the demo has none)."""
    page.goto(f"{base}{path}")
    links = page.locator(f"main a[href^='{prefix}']")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    pages = [h.split("?")[0] for h in hrefs if h and not re.search(r"\.[a-z]+$", h)]
    return list(dict.fromkeys(pages))[:most]


def test_the_case_managers_pages_fit_a_phone(phone: Page, live_url: str) -> None:
    page = phone
    sign_in(page, live_url, "casemanager")
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    client = _first_href(page, live_url, "/caseload/", "table a[href^='/clients/']").rstrip("/")
    paths = [
        "/caseload/",
        "/tasks/",
        "/diary/",
        "/diary/team/",
        "/visits/",
        "/referrals/",
        "/identification/",
        "/clients/search/",
        "/meetings/",
        "/notifications/",
        f"{client}/",
        f"{client}/activity/",
        f"{client}/contacts/",
        f"{client}/plans/",
        f"{client}/interventions/",
        f"{client}/outcomes/",
        f"{client}/episodes/",
        f"{client}/tasks/",
        f"{client}/diary/",
        f"{client}/consent/",
        f"{client}/details/",
        f"{client}/case-studies/",
    ]
    problems = [p for path in paths for p in _check(page, live_url, path, "casemanager")]
    assert problems == [], "\n".join(problems)


def test_the_leads_pages_fit_a_phone(phone: Page, live_url: str) -> None:
    page = phone
    sign_in(page, live_url, "lead")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team caseload")
    worker = _first_href(page, live_url, "/team/", "a[href^='/team/workers/']")
    client = _first_href(page, live_url, "/clients/", "table a[href^='/clients/']").rstrip("/")
    paths = [
        "/team/",
        worker,
        "/tasks/",
        "/clients/",
        "/referrals/",
        "/diary/team/",
        "/notifications/",
        "/identification/",
        "/outcomes/",
        "/evaluation/",
        "/reports/",
        "/service/pathway/",
        "/case-studies/",
        f"{client}/",
        f"{client}/activity/",
        f"{client}/contacts/",
        f"{client}/tasks/",
        "/meetings/",
        "/services/interventions/",
        "/service/report-targets/",
        "/letter-templates/",
        "/team/leaver/",
    ]
    paths += _links(page, live_url, "/referrals/", "/referrals/")
    paths += _links(page, live_url, "/identification/", "/identification/runs/")
    paths += _links(page, live_url, "/identification/", "/screening/runs/")
    paths += _links(page, live_url, "/evaluation/", "/evaluation/runs/")
    paths += _links(page, live_url, "/reports/", "/reports/issued/")
    problems = [p for path in paths for p in _check(page, live_url, path, "lead")]
    assert problems == [], "\n".join(problems)


def test_the_audit_log_fits_a_phone(phone: Page, live_url: str) -> None:
    page = phone
    sign_in(page, live_url, "ig")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    problems = _check(page, live_url, "/audit/", "ig")
    assert problems == [], "\n".join(problems)
