"""Given the demo service, when a case manager records a wider MDT that discussed two clients,
writes a case study for one of them (first with the client's name in it, which is refused),
records the client's consent and marks it shareable, and the service lead sets a report target,
then each step shows what it did and no page on the way (with and without errors) has a
serious or critical axe violation."""

from __future__ import annotations

import re

from browser_steps import follow, serious_violations, sign_in
from playwright.sync_api import Page, expect


def _nav(page: Page, name: str) -> None:
    """Follow a link of the header's navigation; the lead's longer navigation keeps its last
    links under "More" on narrower screens."""
    page.wait_for_load_state("load")
    link = page.locator(".nhsuk-header__navigation").get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        page.locator("#toggle-menu").click()
    link.click()


def _tab(page: Page, name: str) -> None:
    page.locator(".hiu-secondary-nav").get_by_role("link", name=name).click()


def _record_a_meeting(page: Page) -> list[str]:
    """Returns the axe problems; leaves the page on the new meeting."""
    _nav(page, "Team meetings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team meetings")
    problems = serious_violations(page)
    follow(page, page.get_by_role("button", name="Record a meeting"))
    problems += serious_violations(page)
    # Saved without its kind: the error summary says what to do and links to the field.
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select the kind of meeting")
    problems += serious_violations(page)
    page.get_by_label("Wider MDT").check()
    page.get_by_label("Organisations represented (optional)").fill(
        "Homerton A&E\nLondon Ambulance Service\nAdult social care"
    )
    clients = page.locator("input[name=clients]")
    clients.nth(0).check()
    clients.nth(1).check()
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text(
        "Wider MDT recorded"
    )
    expect(page.locator("main table tbody tr")).to_have_count(2)
    expect(page.locator("main")).to_contain_text("London Ambulance Service")
    problems += serious_violations(page)
    return problems


def _write_a_case_study(page: Page) -> list[str]:
    """From the meeting's page, open the first client discussed and write their story."""
    page.locator("main table tbody tr").first.get_by_role("link").click()
    full_name = page.get_by_role("heading", level=1).inner_text()
    given = full_name.split()[0]
    _tab(page, "Case studies")
    expect(page.get_by_role("heading", name="Case studies", level=2)).to_be_visible()
    problems = serious_violations(page)
    follow(page, page.get_by_role("button", name="Write a case study"))
    problems += serious_violations(page)
    page.get_by_label("Title", exact=True).fill("From nightly calls to the lunch club")
    page.get_by_label("The case study", exact=True).fill(
        f"{given} called 999 most nights. A befriender now visits each week."
    )
    page.get_by_role("button", name="Save the case study").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text(
        "The case study contains the client's name. Remove it before saving."
    )
    expect(summary).not_to_contain_text(given)
    problems += serious_violations(page)
    page.get_by_label("The case study", exact=True).fill(
        "The calls to 999 came most nights. A befriender now visits each week."
    )
    page.get_by_role("button", name="Save the case study").click()
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text("Case study saved")
    story = page.locator(".nhsuk-card").filter(has_text="From nightly calls to the lunch club")
    expect(story).to_contain_text("Not shareable")

    follow(page, story.get_by_role("link", name=re.compile("^Record the client's consent")))
    problems += serious_violations(page)
    page.get_by_label("In writing (signed form)").check()
    page.get_by_role("button", name="Save consent").click()
    expect(page.locator(".nhsuk-notification-banner--success")).to_be_visible()
    story = page.locator(".nhsuk-card").filter(has_text="From nightly calls to the lunch club")
    follow(page, story.get_by_role("link", name=re.compile("^Mark as ready to share")))
    problems += serious_violations(page)
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    story = page.locator(".nhsuk-card").filter(has_text="From nightly calls to the lunch club")
    expect(story).to_contain_text("Shareable — consent recorded")
    expect(story).to_contain_text("Given in writing on")
    problems += serious_violations(page)
    return problems


def _set_a_target(page: Page) -> list[str]:
    _nav(page, "Service settings")
    page.get_by_role("link", name=re.compile("^Report targets")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report targets")
    problems = serious_violations(page)
    row = page.locator("main table tbody tr").filter(has_text="New people accepted")
    follow(page, row.get_by_role("link", name=re.compile("^Change")))
    problems += serious_violations(page)
    page.get_by_label("New target", exact=True).fill("forty")
    page.get_by_role("button", name="Save the target").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter the target as a whole number"
    )
    problems += serious_violations(page)
    page.get_by_label("New target", exact=True).fill("40")
    page.get_by_role("button", name="Save the target").click()
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text(
        "the target is now 40"
    )
    row = page.locator("main table tbody tr").filter(has_text="New people accepted")
    expect(row).to_contain_text("Set by your service")
    problems += serious_violations(page)
    row.get_by_role("link", name=re.compile("^Change")).click()
    expect(page.locator("main table")).to_contain_text("30 to 40")
    problems += serious_violations(page)
    return problems


def test_a_meeting_a_case_study_with_consent_and_a_target(page: Page, live_url: str) -> None:
    sign_in(page, live_url, "casemanager")
    problems = _record_a_meeting(page)
    problems += _write_a_case_study(page)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_url, "lead")
    problems += _set_a_target(page)
    _nav(page, "Reports")
    page.get_by_role("link", name="Case studies", exact=True).click()
    expect(page.locator("main table")).to_contain_text("From nightly calls to the lunch club")
    problems += serious_violations(page)
    assert problems == []
