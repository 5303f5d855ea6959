"""The accessibility check the browser tests share (browser_steps.serious_violations) finds a
serious problem when there is one, and nothing on a page without one."""

from __future__ import annotations

from browser_steps import serious_violations
from playwright.sync_api import Page

PAGE = '<!doctype html><html lang="en"><head><title>Check</title></head><body><main>{}</main>'


def test_a_button_with_no_name_is_a_serious_violation(page: Page) -> None:
    page.set_content(PAGE.format('<h1>Check</h1><button type="button"></button>'))
    [found] = serious_violations(page)
    assert found.startswith("button-name (critical)")
    # A second check on the same page uses the axe already in it.
    assert serious_violations(page) == [found]


def test_a_plain_page_has_none(page: Page) -> None:
    page.set_content(PAGE.format('<h1>Check</h1><button type="button">Save</button>'))
    assert serious_violations(page) == []
