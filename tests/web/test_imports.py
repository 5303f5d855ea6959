"""Uploading activity extracts: the form, the background import, the outcome, the quarantine
file, the audit trail, and who may see any of it.

Imports run through django-tasks' immediate backend (the ``immediate_tasks`` fixture in
conftest.py), so the real task is enqueued and runs inside the upload request; one test leaves
the database backend in place and runs the task it queued as the worker would.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from markupsafe import escape
from tables_support import without_phone_headings

from hiu.ingest.pipeline import ImportProgress, import_file
from hiu.store.store import Store
from hiu.synth.nhs_number import synthetic_nhs_numbers
from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.imports.models import ImportJob
from hiu.web.imports.running import UNEXPECTED_FAILURE, ProgressRecorder
from hiu.web.imports.status import ImportStatus

pytestmark = pytest.mark.db_engine

GOOD, SECOND, FUTURE = (str(n) for n in synthetic_nhs_numbers(np.arange(3), 0))
BAD_NHS_NUMBER = "9000000001"  # fails the Modulus 11 check
HEADER = (
    "attendance_id,nhs_number,arrival_datetime,departure_datetime,site_code,department_type,"
    "attendance_category,arrival_mode,chief_complaint,diagnosis,acuity,discharge_destination\n"
)
ATTENDANCES = (
    HEADER
    + f"A1,{GOOD},2026-03-01T10:00:00,2026-03-01T14:00:00,RQX01,01,1,,,,,\n"
    + f"A2,{SECOND},2026-03-02T09:30:00,2026-03-02T11:00:00,RQX01,01,1,,,,,\n"
    + f"A3,{BAD_NHS_NUMBER},2026-03-03T10:00:00,,RQX01,01,1,,,,,\n"
    + f"A4,{FUTURE},2099-01-01T00:00:00,,RQX01,01,1,,,,,\n"
)
NHS_NUMBER_REASON = "nhs_number: not a valid NHS number (10 digits passing the Modulus 11 check)"
FUTURE_REASON = "arrival_datetime: in the future"


@pytest.fixture
def coordinator(staff: dict[Role, User], signed_in: Callable[[User], HttpClient]) -> HttpClient:
    return signed_in(staff[Role.DATA_COORDINATOR])


def upload(
    browser: HttpClient,
    content: str | bytes = ATTENDANCES,
    *,
    name: str = "ed_march.csv",
    kind: str = "ed_attendances",
    profile: str = "",
) -> Any:
    data = content.encode() if isinstance(content, str) else content
    form = {"kind": kind, "profile": profile, "file": SimpleUploadedFile(name, data)}
    return browser.post(reverse("imports:upload"), form)


def only_job() -> ImportJob:
    return ImportJob.objects.get()


# The upload and its import -----------------------------------------------------------------


def test_it_imports_an_upload_and_quarantines_the_bad_rows_with_reasons(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient
) -> None:
    response = upload(coordinator)
    job = only_job()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.status == ImportStatus.PARTLY_QUARANTINED
    assert (job.rows_read, job.progress) == (4, 1.0)
    manifest = Store.in_data_dir(data_dir).batch(job.batch_id or 0)
    assert (manifest.rows_read, manifest.accepted, manifest.rejected) == (4, 2, 2)
    assert manifest.reasons == {NHS_NUMBER_REASON: 1, FUTURE_REASON: 1}
    assert (manifest.file_name, manifest.imported_by) == ("ed_march.csv", "data_coordinator")


def test_the_job_page_shows_the_outcome_the_reasons_and_the_manifest(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient
) -> None:
    upload(coordinator)
    job = only_job()
    page = coordinator.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "ed_march.csv is imported, with some rows quarantined" in page
    assert NHS_NUMBER_REASON in page
    assert FUTURE_REASON in page
    manifest = Store.in_data_dir(data_dir).batch(job.batch_id or 0)
    assert manifest.sha256 in page
    assert "Download the rejected rows" in page
    assert reverse("imports:quarantine", args=[job.pk]) in page
    assert "data-hiu-refresh" not in page  # finished: the page stops refreshing itself
    assert BAD_NHS_NUMBER not in page  # reasons name the rule, never the value


def test_the_upload_is_kept_under_a_name_of_our_own_and_deleted_once_imported(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient
) -> None:
    upload(coordinator, name="../../etc/passwd.csv")
    job = only_job()
    assert job.original_name == "passwd.csv"
    assert job.upload_path == ""
    assert list((data_dir / "uploads").rglob("*.csv")) == []
    assert not (data_dir.parent / "etc").exists()


def test_it_records_the_upload_in_the_audit_log_without_patient_data(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient, staff: dict[Role, User]
) -> None:
    upload(coordinator)
    job = only_job()
    event = AuditEvent.objects.get(action=Action.UPLOAD_EXTRACT)
    assert event.actor == staff[Role.DATA_COORDINATOR]
    assert (event.object_type, event.object_id) == ("import_job", str(job.pk))
    assert event.detail == {"kind": "ed_attendances", "size_bytes": len(ATTENDANCES)}
    for value in (GOOD, BAD_NHS_NUMBER):
        assert value not in str(AuditEvent.objects.filter(pk=event.pk).values().get())


def test_the_quarantine_file_downloads_with_its_rows_and_reasons_and_is_audited(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient, staff: dict[Role, User]
) -> None:
    upload(coordinator)
    job = only_job()
    response = coordinator.get(reverse("imports:quarantine", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    assert f'filename="quarantine-batch-{job.batch_id}.csv"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    lines = content.splitlines()
    assert len(lines) == 3  # the header and the two rejected rows
    assert BAD_NHS_NUMBER in content
    assert NHS_NUMBER_REASON in content
    assert FUTURE in content
    assert FUTURE_REASON in content
    assert GOOD not in content
    event = AuditEvent.objects.get(action=Action.DOWNLOAD_QUARANTINE)
    assert event.actor == staff[Role.DATA_COORDINATOR]
    assert (event.object_type, event.object_id) == ("import_job", str(job.pk))
    assert event.detail == {"batch": job.batch_id}


def test_a_clean_file_is_imported_with_no_quarantine_file(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient
) -> None:
    clean = "".join(ATTENDANCES.splitlines(keepends=True)[:3])
    upload(coordinator, clean)
    job = only_job()
    assert job.status == ImportStatus.SUCCEEDED
    page = coordinator.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "ed_march.csv is imported" in page
    assert "Download the rejected rows" not in page
    assert coordinator.get(reverse("imports:quarantine", args=[job.pk])).status_code == 404


def test_the_same_file_again_is_recognised_as_already_imported(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient
) -> None:
    upload(coordinator)
    upload(coordinator, name="same_bytes_new_name.csv")
    first, again = ImportJob.objects.order_by("pk")
    assert again.status == ImportStatus.ALREADY_IMPORTED
    assert again.batch_id == first.batch_id
    assert len(Store.in_data_dir(data_dir).batches()) == 1
    page = coordinator.get(reverse("imports:job", args=[again.pk])).content.decode()
    assert "same_bytes_new_name.csv was already imported" in page
    assert f"as batch {first.batch_id}" in page


def test_an_unreadable_file_fails_with_the_importers_message(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient
) -> None:
    upload(coordinator, "visit,when\n1,2026-01-01\n", name="wrong_columns.csv")
    job = only_job()
    assert job.status == ImportStatus.FAILED
    assert "attendance_id" in job.error  # the message names the missing columns
    assert job.error.startswith("wrong_columns.csv ")  # by its name, not the one we keep it by
    assert job.batch_id is None
    assert Store.in_data_dir(data_dir).batches() == []
    page = coordinator.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "wrong_columns.csv was not imported" in page
    assert str(escape(job.error)) in page


def test_an_unexpected_failure_shows_an_apology_and_logs_no_detail(
    data_dir: Path,
    immediate_tasks: None,
    coordinator: HttpClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A store that cannot be written: the data directory's "store" is a file, not a folder.
    (data_dir / "store").write_text("not a folder")
    with caplog.at_level(logging.ERROR):
        upload(coordinator)
    job = only_job()
    assert (job.status, job.error) == (ImportStatus.FAILED, UNEXPECTED_FAILURE)
    console = logging.getLogger().handlers  # the settings' console handler and its filter
    formatted = [handler.format(record) for record in caplog.records for handler in console]
    assert formatted
    assert any("(message withheld)" in line for line in formatted)
    assert not any(str(data_dir) in line for line in formatted)


def test_the_database_backend_queues_the_import_for_the_worker(
    data_dir: Path, coordinator: HttpClient
) -> None:
    upload(coordinator)
    job = only_job()
    assert job.status == ImportStatus.QUEUED
    page = coordinator.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Waiting for the import to start" in page
    assert "data-hiu-refresh" in page
    # What the worker finds in the queue, run as the worker runs it. (The db_worker command
    # itself closes the database connection between tasks, which a test inside a transaction
    # cannot survive on PostgreSQL; the browser tests run the real worker.)
    queued = DBTaskResult.objects.get().task_result
    assert queued.task.module_path == "hiu.web.imports.tasks.run_import"
    assert queued.args == [job.pk]
    queued.task.call(*queued.args, **queued.kwargs)
    job.refresh_from_db()
    assert job.status == ImportStatus.PARTLY_QUARANTINED


def test_a_running_job_shows_its_progress_and_refreshes_itself(
    coordinator: HttpClient, staff: dict[Role, User], service: Service
) -> None:
    job = ImportJob.objects.create(
        service=service,
        uploaded_by=staff[Role.DATA_COORDINATOR],
        uploaded_by_username="data_coordinator",
        kind="admissions",
        original_name="spells.csv",
        size_bytes=10_000_000,
        status=ImportStatus.RUNNING,
        rows_read=250_000,
        progress=0.34,
    )
    page = coordinator.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Importing spells.csv" in page
    assert "250,000 rows read, about 34% of the file." in page
    assert 'value="0.34"' in page
    assert 'data-hiu-refresh="2"' in page


def test_progress_is_written_at_most_every_half_second(
    staff: dict[Role, User], service: Service
) -> None:
    job = ImportJob.objects.create(
        service=service,
        uploaded_by_username="data_coordinator",
        kind="people",
        original_name="people.csv",
        size_bytes=1,
        status=ImportStatus.RUNNING,
    )
    now = [100.0]
    record = ProgressRecorder(job.pk, clock=lambda: now[0])
    record(ImportProgress(250_000, 0.25))
    now[0] += 0.2
    record(ImportProgress(500_000, 0.5))  # too soon: not written
    job.refresh_from_db()
    assert (job.rows_read, job.progress) == (250_000, 0.25)
    now[0] += 0.4
    record(ImportProgress(750_000, None))
    job.refresh_from_db()
    assert (job.rows_read, job.progress) == (750_000, None)


# The form ----------------------------------------------------------------------------------


def test_the_form_says_what_to_fix_and_queues_nothing(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient
) -> None:
    response = coordinator.post(reverse("imports:upload"), {"kind": "", "profile": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Select what the file holds" in page
    assert "Select a file to upload" in page
    assert "<title>Error: " in page
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.docx", ATTENDANCES, "must be a CSV, Excel (.xlsx) or Parquet file"),
        ("empty.csv", b"", "The selected file is empty"),
    ],
)
def test_it_refuses_a_file_it_cannot_import(
    data_dir: Path,
    immediate_tasks: None,
    coordinator: HttpClient,
    name: str,
    content: str | bytes,
    message: str,
) -> None:
    response = upload(coordinator, content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_it_refuses_a_file_over_the_limit_before_reading_it(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient, settings: Any
) -> None:
    settings.MAX_UPLOAD_BYTES = 10 * 1024
    response = upload(coordinator, b"x" * 200 * 1024)
    page = response.content.decode()
    assert response.status_code == 413
    assert "The file is 200 KB. Files can be up to 10 KB; ask for the extract to be split" in page
    assert "There is a problem" in page
    assert not ImportJob.objects.exists()
    assert not (data_dir / "uploads").exists()


def test_it_refuses_a_file_a_little_over_the_limit_after_reading_it(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient, settings: Any
) -> None:
    settings.MAX_UPLOAD_BYTES = 10 * 1024
    response = upload(coordinator, HEADER + "x" * 12 * 1024)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file is 12 KB. Files can be up to 10 KB; ask for the extract to be split" in page
    assert not ImportJob.objects.exists()


def test_the_form_lists_shipped_profiles_and_the_services_own(
    data_dir: Path, coordinator: HttpClient
) -> None:
    (data_dir / "profiles").mkdir()
    (data_dir / "profiles" / "riverside_ed.toml").write_text(
        'description = "Riverside A&E warehouse"\nkind = "ed_attendances"\n'
    )
    page = coordinator.get(reverse("imports:upload")).content.decode()
    assert 'value="riverside_ed"' in page
    assert "Riverside A&amp;E warehouse" in page


def test_an_upload_through_a_shipped_profile_is_mapped_to_the_canonical_columns(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient
) -> None:
    northgate = (
        "Attendance Ref,NHS No,Arrival Date,Site,Dept Type,Triage Category\n"
        f"N1,{GOOD},05/03/2026 14:30,RQX01,1,Urgent\n"
    )
    page = coordinator.get(reverse("imports:upload")).content.decode()
    assert 'value="northgate-ecds"' in page
    upload(coordinator, northgate, name="northgate.csv", profile="northgate-ecds")
    job = only_job()
    assert (job.status, job.profile) == (ImportStatus.SUCCEEDED, "northgate-ecds")
    manifest = Store.in_data_dir(data_dir).batch(job.batch_id or 0)
    assert (manifest.accepted, manifest.profile) == (1, "northgate-ecds")


def test_a_profile_not_on_the_list_is_refused(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient
) -> None:
    response = upload(coordinator, profile="../../secrets")
    assert "Select a mapping profile from the list" in response.content.decode()
    assert not ImportJob.objects.exists()


# The data coordinator's page ---------------------------------------------------------------


def test_the_data_page_shows_rows_per_kind_and_imports_newest_first(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient, tmp_path: Path
) -> None:
    analyst_file = tmp_path / "people.csv"
    analyst_file.write_text(
        f"nhs_number,given_name,family_name,date_of_birth,sex\n{GOOD},Ada,Lovelace,1980-12-10,2\n"
    )
    import_file(Store.in_data_dir(data_dir), "people", analyst_file, imported_by="analyst")
    upload(coordinator)
    job = only_job()
    page = without_phone_headings(coordinator.get(reverse("imports:data")).content.decode())
    assert "Upload an extract" in page
    people_row = page.split("People (demographics)</td>", 1)[1].split("</tr>", 1)[0]
    assert ">1<" in people_row
    attendances_row = page.split("A&amp;E attendances (ECDS)</td>", 1)[1].split("</tr>", 1)[0]
    assert ">2<" in attendances_row
    imports = page.split("<h2>Imports</h2>", 1)[1]
    assert imports.index("ed_march.csv") < imports.index("people.csv")
    assert reverse("imports:job", args=[job.pk]) in imports
    assert reverse("imports:batch", args=[1]) in imports  # the analyst's, imported by hand


def test_a_batch_imported_at_the_command_line_has_a_page_of_its_own(
    data_dir: Path, coordinator: HttpClient, tmp_path: Path
) -> None:
    extract = tmp_path / "attendances.csv"
    extract.write_text(ATTENDANCES)
    result = import_file(Store.in_data_dir(data_dir), "ed_attendances", extract, imported_by="bi")
    response = coordinator.get(reverse("imports:batch", args=[result.manifest.batch_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "attendances.csv" in page
    assert NHS_NUMBER_REASON in page
    assert "bi imported this batch outside the web app" in page
    assert BAD_NHS_NUMBER not in page
    assert coordinator.get(reverse("imports:batch", args=[999])).status_code == 404


def test_a_batch_uploaded_here_opens_its_job(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient
) -> None:
    upload(coordinator)
    job = only_job()
    response = coordinator.get(reverse("imports:batch", args=[job.batch_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])


# Who may see what --------------------------------------------------------------------------


@pytest.fixture
def finished_job(
    data_dir: Path, immediate_tasks: None, coordinator: HttpClient, client: HttpClient
) -> ImportJob:
    upload(coordinator)
    coordinator.logout()
    return only_job()


@pytest.mark.parametrize("page", ["imports:job", "imports:quarantine"])
@pytest.mark.parametrize("role", sorted(Role, key=lambda r: r.name))
def test_only_data_coordinators_open_a_job_and_its_quarantine_file(
    finished_job: ImportJob,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    role: Role,
    page: str,
) -> None:
    response = signed_in(staff[role]).get(reverse(page, args=[finished_job.pk]))
    response.close()  # the quarantine file is streamed from an open file
    assert response.status_code == (200 if role is Role.DATA_COORDINATOR else 403)


@pytest.mark.parametrize("role", sorted(Role, key=lambda r: r.name))
def test_only_data_coordinators_open_a_batch(
    finished_job: ImportJob,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    role: Role,
) -> None:
    response = signed_in(staff[role]).get(reverse("imports:batch", args=[finished_job.batch_id]))
    assert response.status_code == (302 if role is Role.DATA_COORDINATOR else 403)


@pytest.mark.parametrize("page", ["imports:job", "imports:quarantine", "imports:batch"])
def test_signed_out_people_are_sent_to_sign_in(
    finished_job: ImportJob, client: HttpClient, page: str
) -> None:
    key = finished_job.batch_id if page == "imports:batch" else finished_job.pk
    response = client.get(reverse(page, args=[key]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    assert not AuditEvent.objects.filter(action=Action.DOWNLOAD_QUARANTINE).exists()


def test_another_services_import_is_not_found(
    finished_job: ImportJob,
    make_user: Callable[..., User],
    signed_in: Callable[[User], HttpClient],
    other_service: Service,
) -> None:
    theirs = signed_in(make_user("hillside_data", Role.DATA_COORDINATOR, other_service))
    for page, key in [
        ("imports:job", finished_job.pk),
        ("imports:quarantine", finished_job.pk),
        ("imports:batch", finished_job.batch_id),
    ]:
        assert theirs.get(reverse(page, args=[key])).status_code == 404, page
    assert "ed_march.csv" not in theirs.get(reverse("imports:data")).content.decode()
    assert not AuditEvent.objects.filter(action=Action.DOWNLOAD_QUARANTINE).exists()


def test_a_data_coordinator_outside_any_service_cannot_upload(
    data_dir: Path,
    immediate_tasks: None,
    make_user: Callable[..., User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    loner = signed_in(make_user("no_service_data", Role.DATA_COORDINATOR, None))
    assert loner.get(reverse("imports:upload")).status_code == 403
    assert upload(loner).status_code == 403
    assert not ImportJob.objects.exists()


def test_an_upload_without_the_forms_token_is_refused(
    data_dir: Path, immediate_tasks: None, staff: dict[Role, User]
) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(staff[Role.DATA_COORDINATOR])
    response = upload(browser)
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
