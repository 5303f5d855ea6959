"""Given the demo service, its two identified lists and its tasks worker, when the data
coordinator makes a list in Chromium, they watch it being made, see who is on it, filter it to
the people new since the previous list and open one person's activity; no page on the way has
a serious or critical axe violation."""

from __future__ import annotations

import re

from browser_steps import data_end, data_end_less, long_date, serious_violations, sign_in
from playwright.sync_api import Page, expect


def test_a_data_coordinator_makes_a_list_and_opens_a_new_persons_activity(
    page: Page, live_url: str
) -> None:
    sign_in(page, live_url, "datacoordinator")
    page.locator(".nhsuk-header__navigation-list").get_by_role(
        "link", name="Identification"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Identification")
    # The demo made two lists from its synthetic activity, which ends with last month.
    latest, earlier = long_date(data_end()), long_date(data_end_less(3))
    chosen = data_end_less(1)
    expect(page.get_by_role("link", name=latest)).to_be_visible()
    expect(page.get_by_role("link", name=earlier)).to_be_visible()
    problems = serious_violations(page)

    page.get_by_role("button", name="Make a list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make a list")
    # The as-of date offered is the day of the latest activity in the store (the end of last
    # month in the demo's synthetic activity, later once another test has uploaded an extract).
    latest = page.get_by_text(re.compile(r"The latest activity in the store is on \d+ \w+ \d{4}"))
    expect(latest).to_be_visible()
    for part in ("Day", "Month", "Year"):
        expect(page.get_by_label(part)).to_have_value(re.compile(r"^\d+$"))
    problems += serious_violations(page)

    # A date with no day: the error summary says what to fix.
    page.get_by_label("Day").fill("")
    page.get_by_role("button", name="Make the list").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("The as-of date must include a day")
    assert page.title().startswith("Error:")
    problems += serious_violations(page)

    # A month before the data's end: compared with the demo's earlier list.
    page.get_by_label("Day").fill(str(chosen.day))
    page.get_by_label("Month").fill(str(chosen.month))
    page.get_by_label("Year").fill(str(chosen.year))
    page.get_by_role("button", name="Make the list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"List as of {long_date(chosen)}")
    problems += serious_violations(page)  # waiting, running or done: whichever it is now

    # The page follows the run by itself and shows the list when it is made.
    expect(page.get_by_role("heading", name="People", exact=True, level=2)).to_be_visible(
        timeout=60_000
    )
    expect(page.get_by_text(f"the list as of {earlier}")).to_be_visible()
    people = page.get_by_role("table", name=re.compile(r"^People, page 1"))
    expect(people.locator("tbody tr").first).to_be_visible()
    problems += serious_violations(page)

    page.get_by_label("Place on the list").select_option("new")
    page.get_by_role("button", name="Filter the list").click()
    expect(page).to_have_url(re.compile(r"mark=new"))
    rows = page.get_by_role("table", name=re.compile(r"^People, page 1")).locator("tbody tr")
    expect(rows.first).to_be_visible()
    for index in range(rows.count()):
        expect(rows.nth(index).locator(".nhsuk-tag")).to_have_text("New")
    problems += serious_violations(page)

    first = rows.first.get_by_role("link")
    name = first.inner_text()  # FAMILY, Given
    first.click()
    family, given = (part.strip() for part in name.split(",", 1))
    heading = re.compile(f"^{re.escape(given)} {re.escape(family)}$", re.IGNORECASE)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("main .nhsuk-tag").first).to_have_text("New")
    expect(page.get_by_role("heading", name="Activity", exact=True, level=2)).to_be_visible()
    expect(page.get_by_role("table", name="Activity each month, newest first")).to_be_visible()
    expect(page.get_by_role("heading", name="A&E attendances", level=3)).to_be_visible()
    problems += serious_violations(page)

    page.get_by_role("link", name=f"Back to the list as of {long_date(chosen)}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"List as of {long_date(chosen)}")
    assert problems == []
