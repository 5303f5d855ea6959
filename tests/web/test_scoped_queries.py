"""Views reach client records only through scoped querysets (``visible_to``).

A lint in test form, like the breast-screening service's provider-scope check: any view module
that mentions ``Client.objects`` must go straight to ``.visible_to(``. Aggregates for
commissioners live in ``clients/aggregates.py`` and are suppressed there.
"""

from __future__ import annotations

import re
from pathlib import Path

import hiu.web

WEB = Path(hiu.web.__file__).parent
UNSCOPED = re.compile(r"Client\.objects\.(?!visible_to\()")


def test_no_view_queries_clients_without_scoping() -> None:
    offenders = []
    for module in sorted(WEB.rglob("views.py")):
        for number, line in enumerate(module.read_text().splitlines(), start=1):
            if UNSCOPED.search(line):
                offenders.append(f"{module.relative_to(WEB)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_lint_would_catch_an_unscoped_query() -> None:
    assert UNSCOPED.search("clients = Client.objects.filter(service=s)")
    assert not UNSCOPED.search("clients = Client.objects.visible_to(request.user)")
