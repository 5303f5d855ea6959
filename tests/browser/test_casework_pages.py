"""Given the demo service's lived-in caseload, when the service lead walks every casework page
reachable from their navigation and two client records — each tab, each form, letters,
interventions, follow-ups, referrals, screening, the service's settings — then no page has a
serious or critical axe violation. Forms are opened, never sent: the journeys send them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from browser_steps import serious_violations, sign_in
from playwright.sync_api import Page, expect

# Casework pages: a client's record and what hangs off it, and the service's casework lists
# and settings. Identification and imports have their own walks.
CASEWORK = re.compile(
    r"^/(clients|interventions|letters|follow-ups|relapse-alerts|referrals|screening|services?"
    r"|letter-templates|befriending|visits|tasks|team|caseload)(/|$)"
)
MAX_PAGES = 70


def _links(page: Page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "main a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))"
    )
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc or not CASEWORK.match(parts.path):
            continue
        # One page per path: filters and page numbers show the same page again.
        found.append(parts.path)
    return found


def test_every_casework_page_the_lead_can_reach_is_accessible(page: Page, live_url: str) -> None:
    sign_in(page, live_url, "lead")
    page.goto(f"{live_url}/clients/")
    records = page.locator("main table a[href^='/clients/']")
    expect(records.first).to_be_visible()
    starts = [records.nth(i).get_attribute("href") or "" for i in range(2)]
    queue = [*starts, "/service/pathway/", "/referrals/", "/tasks/", "/team/", "/befriending/"]
    seen: set[str] = set()
    problems: list[str] = []
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(f"{live_url}{path}")
        assert response is not None
        assert response.status == 200, f"{path}: {response.status}"
        problems += serious_violations(page)
        queue += [link for link in _links(page) if link not in seen]
    # The walk reached the record's tabs and the pages hanging off them.
    visited = " ".join(sorted(seen))
    for part in (
        "/episodes/",
        "/contacts/",
        "/consent/",
        "/plans/",
        "/interventions/",
        "/activity/",
    ):
        assert part in visited, part
    assert problems == []
