"""Given the demo service, when a worker amends a contact's duration and marks another contact
entered in error, then each entry's history shows what was done, by whom and why, and the entry
in error leaves the log until asked for; when the lead moves a contact filed on the wrong client,
then it leaves that record (which keeps a line naming no one) for the right one. axe finds
nothing serious on any page of the way."""

from __future__ import annotations

import re

from browser_steps import follow, serious_violations, sign_in
from playwright.sync_api import Page, expect


def _record_contact(page: Page, base: str, client: str, note: str, minutes: str) -> None:
    page.goto(f"{base}{client}contacts/new/")
    page.locator("input[name=channel][value=phone]").check()
    page.locator("input[name=reached][value=yes]").check()
    page.get_by_label("How long did it last? (optional)").fill(minutes)
    page.get_by_label("Note", exact=True).fill(note)
    follow(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_text("The contact is recorded")).to_be_visible()


def _open_entry(page: Page, note: str) -> None:
    row = page.locator("tr", has_text=note)
    follow(page, row.get_by_role("link", name=re.compile("Correct|History")))


def test_amend_mark_in_error_and_move(page: Page, live_url: str) -> None:
    sign_in(page, live_url, "lead")
    page.goto(f"{live_url}/clients/")
    records = page.locator("main table a[href^='/clients/']")
    expect(records.first).to_be_visible()
    first, second = (records.nth(i).get_attribute("href") or "" for i in range(2))
    problems: list[str] = []

    _record_contact(page, live_url, first, "Browser: long call", "90")
    _record_contact(page, live_url, first, "Browser: recorded twice", "10")

    # Amend the duration.
    _open_entry(page, "Browser: long call")
    follow(page, page.get_by_role("link", name="Amend this contact or attempt"))
    problems += serious_violations(page)
    page.get_by_label("How long did it last? (optional)").fill("9")
    page.get_by_label("Why are you amending it?").fill("Typed 90 for 9")
    follow(page, page.get_by_role("button", name="Save the amendment"))
    expect(page.get_by_text("Amended", exact=True)).to_be_visible()
    expect(page.get_by_text("Reason: Typed 90 for 9")).to_be_visible()
    expect(page.locator("table", has_text="What changed")).to_contain_text("90")
    problems += serious_violations(page)

    # Mark the other entered in error.
    page.goto(f"{live_url}{first}contacts/")
    _open_entry(page, "Browser: recorded twice")
    follow(page, page.get_by_role("link", name="Mark it entered in error"))
    problems += serious_violations(page)
    page.get_by_label("Why was it entered in error?").fill("Recorded twice")
    follow(page, page.get_by_role("button", name="Mark entered in error"))
    expect(page.locator("main table").first).not_to_contain_text("Browser: recorded twice")
    follow(
        page,
        page.get_by_role("link", name=re.compile(r"Show entries marked in error")),
    )
    expect(page.locator("#in-error")).to_contain_text("Browser: recorded twice")
    expect(page.locator("#in-error")).to_contain_text("Reason: Recorded twice")
    problems += serious_violations(page)
    follow(page, page.locator("#in-error").get_by_role("link", name=re.compile("History")))
    expect(page.get_by_text("Marked entered in error", exact=True)).to_be_visible()
    problems += serious_violations(page)

    # The lead moves an entry filed on the wrong client.
    page.goto(f"{live_url}{second}contacts/")
    header = page.locator("main p.nhsuk-body-s").first.inner_text()
    found = re.search(r"NHS number ([\d ]+)", header)
    assert found is not None
    right_nhs = found.group(1).strip()
    _record_contact(page, live_url, first, "Browser: wrong client", "15")
    _open_entry(page, "Browser: wrong client")
    follow(page, page.get_by_role("link", name="Move it to another client's record"))
    problems += serious_violations(page)
    page.get_by_label("NHS number of the client it belongs to").fill(right_nhs)
    page.get_by_label("Why are you moving it?").fill("Filed on the wrong client")
    follow(page, page.get_by_role("button", name="Move the entry"))
    expect(page.get_by_text("An entry was moved to another record by")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Browser: wrong client")
    problems += serious_violations(page)
    page.goto(f"{live_url}{second}contacts/")
    expect(page.locator("main")).to_contain_text("Browser: wrong client")
    _open_entry(page, "Browser: wrong client")
    expect(page.get_by_text("Moved from another record", exact=True)).to_be_visible()
    problems += serious_violations(page)
    assert problems == []
