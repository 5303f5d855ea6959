"""Given the demo service, when a case manager adds a phone number and a carer to one of their
clients, then the record shows them, the history shows who changed what, and no page has a
serious or critical axe violation."""

from __future__ import annotations

from browser_steps import follow, serious_violations, sign_in
from playwright.sync_api import Page, expect


def test_a_case_manager_adds_a_phone_number_and_a_carer(page: Page, live_url: str) -> None:
    sign_in(page, live_url, "casemanager")
    problems: list[str] = []
    follow(page, page.locator("main table a[href^='/clients/']").first)
    problems += serious_violations(page)
    follow(page, page.get_by_role("link", name="Change details"))
    problems += serious_violations(page)

    page.locator("#phone_3").fill("07700 900461")
    page.locator("#phone_3_label").select_option("home")
    page.locator("#carer_name").fill("Ruth Adeyemi")
    page.locator("#carer_relationship").fill("Sister")
    page.locator("#carer_phone").fill("020 7946 0999")
    page.locator("#reason").fill("Given on the phone")
    follow(page, page.get_by_role("button", name="Save details"))

    expect(page.locator(".nhsuk-notification-banner--success")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("07700 900461 (home)")
    expect(main).to_contain_text("Ruth Adeyemi, Sister, 020 7946 0999")
    expect(main).to_contain_text("by Sam Okafor")
    problems += serious_violations(page)

    follow(page, page.get_by_role("link", name="History of details"))
    current = page.locator("main h3").first
    expect(current).to_contain_text("(current)")
    expect(main).to_contain_text("Changed: Phone numbers, Next of kin or carer")
    expect(main).to_contain_text("Reason: Given on the phone")
    problems += serious_violations(page)

    # A wrong number comes back with the NHS.UK error summary, and is accessible too.
    page.go_back()
    follow(page, page.get_by_role("link", name="Change details"))
    page.locator("#phone_3").fill("12345")
    follow(page, page.get_by_role("button", name="Save details"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a UK phone number")
    problems += serious_violations(page)
    assert problems == []
