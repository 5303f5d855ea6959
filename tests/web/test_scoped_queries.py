"""Views reach client records, import jobs and identified lists only through scoped querysets
(``visible_to``).

A lint in test form, like the breast-screening service's provider-scope check: any view module
that mentions ``Client.objects``, ``ImportJob.objects``, ``IdentificationRun.objects``,
``IdentifiedPerson.objects`` or ``ExcludedPerson.objects`` must go straight to ``.visible_to(``.
The one other question views may ask of every service's import jobs is which batches are not
theirs (``batches_of_other_services``), which returns batch numbers only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import hiu.web

pytestmark = pytest.mark.db_engine

WEB = Path(hiu.web.__file__).parent
UNSCOPED = re.compile(
    r"Client\.objects\.(?!visible_to\()"
    r"|ImportJob\.objects\.(?!visible_to\(|batches_of_other_services\()"
    r"|(IdentificationRun|IdentifiedPerson|ExcludedPerson)\.objects\.(?!visible_to\()"
)


def test_no_view_queries_clients_import_jobs_or_lists_without_scoping() -> None:
    offenders = []
    for module in sorted(WEB.rglob("views.py")):
        for number, line in enumerate(module.read_text().splitlines(), start=1):
            if UNSCOPED.search(line):
                offenders.append(f"{module.relative_to(WEB)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_lint_would_catch_an_unscoped_query() -> None:
    assert UNSCOPED.search("clients = Client.objects.filter(service=s)")
    assert not UNSCOPED.search("clients = Client.objects.visible_to(request.user)")
    assert UNSCOPED.search("job = get_object_or_404(ImportJob.objects.all(), pk=job_id)")
    assert not UNSCOPED.search("jobs = ImportJob.objects.visible_to(request.user)")
    assert UNSCOPED.search("run = IdentificationRun.objects.get(pk=run_id)")
    assert UNSCOPED.search("people = IdentifiedPerson.objects.filter(run=run)")
    assert not UNSCOPED.search("people = ExcludedPerson.objects.visible_to(request.user)")
