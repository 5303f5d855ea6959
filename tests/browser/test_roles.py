"""Given the demo service, when each person signs in in Chromium, they land on their own home
page, can move around their navigation, and no page has a serious or critical axe violation."""

from __future__ import annotations

import re

import pytest
from browser_steps import serious_violations, sign_in
from playwright.sync_api import Page, expect

# username -> (the role shown in the header, the heading of their home page)
HOMES = {
    "lead": ("Service lead", "Team caseload"),
    "casemanager": ("Case manager", "My caseload"),
    "datacoordinator": ("Data coordinator", "Activity data"),
    "volunteers": ("Volunteer coordinator", "Volunteers"),
    "commissioner": ("Commissioner", "Reports"),
    "ig": ("IG lead", "Audit log"),
    "admin": ("Administrator", "Users and roles"),
}


def test_the_sign_in_page_is_accessible(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert serious_violations(page) == []


def test_a_wrong_password_shows_an_accessible_error_summary(page: Page, live_url: str) -> None:
    sign_in(page, live_url, "lead", "not-the-password")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # NHS.UK frontend moves focus to the summary
    assert page.title().startswith("Error:")
    assert serious_violations(page) == []


@pytest.mark.parametrize("username", sorted(HOMES))
def test_each_demo_user_lands_on_their_home_and_every_page_is_accessible(
    page: Page, live_url: str, username: str
) -> None:
    role, heading = HOMES[username]
    sign_in(page, live_url, username)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator(".nhsuk-header__account")).to_contain_text(f"({role})")
    problems = serious_violations(page)
    links = page.locator(".nhsuk-header__navigation-list a.nhsuk-header__navigation-link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for href in hrefs:
        page.goto(f"{live_url}{href}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        problems += serious_violations(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert problems == []


def test_a_case_manager_opens_a_client_record_and_the_view_is_audited(
    page: Page, live_url: str
) -> None:
    sign_in(page, live_url, "casemanager")
    first = page.locator("table a").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Who viewed this record")).to_be_visible()
    assert serious_violations(page) == []
    record_number = page.url.rstrip("/").rsplit("/", 1)[1]
    page.get_by_role("button", name="Sign out").click()

    # The IG lead of the service reads it in words, with the client's name; the administrator
    # reads the record's number only.
    family, given = (part.strip() for part in name.split(","))
    sign_in(page, live_url, "ig")
    page.goto(f"{live_url}/audit/?client={record_number}")
    rows = page.locator("tbody tr")
    in_words = re.compile(rf"viewed {re.escape(given)} {re.escape(family)}", re.IGNORECASE)
    expect(rows.first).to_contain_text(in_words)
    expect(rows.first).to_contain_text(f"(record {record_number})")
    expect(rows.first).to_contain_text("casemanager")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_url, "admin")
    page.goto(f"{live_url}/audit/?client={record_number}")
    expect(page.locator("tbody tr").first).to_contain_text(f"client record {record_number}")
    expect(page.locator("tbody")).not_to_contain_text(in_words)


def test_the_accessibility_check_would_catch_a_serious_violation(page: Page) -> None:
    # Guards the guard: an unlabelled field and an image without alt text must be reported.
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<h1>Form</h1><input type="text"><img src="x.png"></main></body></html>'
    )
    found = serious_violations(page)
    assert any(v.startswith("label ") for v in found)
    assert any(v.startswith("image-alt ") for v in found)
    # A second check of the same page uses the axe already in it, and finds the same.
    assert serious_violations(page) == found
