"""What the access tests share: the URL names the app serves, by namespace, and the roles each
page's view declares.

``test_access.py`` covers the pages outside the casework apps. Each casework app (episodes,
screening, contacts, plans, interventions) has its own ``test_<app>_access.py`` whose table
must name every page in its namespace: ``named_urls(namespace)`` is what it is checked against.

Each table is the specification, written in the test, never read from the code under test. The
role x page grid is checked without HTTP: ``declared_roles`` resolves each page to its view and
reads the roles its ``role_required`` names. HTTP requests are kept for what only a request
shows, once per page rather than once per role: a role the table allows opens the page
(``an_allowed_role``), a role it refuses is refused (``a_refused_role``), someone signed out is
sent to sign in, another service's record is a 404 that names nothing, and the audit event.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from hiu.web.accounts.permissions import allowed_roles
from hiu.web.accounts.roles import Role

CASEWORK_NAMESPACES = frozenset(
    {"episodes", "screening", "contacts", "plans", "interventions", "outcomes", "evaluation"}
    # Reporting: team meetings, case studies, and the reports namespace (its targets pages in
    # test_report_targets_access.py, its report pages in test_reports_access.py).
    | {"meetings", "casestudies", "reports"}
    # Corrections to any entry of a record (test_corrections_access.py).
    | {"corrections"}
    # The diary: its pages in test_diary_access.py.
    | {"diary"}
    # Notifications (each person's own) and risk alerts: test_notifications_access.py and
    # test_risk_access.py.
    | {"notifications", "risk"}
)


def _walk(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin: see test_it_keeps_django_admin_for_administrators
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _walk(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def named_urls(namespace: str | None = None) -> set[str]:
    """Every named URL, or only those in ``namespace`` ("contacts" gives "contacts:...")."""
    names = _walk(get_resolver())
    if namespace is None:
        return names
    return {name for name in names if name.split(":", 1)[0] == namespace}


def _views(resolver: URLResolver, namespace: str = "") -> dict[str, Callable[..., Any]]:
    views: dict[str, Callable[..., Any]] = {}
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            views.update(_views(entry, prefix))
        elif isinstance(entry, URLPattern) and entry.name:
            views[f"{namespace}{entry.name}"] = entry.callback
    return views


def declared_roles(url_name: str) -> frozenset[Role] | None:
    """The roles the view behind ``url_name`` lets in, read from its ``role_required`` without a
    request; None for a view that names no roles."""
    return allowed_roles(_views(get_resolver())[url_name])


# The order in which roles stand for each other in the few requests sent per page: the casework
# roles first, so a page for some of them is refused to the nearest one it leaves out.
_BY_NEARNESS = list(Role)


def an_allowed_role(roles: Iterable[Role], page: str) -> Role:
    """The role that opens ``page`` over HTTP for all the roles ``roles`` lets in. Which one
    turns with the page's name (a fixed choice, the same on every run), so that across the
    pages of a table each allowed role opens some of them."""
    allowed = [role for role in _BY_NEARNESS if role in set(roles)]
    return allowed[zlib.crc32(page.encode()) % len(allowed)]


def a_refused_role(roles: Iterable[Role]) -> Role:
    """The role refused a page over HTTP for all the roles ``roles`` leaves out: the first in
    ``Role``'s order that it leaves out (a case manager for the lead's pages)."""
    allowed = set(roles)
    return next(role for role in _BY_NEARNESS if role not in allowed)


def http_cases(pages: Mapping[str, Iterable[Role]]) -> list[Any]:
    """One case per page for the requests that only HTTP can check: (URL name, a role the table
    lets in, a role it refuses), named so that a failure says which roles were sent."""
    cases = []
    for name, roles in sorted(pages.items()):
        allowed, refused = an_allowed_role(roles, name), a_refused_role(roles)
        cases.append(
            pytest.param(name, allowed, refused, id=f"{name}-{allowed.name}-{refused.name}")
        )
    return cases


def table_cases(pages: Mapping[str, Iterable[Role]]) -> list[Any]:
    """One case per page for checking the table without HTTP: (URL name, the roles it lets in)."""
    return [pytest.param(name, frozenset(roles), id=name) for name, roles in sorted(pages.items())]
