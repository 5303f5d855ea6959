"""Given the demo service, when the service lead opens Reports, previews the period chosen for
them (the latest quarter the demo's activity data covers) and issues it, and a commissioner then
signs in, then the commissioner's only page is Reports, they read the issued report and download
its PDF and workbook, and no page has a serious or critical axe violation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_steps import serious_violations, sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_lead_issues_a_report_and_the_commissioner_reads_and_downloads_it(
    page: Page, live_url: str, tmp_path: Path
) -> None:
    # Given the lead on Reports, the period chosen for them is a quarter that has ended.
    sign_in(page, live_url, "lead")
    # (The lead's navigation has more links than fit: Reports may be under "More".)
    page.goto(f"{live_url}/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    chosen = page.get_by_label("Period").locator("option:checked").inner_text()
    assert "so far" not in chosen
    problems = serious_violations(page)

    # When they preview it, the draft shows its warning, charts and tables.
    page.get_by_role("button", name="Preview").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Draft report: ")
    period_label = chosen.split(" (", 1)[0]
    expect(heading).to_contain_text(period_label)
    expect(page.get_by_text("figures change as casework is recorded")).to_be_visible()
    assert page.locator("main svg[role='img']").count() >= 1
    assert page.locator("main table caption").count() >= 10
    expect(page.get_by_role("link", name="PDF", exact=True)).to_be_visible()
    problems += serious_violations(page)

    # And issue it, they see version 1 of the issued report.
    page.get_by_role("button", name="Issue this report").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("issued as version")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text(period_label)
    problems += serious_violations(page)
    page.get_by_role("button", name="Sign out").click()

    # Then a commissioner lands on Reports, their only page, and finds the issued report.
    sign_in(page, live_url, "commissioner")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    links = page.locator(".nhsuk-header__navigation-list a.nhsuk-header__navigation-link")
    expect(links).to_have_count(1)
    expect(links.first).to_have_text("Reports")
    expect(page.get_by_role("button", name="Preview")).to_have_count(0)
    problems += serious_violations(page)
    page.locator("main table").get_by_role("link", name=period_label).first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.locator("main svg[role='img']").count() >= 1
    expect(page.get_by_role("button", name="Issue this report")).to_have_count(0)
    problems += serious_violations(page)

    # And downloads its PDF and workbook.
    files = (("PDF", b"%PDF-", r"\.pdf"), ("Excel workbook (XLSX)", b"PK", r"\.xlsx"))
    for label, start, suffix in files:
        with page.expect_download() as download:
            page.locator("main ul.nhsuk-list").get_by_role("link", name=label, exact=True).click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert re.fullmatch(rf"hiu-report-[a-z0-9-]+-\d{{4}}Q[1-4]-v\d+{suffix}", saved.name)
        assert saved.read_bytes().startswith(start)
    assert problems == []
