"""Given the demo service with its lived-in caseload, when its staff work a client's whole
pathway in Chromium — screen a list and accept someone, try three times to reach them and send
the letters, reach them, take consent, assess and plan, add an intervention, move them to
holding and step them down — and pick up a relapse alert by re-opening the case, then every step
shows what it did and no page on the way has a serious or critical axe violation."""

from __future__ import annotations

import datetime as dt
import re

from browser_steps import data_end, follow, long_date, serious_violations, sign_in
from playwright.sync_api import Page, expect


def _tab(page: Page, name: str) -> None:
    page.locator(".hiu-secondary-nav").get_by_role("link", name=name).click()


def _date(page: Page, prefix: str, day: str, month: str, year: str) -> None:
    page.locator(f"#{prefix}-day").fill(day)
    page.locator(f"#{prefix}-month").fill(month)
    page.locator(f"#{prefix}-year").fill(year)


def _screen_and_accept(page: Page, live_url: str) -> tuple[str, list[str]]:
    """The lead screens the demo's latest list and accepts its first unscreened person for
    Sam Okafor; returns the person's name."""
    sign_in(page, live_url, "lead")
    page.locator(".nhsuk-header__navigation-list").get_by_role(
        "link", name="Identification"
    ).click()
    page.get_by_role("link", name=long_date(data_end())).click()
    follow(page, page.get_by_role("link", name="Screen this list"))
    problems = serious_violations(page)
    # The first person not yet screened who is not already a client being supported.
    rows = page.locator("main table").first.locator("tbody tr")
    free = rows.filter(has_not_text="Already supported")
    free.first.get_by_role("link", name=re.compile(r"^Screen")).click()
    # The page's title is "Screen <name>", then a dash and the service's name.
    name = page.title().removeprefix("Screen ").split(" \u2013 ")[0]
    problems += serious_violations(page)
    # Saving with nothing chosen: the error summary says what to do.
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    problems += serious_violations(page)
    page.locator("input[name=decision][value=accept]").check()
    page.locator("input[name=complexity][value=high]").check()
    page.get_by_label("Case manager (optional)").select_option(label="Sam Okafor")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".nhsuk-notification-banner--success")).to_be_visible()
    problems += serious_violations(page)
    return name, problems


def _open_client(page: Page, live_url: str, username: str, listed: str) -> list[str]:
    """Open the client from the user's caseload, where names read "FAMILY, Given"."""
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_url, username)
    page.get_by_role("link", name=listed, exact=True).first.click()
    family, given = listed.split(", ", 1)
    heading = re.compile(rf"^{re.escape(given)} {re.escape(family)}$", re.IGNORECASE)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    return serious_violations(page)


def _log_contact(page: Page, *, reached: bool, note: str) -> None:
    page.get_by_role("link", name="Record a contact or attempt").click()
    page.locator("input[name=channel][value=phone]").check()
    page.locator(f"input[name=reached][value={'yes' if reached else 'no'}]").check()
    page.get_by_label("Note", exact=True).fill(note)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text(note)


def _change_phase(page: Page, to: str, reason: str = "") -> list[str]:
    _tab(page, "Episodes")
    page.get_by_role("link", name="Change phase").click()
    page.get_by_label(to, exact=True).check()
    if reason:
        page.get_by_label("Why").fill(reason)
    problems = serious_violations(page)
    page.get_by_role("button", name="Change phase").click()
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text(f"now {to.lower()}")
    return problems + serious_violations(page)


