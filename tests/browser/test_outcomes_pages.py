"""Given the demo service with its lived-in outcomes, when a case manager records a GAD-7 and
rates a client's goals through the forms, and the service lead opens the experience
questionnaire and the outcome summary, then each step shows what it did and no page (the
Outcomes tab, each form, with and without errors, the questionnaire editor, the summary) has a
serious or critical axe violation."""

from __future__ import annotations

import re

from browser_steps import follow, serious_violations, sign_in
from playwright.sync_api import Page, expect


def _tab(page: Page, name: str) -> None:
    page.locator(".hiu-secondary-nav").get_by_role("link", name=name).click()


def _client_with_goals(page: Page, live_url: str) -> str:
    """The record of the first client on the case manager's caseload with action plan goals."""
    sign_in(page, live_url, "casemanager")
    links = page.locator("main table a[href^='/clients/']")
    expect(links.first).to_be_visible()
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    for href in hrefs:
        page.goto(f"{live_url}{href.rstrip('/')}/outcomes/goals/")
        if page.locator("input[name^=goal_]").count():
            return href
    raise AssertionError("no client on the caseload has goals")


def test_a_case_manager_records_a_gad7_and_goal_ratings(page: Page, live_url: str) -> None:
    record = _client_with_goals(page, live_url)
    page.goto(f"{live_url}{record}")
    _tab(page, "Outcomes")
    expect(page.get_by_role("heading", name="Outcomes", level=2)).to_be_visible()
    problems = serious_violations(page)

    follow(page, page.get_by_role("link", name="Record a questionnaire"))
    problems += serious_violations(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    problems += serious_violations(page)
    page.get_by_label("GAD-7").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Record GAD-7")).to_be_visible()
    problems += serious_violations(page)
    # Saved without saying when in care: the error summary says what to do.
    page.get_by_role("button", name="Save GAD-7").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Select when in the client's care it was completed"
    )
    problems += serious_violations(page)
    page.locator("input[name=point][value=review]").check()
    for number in range(1, 8):
        page.locator(f"input[name=item_{number}][value='1']").check()
    page.get_by_role("button", name="Save GAD-7").click()
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text("GAD-7 scored")
    gad7 = page.locator("main table").filter(has_text="GAD-7 questionnaires")
    expect(gad7).to_contain_text("Mild")
    problems += serious_violations(page)

    follow(page, page.get_by_role("link", name="Rate progress towards goals"))
    problems += serious_violations(page)
    first_goal = page.locator("input[name^=goal_][value='8']").first
    first_goal.check()
    page.get_by_role("button", name="Save ratings").click()
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text(
        "Goal ratings saved"
    )
    goals = page.locator("main table").filter(has_text="First to latest")
    expect(goals).to_contain_text(re.compile(r"\d+ to 8: "))
    problems += serious_violations(page)

    follow(page, page.get_by_role("link", name="Record an experience questionnaire"))
    problems += serious_violations(page)
    assert problems == []


def test_the_lead_opens_the_questionnaire_editor_and_the_outcome_summary(
    page: Page, live_url: str
) -> None:
    sign_in(page, live_url, "lead")
    page.locator(".nhsuk-header__navigation-list").get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outcome summary")
    expect(page.locator("main table").first).to_contain_text("target 66%")
    problems = serious_violations(page)
    page.get_by_label("Quarter").select_option(index=1)
    follow(page, page.get_by_role("button", name="Show quarter"))
    problems += serious_violations(page)

    page.get_by_role("link", name="Change the experience questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Experience questionnaire")
    problems += serious_violations(page)
    page.locator("#question_0_positive").fill("")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    problems += serious_violations(page)
    assert problems == []
