"""Given the demo service, when a case manager books a home visit for tomorrow from a client's
record, then it is in their week and the team's week, their week downloads as an iCalendar file
that names no client, and the lone-working check-in starts from the booking; no page on the way
has a serious or critical axe violation."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
from browser_steps import follow, serious_violations, sign_in
from playwright.sync_api import Page, expect


def test_a_case_manager_books_a_home_visit_and_checks_in_from_it(page: Page, live_url: str) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    sign_in(page, live_url, "casemanager")
    # Their week is linked from their home page.
    expect(page.get_by_role("link", name="Your diary this week")).to_be_visible()
    first = page.locator("main table").first.locator("tbody tr a").first
    follow(page, first)
    name = page.get_by_role("heading", level=1).inner_text()
    family = name.split()[-1]
    follow(page, page.locator(".hiu-secondary-nav").get_by_role("link", name="Diary"))
    expect(page.get_by_role("heading", name="Diary", level=2)).to_be_visible()
    problems = serious_violations(page)

    follow(page, page.get_by_role("button", name="Book a visit, call or appointment"))
    problems += serious_violations(page)
    # An end before the start: the error summary says what to fix.
    page.get_by_label("Home visit").check()
    page.locator("#starts_on-day").fill(str(tomorrow.day))
    page.locator("#starts_on-month").fill(str(tomorrow.month))
    page.locator("#starts_on-year").fill(str(tomorrow.year))
    page.get_by_label("Start time").fill("07:40")
    page.get_by_label("End time").fill("07:00")
    follow(page, page.get_by_role("button", name="Book"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "The end time must be after the start time"
    )
    problems += serious_violations(page)
    page.get_by_label("End time").fill("08:50")
    page.get_by_label("Second worker going too (optional)").select_option(label="Priya Shah")
    follow(page, page.get_by_role("button", name="Book"))
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text(
        "The booking is made"
    )
    upcoming = page.get_by_role("table", name="Coming up")
    expect(upcoming).to_contain_text("Home visit")
    expect(upcoming).to_contain_text("07:40 to 08:50")
    problems += serious_violations(page)

    # Their week (the week holding tomorrow), then the team's.
    page.goto(f"{live_url}/diary/?week={tomorrow.isoformat()}")
    expect(page.get_by_role("heading", name="Your diary", level=1)).to_be_visible()
    day = page.locator(f"section[aria-labelledby='day-{tomorrow.isoformat()}']")
    ours = day.locator("tr", has_text="07:40 to 08:50")
    expect(ours).to_contain_text(name)
    expect(ours).to_contain_text("Second worker: Priya Shah")
    problems += serious_violations(page)
    # The week is keyboard-usable: tabbing reaches the booking's client link.
    link = ours.get_by_role("link", name=name)
    link.focus()
    expect(link).to_be_focused()

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download this week as a calendar file")).click()
    content = download.value.path().read_bytes()
    events = list(icalendar.Calendar.from_ical(content).walk("VEVENT"))
    booked = [e for e in events if e.decoded("DTSTART").date() == tomorrow]
    assert any(str(e["SUMMARY"]).startswith("Home visit (") for e in booked)
    assert family.encode() not in content
    assert name.encode() not in content

    follow(page, page.get_by_role("link", name="The team's week"))
    expect(page.get_by_role("heading", name="The team's diary", level=1)).to_be_visible()
    team_day = page.locator(f"section[aria-labelledby='day-{tomorrow.isoformat()}']")
    ours = team_day.locator("tr", has_text="07:40 to 08:50")
    expect(ours).to_contain_text(name)
    expect(ours).to_contain_text("Sam Okafor")
    problems += serious_violations(page)

    # From the booking into the lone-working check-in, prefilled.
    page.goto(f"{live_url}/diary/?week={tomorrow.isoformat()}")
    day = page.locator(f"section[aria-labelledby='day-{tomorrow.isoformat()}']")
    ours = day.locator("tr", has_text="07:40 to 08:50")
    follow(page, ours.get_by_role("link", name=re.compile("^Check in")))
    expect(page.get_by_role("heading", name="Check in for a visit")).to_be_visible()
    expect(page.get_by_text("From your diary")).to_be_visible()
    expect(page.get_by_label("What time do you expect to be back?")).to_have_value("08:50")
    expect(page.locator("input[name=place][value=home]")).to_be_checked()
    expect(page.locator("input[name=escort][value=yes]")).to_be_checked()
    problems += serious_violations(page)
    assert problems == []