def test_a_client_s_pathway_from_the_list_to_stepping_down(page: Page, live_url: str) -> None:
    name, problems = _screen_and_accept(page, live_url)

    # The case manager finds the new client on their caseload, in contacting.
    problems += _open_client(page, live_url, "casemanager", name)
    expect(page.locator("body")).to_contain_text("Contacting")

    # Three attempts without an answer: the letters to the client and their GP are prompted.
    _tab(page, "Contacts and letters")
    for attempt in range(3):
        _log_contact(page, reached=False, note=f"Attempt {attempt + 1}: no answer.")
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text("3 attempts without reaching")
    problems += serious_violations(page)
    page.get_by_role("button", name="Make the letters").click()
    expect(page.locator(".nhsuk-warning-callout")).to_have_count(0)
    letters = page.get_by_role("table", name="Letters made, newest first")
    expect(letters.locator("tbody tr")).to_have_count(2)
    letters.locator("tbody a").first.click()
    expect(page.locator("body")).to_contain_text(name.split(", ")[-1])  # the given name
    problems += serious_violations(page)
    page.go_back()

    # At last they answer, and agree to work with the service.
    _log_contact(page, reached=True, note="Talked for 25 minutes; agreed to meet tomorrow.")
    problems += _change_phase(page, "Engaged")

    # Written consent at the first face-to-face meeting, witnessed.
    _tab(page, "Consent")
    page.get_by_text("Record consent", exact=True).click()
    page.locator("input[name=level][value=written]").check()
    for box in page.locator("input[name=statements]").all():
        box.check()
    page.get_by_label("Who witnessed it? (needed for written consent)").fill(
        "Sam Okafor, case manager"
    )
    problems += serious_violations(page)
    page.get_by_role("button", name="Save consent").click()
    expect(page.locator("body")).to_contain_text("Sam Okafor, case manager")
    problems += serious_violations(page)

    # Assessment in their own words, then an action plan with two goals.
    _tab(page, "Assessment and plans")
    page.get_by_role("link", name="Record the assessment").click()
    page.get_by_label("The client's own account").fill(
        "Goes to A&E when the panic starts at night; lonely since moving flat."
    )
    page.locator("input[name=needs][value=loneliness]").check()
    page.locator("input[name=needs][value=mental_health]").check()
    page.locator("input[name=readiness][value=ready]").check()
    for field in ("risk_to_self", "risk_to_others", "risk_to_staff"):
        page.locator(f"input[name={field}][value=low]").check()
    problems += serious_violations(page)
    page.get_by_role("button", name="Save assessment").click()
    expect(page.locator("body")).to_contain_text("Loneliness and isolation")
    page.get_by_role("link", name="Make the action plan").click()
    page.get_by_label("Summary of the plan").fill("Weekly calls; befriending; a plan for nights.")
    page.get_by_label("Goal 1 description").fill("Join the Tuesday walking group")
    page.get_by_label("Goal 2 description").fill("Call the crisis line before 999 at night")
    problems += serious_violations(page)
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.locator("body")).to_contain_text("Join the Tuesday walking group")
    problems += serious_violations(page)

    # An intervention from the catalogue.
    _tab(page, "Interventions")
    problems += serious_violations(page)
    page.get_by_text("Refer to an intervention", exact=True).click()
    page.locator("input[name=type]").first.check()
    today = dt.date.today()
    _date(page, "referred_on", str(today.day), str(today.month), str(today.year))
    problems += serious_violations(page)
    page.get_by_role("button", name="Save referral").click()
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text("recorded")
    problems += serious_violations(page)

    # Support done: holding, then stepping down with the letters.
    problems += _change_phase(page, "Holding", "Plan completed")
    _tab(page, "Episodes")
    expect(page.get_by_role("link", name="Record a holding check")).to_be_visible()
    problems += _change_phase(page, "Stepped down", "Connected to the walking group")
    expect(page.locator("body")).to_contain_text("3 months")  # the first follow-up is set
    problems += serious_violations(page)

    assert problems == []


def test_a_relapse_alert_re_opens_the_case(page: Page, live_url: str) -> None:
    # The demo's stepped-down clients with activity after stepping down have relapse alerts;
    # the lead meets them on the tasks list.
    sign_in(page, live_url, "lead")
    follow(page, page.locator(".nhsuk-header__navigation-list").get_by_role("link", name="Tasks"))
    problems = serious_violations(page)
    page.get_by_role("link", name=re.compile("Relapse alert")).first.click()
    expect(page.locator(".nhsuk-card--warning, .nhsuk-warning-callout").first).to_contain_text(
        "Relapse alert"
    )
    problems += serious_violations(page)
    page.get_by_role("link", name="Re-open the case").first.click()
    page.get_by_label("What has happened?").fill("Called the team after losing their job.")
    problems += serious_violations(page)
    page.get_by_role("button", name="Re-open the case").click()
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text("open again")
    expect(page.locator("body")).to_contain_text("Re-opened after a relapse")
    problems += serious_violations(page)
    assert problems == []
