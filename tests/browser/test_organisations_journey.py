"""Given the demo service, when the data coordinator loads an ODS file of trust sites (no header
row, quoted fields), then the load's page counts what was added and names the rejected row, and
no page on the way has a serious or critical axe violation."""

from __future__ import annotations

from pathlib import Path

from browser_steps import follow, serious_violations, sign_in
from playwright.sync_api import Page, expect

ETS = (
    '"RQXM1","HOMERTON UNIVERSITY HOSPITAL","Y56","QMF","HOMERTON ROW","","","LONDON","",'
    '"E9 6SR","19950401","","","","RQX","","","","","","","0","","","","",""\n'
    '"RQXM2","NO POSTCODE SITE","Y56","QMF","","","","","","NOWHERE","","","","","","",""\n'
)


def test_the_data_coordinator_loads_an_ods_file(page: Page, live_url: str, tmp_path: Path) -> None:
    sign_in(page, live_url, "datacoordinator")
    problems: list[str] = []
    page.goto(f"{live_url}/data/")
    follow(page, page.get_by_role("link", name="Organisations"))
    problems += serious_violations(page)
    follow(page, page.get_by_role("link", name="Load an ODS file"))
    problems += serious_violations(page)
    follow(page, page.get_by_role("button", name="Load the file"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select what the file holds")
    problems += serious_violations(page)

    path = tmp_path / "ets.csv"
    path.write_text(ETS, encoding="utf-8")
    page.locator("input[name=kind][value=site]").check()
    page.locator("input[type=file]").set_input_files(str(path))
    follow(page, page.get_by_role("button", name="Load the file"))
    main = page.locator("main")
    expect(main).to_contain_text("1 added, 0 updated, 1 rejected")
    expect(main).to_contain_text("10 (postcode)")
    problems += serious_violations(page)
    assert problems == []
