"""What the access tests share: the URL names the app serves, by namespace.

``test_access.py`` covers the pages outside the casework apps. Each casework app (episodes,
screening, contacts, plans, interventions) has its own ``test_<app>_access.py`` whose table
must name every page in its namespace: ``named_urls(namespace)`` is what it is checked against.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

CASEWORK_NAMESPACES = frozenset(
    {"episodes", "screening", "contacts", "plans", "interventions", "outcomes", "evaluation"}
    # Reporting: team meetings, case studies, and the reports namespace (its targets pages in
    # test_report_targets_access.py, its report pages in test_reports_access.py).
    | {"meetings", "casestudies", "reports"}
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
