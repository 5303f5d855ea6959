"""Given the demo service and its tasks worker, when the data coordinator uploads an extract with
a bad row in Chromium, they watch it import, see the outcome and can download the rejected row;
no page on the way has a serious or critical axe violation."""

from __future__ import annotations

import uuid

import numpy as np
from browser_steps import serious_violations, sign_in
from playwright.sync_api import Page, expect

from hiu.synth.nhs_number import synthetic_nhs_numbers

GOOD = str(synthetic_nhs_numbers(np.arange(1), 99)[0])
BAD_NHS_NUMBER = "9000000001"  # fails the Modulus 11 check
REASON = "nhs_number: not a valid NHS number (10 digits passing the Modulus 11 check)"


def extract() -> bytes:
    # Identifiers of this run's own, so the file is never one the store has seen before.
    run = uuid.uuid4().hex[:8]
    return (
        "attendance_id,nhs_number,arrival_datetime,site_code\n"
        f"B{run}-1,{GOOD},2026-05-01T10:00:00,RQX01\n"
        f"B{run}-2,{BAD_NHS_NUMBER},2026-05-02T10:00:00,RQX01\n"
    ).encode()


def test_a_data_coordinator_uploads_an_extract_and_watches_it_import(
    page: Page, live_url: str
) -> None:
    sign_in(page, live_url, "datacoordinator")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activity data")
    store = page.get_by_role("table", name="Rows in the activity store")
    people = store.get_by_role("row", name="People (demographics)")
    expect(people).to_contain_text("20,000")  # the demo imported its 20,000 adults
    problems = serious_violations(page)

    page.get_by_role("button", name="Upload an extract").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload an extract")
    problems += serious_violations(page)

    # Submitted empty: the error summary says what to fix and links to each field.
    page.get_by_role("button", name="Upload and import").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Select what the file holds")
    expect(summary).to_contain_text("Select a file to upload")
    assert page.title().startswith("Error:")
    problems += serious_violations(page)

    page.get_by_label("A&E attendances (ECDS)").check()
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "ed_may.csv", "mimeType": "text/csv", "buffer": extract()}]
    )
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator(".nhsuk-caption-l")).to_contain_text("Import")
    problems += serious_violations(page)  # waiting, importing or finished: whichever it is now

    # The page follows the import by itself and shows the outcome when it is done.
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(
        "ed_may.csv is imported, with some rows quarantined", timeout=60_000
    )
    expect(page.get_by_role("cell", name=REASON)).to_be_visible()
    problems += serious_violations(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the rejected rows").click()
    rows = download.value.path().read_text()
    assert BAD_NHS_NUMBER in rows
    assert REASON in rows
    assert GOOD not in rows

    page.get_by_role("link", name="Back to activity data").click()
    expect(page.get_by_role("link", name="ed_may.csv").first).to_be_visible()
    problems += serious_violations(page)
    assert problems == []
