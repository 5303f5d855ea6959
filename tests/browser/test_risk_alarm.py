"""Given the demo service, when a case manager records a PHQ-9 with question 9 answered "More
than half the days", then the record shows the red risk banner, the "important" confirmation
says what happens next, the home page has the same-day task "Review risk and the crisis plan"
and the bell counts the new notification; the service lead is notified too, opens the
notification, records the review, and the banner goes. No page on the way (the form, the record,
the home page, the notifications and their preferences, the review with and without errors, the
team page) has a serious or critical axe violation."""

from __future__ import annotations

import re

from browser_steps import follow, serious_violations, sign_in
from playwright.sync_api import Browser, Page, expect

REVIEW_TASK = "Review risk and the crisis plan"


def _bell_count(page: Page) -> int:
    return int(page.locator(".hiu-bell__count").inner_text())


def test_a_risk_answer_raises_the_alarm_until_the_review_is_recorded(
    page: Page, browser: Browser, live_url: str
) -> None:
    sign_in(page, live_url, "casemanager")
    problems = serious_violations(page)
    # A client on the caseload with no risk answer waiting already (the demo has one).
    rows = page.locator("main table").first.locator("tbody tr")
    expect(rows.first).to_be_visible()
    quiet = rows.filter(has_not_text="Risk to review").first
    link = quiet.locator("a").first
    family, given = (link.inner_text()).split(", ", 1)
    name = re.compile(rf"Risk answer for {re.escape(given)} {re.escape(family)}", re.IGNORECASE)
    record = link.get_attribute("href") or ""
    before = _bell_count(page)

    page.goto(f"{live_url}{record.rstrip('/')}/outcomes/record/")
    page.get_by_label("PHQ-9").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Record PHQ-9")).to_be_visible()
    problems += serious_violations(page)
    page.locator("input[name=point][value=review]").check()
    for number in range(1, 9):
        page.locator(f"input[name=item_{number}][value='1']").check()
    page.locator("input[name=item_9][value='2']").check()  # "More than half the days"
    page.get_by_role("button", name="Save PHQ-9").click()

    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text(
        "PHQ-9 scored. A risk answer was recorded"
    )
    important = page.locator(".nhsuk-notification-banner:not(.nhsuk-notification-banner--success)")
    expect(important).to_contain_text("More than half the days")
    expect(important).to_contain_text(REVIEW_TASK)
    banner = page.locator(".nhsuk-card--care--urgent")
    expect(banner).to_contain_text("Risk answer to review")
    expect(banner).to_contain_text("better off dead")
    problems += serious_violations(page)

    # Every page of the record carries the banner: the summary too.
    follow(page, page.locator(".hiu-secondary-nav").get_by_role("link", name="Summary"))
    expect(page.locator(".nhsuk-card--care--urgent")).to_be_visible()
    problems += serious_violations(page)

    # Home: the task, the flag, and the bell one higher.
    follow(page, page.get_by_role("link", name="My caseload"))
    client_name = re.compile(rf"{re.escape(given)} {re.escape(family)}", re.IGNORECASE)
    task_rows = page.locator("main table tbody tr").filter(has_text=REVIEW_TASK)
    expect(task_rows.filter(has_text=client_name)).to_have_count(1)
    caseload_row = (
        page.locator("main table")
        .first.locator("tbody tr")
        .filter(has=page.get_by_role("link", name=f"{family}, {given}", exact=True))
    )
    expect(caseload_row).to_contain_text("Risk to review")
    expect(page.get_by_role("link", name=f"Notifications, {before + 1} unread")).to_be_visible()
    problems += serious_violations(page)
    follow(page, page.get_by_role("link", name=re.compile(r"^Notifications, \d+ unread$")))
    expect(page.get_by_role("link", name=name)).to_be_visible()
    problems += serious_violations(page)
    follow(page, page.get_by_role("link", name="Choose which you also get by email"))
    problems += serious_violations(page)

    # The service lead was told too, opens the notification and records the review.
    lead_context = browser.new_context(viewport={"width": 1280, "height": 900})
    lead = lead_context.new_page()
    try:
        sign_in(lead, live_url, "lead")
        expect(
            lead.get_by_role("link", name=re.compile(r"^Notifications, [1-9]\d* unread$"))
        ).to_be_visible()
        follow(lead, lead.get_by_role("link", name="Team caseload"))
        expect(lead.locator("main table").filter(has_text="Risk answer")).to_contain_text(given)
        problems += serious_violations(lead)
        follow(lead, lead.get_by_role("link", name=re.compile(r"^Notifications, \d+ unread$")))
        problems += serious_violations(lead)
        follow(lead, lead.get_by_role("link", name=name).first)
        expect(lead.get_by_role("heading", name="Risk reviewed: what was done")).to_be_visible()
        problems += serious_violations(lead)
        lead.get_by_role("button", name="Record the review").click()
        expect(lead.locator(".nhsuk-error-summary")).to_contain_text("Enter what was done")
        problems += serious_violations(lead)
        lead.get_by_label("What was done?").fill(
            "Phoned the client: safe tonight, sister staying. Crisis line number given."
        )
        lead.get_by_label("Yes").check()
        lead.get_by_role("button", name="Record the review").click()
        expect(lead.locator(".nhsuk-notification-banner--success")).to_contain_text(
            "Risk review recorded"
        )
        expect(lead.locator(".nhsuk-card--care--urgent")).to_have_count(0)
        problems += serious_violations(lead)
    finally:
        lead_context.close()

    # Back with the case manager: the banner and the task have gone.
    page.goto(f"{live_url}{record}")
    expect(page.locator(".nhsuk-card--care--urgent")).to_have_count(0)
    page.goto(f"{live_url}/")
    task_rows = page.locator("main table tbody tr").filter(has_text=REVIEW_TASK)
    expect(task_rows.filter(has_text=client_name)).to_have_count(0)
    assert problems == []
