"""Given the demo service, when a case manager completes and snoozes tasks on their home page and
adds one of their own, the lead moves a leaver's whole caseload, and someone searches "davis",
then each step shows what it did (DAVIES is found) and no page on the way has a serious or
critical axe violation."""

from __future__ import annotations

import datetime as dt
import re

from browser_steps import follow, serious_violations, sign_in
from playwright.sync_api import Page, expect


def _signed_in(page: Page, live_url: str, username: str) -> None:
    sign_in(page, live_url, username)
    # Signing in posts and redirects: wait for it before going anywhere else.
    expect(page).not_to_have_url(re.compile(r"/sign-in/"))


def test_complete_and_snooze_tasks_and_add_one(page: Page, live_url: str) -> None:
    _signed_in(page, live_url, "casemanager")
    expect(page.locator("#overdue-count")).to_contain_text("overdue")
    problems = serious_violations(page)
    # Complete the first task in one press
    completes = page.get_by_role("button", name=re.compile(r"^Complete"))
    expect(completes.first).to_be_visible()
    before = completes.count()
    follow(page, completes.first)
    expect(
        page.locator(".nhsuk-notification-banner, .nhsuk-inset-text, main").first
    ).to_contain_text("Completed")
    assert page.get_by_role("button", name=re.compile(r"^Complete")).count() == before - 1
    problems += serious_violations(page)
    # Snooze the next one to tomorrow from its own page
    follow(page, page.get_by_role("link", name=re.compile(r"^Snooze or reassign")).first)
    problems += serious_violations(page)
    page.get_by_label("Tomorrow").check()
    follow(page, page.get_by_role("button", name="Snooze the task"))
    expect(page.locator("main")).to_contain_text("Snoozed until")
    problems += serious_violations(page)
    # Add a task for one of their clients, from the record's Tasks tab
    follow(page, page.locator("main table a[href^='/clients/']").first)
    follow(page, page.locator(".hiu-secondary-nav").get_by_role("link", name="Tasks"))
    problems += serious_violations(page)
    follow(page, page.get_by_role("link", name="Add a task"))
    problems += serious_violations(page)
    due = dt.date.today() + dt.timedelta(days=3)
    page.get_by_label("What needs doing?").fill("Chase the housing officer about the boiler")
    page.locator("#due_on-day").fill(str(due.day))
    page.locator("#due_on-month").fill(str(due.month))
    page.locator("#due_on-year").fill(str(due.year))
    follow(page, page.get_by_role("button", name="Add the task"))
    expect(page.locator("main table")).to_contain_text("Chase the housing officer about the boiler")
    problems += serious_violations(page)
    assert problems == []


def test_the_lead_moves_a_leavers_caseload(page: Page, live_url: str) -> None:
    _signed_in(page, live_url, "lead")
    page.goto(f"{live_url}/team/")
    problems = serious_violations(page)
    follow(page, page.get_by_role("link", name="Move a leaver's caseload"))
    problems += serious_violations(page)
    page.get_by_label("Alex Nowak").check()
    follow(page, page.get_by_role("button", name="Continue"))
    problems += serious_violations(page)
    expect(page.locator("h1")).to_contain_text("Alex Nowak")
    page.get_by_label("Why is the caseload moving?").fill("Left the service")
    follow(page, page.get_by_role("button", name="Confirm and move every client"))
    expect(page.locator("main")).to_contain_text("clients moved from Alex Nowak's caseload")
    problems += serious_violations(page)
    # Their caseload page is empty now
    follow(page, page.get_by_role("link", name="Alex Nowak", exact=True))
    expect(page.locator("main")).to_contain_text("Alex Nowak has no active clients")
    problems += serious_violations(page)
    assert problems == []


def test_search_davis_finds_davies(page: Page, live_url: str) -> None:
    _signed_in(page, live_url, "lead")
    page.goto(f"{live_url}/clients/search/")
    page.get_by_label("Name, NHS number").fill("davis")
    follow(page, page.get_by_role("button", name=re.compile("Search")))
    expect(page.locator("main table")).to_contain_text("DAVIES")
    assert serious_violations(page) == []
