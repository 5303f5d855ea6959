"""Given the demo service, whose build leaves a finished evaluation, when the service lead opens
the evaluation page and the unit-cost page, then both show what they should and neither has a
serious or critical axe violation; the downloaded report is accessible too."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_steps import serious_violations, sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_lead_reads_the_demo_evaluation(page: Page, live_url: str, tmp_path: Path) -> None:
    sign_in(page, live_url, "lead")
    page.get_by_role("link", name="Evaluation", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation")
    expect(page.get_by_text("Not for publication: contains small numbers").first).to_be_visible()
    expect(page.get_by_role("heading", name="Headline: A&E attendances")).to_be_visible()
    expect(page.get_by_text("regression to the mean").first).to_be_visible()
    # Every chart is an image with a name, and its numbers are in a table beside it.
    charts = page.locator("main svg[role='img']")
    assert charts.count() >= 10
    expect(page.get_by_role("link", name="Download evaluation.json")).to_be_visible()
    expect(page.get_by_role("link", name="Download the report (HTML)")).to_be_visible()
    assert serious_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (HTML)").click()
    report = tmp_path / download.value.suggested_filename
    download.value.save_as(report)
    assert report.name == "evaluation.html"
    page.goto(report.as_uri())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evaluation")
    assert serious_violations(page) == []


def test_the_lead_opens_the_unit_costs(page: Page, live_url: str) -> None:
    sign_in(page, live_url, "lead")
    page.goto(f"{live_url}/evaluation/unit-costs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Unit costs and running costs")
    expect(page.get_by_role("group", name="A&E attendances")).to_be_visible()
    expect(page.get_by_label("Your service's running costs for a year (£)")).to_have_value(
        "100000.00"
    )
    assert serious_violations(page) == []
