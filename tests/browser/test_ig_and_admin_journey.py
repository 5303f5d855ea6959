"""Given the demo service, the administrator adds a colleague and switches their account off,
and the IG lead searches the audit log for it and for a mistyped NHS number; axe finds no
serious or critical violation on any of their pages."""

from __future__ import annotations

import uuid

from browser_steps import follow, serious_violations, sign_in
from playwright.sync_api import Page, expect

PASSWORD = "a browser test passphrase 7"


def test_the_administrator_adds_a_user_and_switches_them_off(page: Page, live_url: str) -> None:
    username = f"new{uuid.uuid4().hex[:6]}"
    sign_in(page, live_url, "admin")
    follow(page, page.get_by_role("button", name="Add a user"))
    problems = serious_violations(page)
    follow(page, page.get_by_role("button", name="Save"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a username")
    assert page.title().startswith("Error:")
    problems += serious_violations(page)

    page.get_by_label("Username").fill(username)
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Bloggs")
    page.get_by_label("Service", exact=True).select_option(index=1)  # the demo's one service
    page.get_by_label("Case manager", exact=True).check()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Save"))
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(f"sign in as {username}")
    row = page.locator("tbody tr", has_text=username)
    expect(row).to_contain_text("Case manager")
    follow(page, row.get_by_role("button", name="Switch off"))
    expect(page.locator("tbody tr", has_text=username)).to_contain_text("No, switched off")
    problems += serious_violations(page)
    follow(page, page.locator("tbody tr", has_text=username).get_by_role("link", name=username))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Jo Bloggs")
    problems += serious_violations(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_url, "ig")
    page.get_by_label("Action").select_option(value="deactivate_user")
    follow(page, page.get_by_role("button", name="Search the audit log"))
    expect(page.locator("tbody tr").first).to_contain_text("Kim Taylor switched off a user's")
    problems += serious_violations(page)
    page.get_by_label("NHS number").fill("943 476 5918")  # the check digit is wrong
    follow(page, page.get_by_role("button", name="Search the audit log"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a valid NHS number")
    expect(page.locator("tbody")).to_have_count(0)
    problems += serious_violations(page)
    assert problems == []
