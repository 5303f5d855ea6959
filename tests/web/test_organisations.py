"""The organisation table: loaded from NHS Digital's ODS files as published (no header row,
quoted fields, trailing columns), atomic and re-runnable, with rejected rows kept and named;
then sites and GP practices show their names where codes showed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django.urls import reverse

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.identification.presenters import TABLES, Shown
from hiu.web.organisations.importing import NotAnOdsFile, import_organisations
from hiu.web.organisations.models import Organisation, OrganisationImport, names_for

pytestmark = [pytest.mark.django_db, pytest.mark.db_engine]

# Shaped as epraccur.csv: 27 columns, every field quoted, no header; dates, status, parent and
# phone after the postcode. The practices are made up.
EPRACCUR = (
    '"F84003","THE LAWSON PRACTICE","Y56","QMF","ST LEONARDS HOSPITAL","NUTTALL STREET",'
    '"","LONDON","","N1  5LZ","19740401","","A","B","07T","20130401","","02077397101",'
    '"","","","0","","","","4",""\n'
    '"Y01234","RIVERSIDE MEDICAL CENTRE","Y56","QMF","1 RIVER ROAD","","","LONDON","",'
    '"E8 1DY","20010401","","A","B","07T","20130401","","02079460000","","","","0","","","",'
    '"4",""\n'
    '"BAD!","BROKEN PRACTICE","Y56","QMF","","","","","","E8 1DY","","","A","","","","","",'
    '"","","","0","","","","4",""\n'
    '"F84004","NO POSTCODE SURGERY","Y56","QMF","2 HIGH STREET","","","LONDON","","NOT A PC",'
    '"","","A","","","","","","","","","0","","","","4",""\n'
    '"F84005","","Y56","QMF","","","","","","E8 1DY","","","A","","","","","","","","","0",'
    '"","","","4",""\n'
    '"F84003","THE LAWSON PRACTICE AGAIN","Y56","QMF","","","","","","N1 5LZ","","","A","","",'
    '"","","","","","","0","","","","4",""\n'
    '"SHORT","ROW"\n'
)
# Shaped as ets.csv: trust sites, the same first ten columns.
ETS = (
    '"RQXM1","HOMERTON UNIVERSITY HOSPITAL","Y56","QMF","HOMERTON ROW","","","LONDON","",'
    '"E9 6SR","19950401","","","","RQX","","","","","","","0","","","","",""\n'
)


def _load(text: str, kind: str = "gp_practice") -> OrganisationImport:
    return import_organisations(text.encode(), kind, file_name="epraccur.csv", by=None)


def test_an_ods_file_without_a_header_loads_its_good_rows_and_names_each_bad_one() -> None:
    load = _load(EPRACCUR)
    assert (load.rows, load.created, load.updated, load.rejected) == (7, 2, 0, 5)
    lawson = Organisation.objects.get(code="F84003")
    assert lawson.name == "THE LAWSON PRACTICE"
    assert lawson.address_lines == ["ST LEONARDS HOSPITAL", "NUTTALL STREET", "LONDON", "N1 5LZ"]
    assert lawson.kind == "gp_practice"
    rejected = [(r.row, r.column, r.column_name) for r in load.rejections.all()]
    assert rejected == [
        (3, 1, "organisation code"),
        (4, 10, "postcode"),
        (5, 2, "name"),
        (6, 1, "organisation code"),
        (7, None, ""),
    ]
    reasons = [r.reason for r in load.rejections.all()]
    assert "'BAD!' is not an ODS code" in reasons[0]
    assert "'NOT A PC' is not a postcode" in reasons[1]
    assert reasons[3] == "F84003 is also on row 1; the first is kept"
    assert reasons[4] == "has 2 columns; an ODS file's rows have at least 10"


def test_loading_the_same_file_again_changes_nothing_and_a_newer_one_updates_in_place() -> None:
    _load(EPRACCUR)
    again = _load(EPRACCUR)
    assert (again.created, again.updated) == (0, 0)
    newer = EPRACCUR.replace("THE LAWSON PRACTICE", "LAWSON PRACTICE (MERGED)", 1)
    load = _load(newer)
    assert (load.created, load.updated) == (0, 1)
    assert Organisation.objects.get(code="F84003").name == "LAWSON PRACTICE (MERGED)"
    assert Organisation.objects.count() == 2


def test_a_file_that_is_not_in_the_ods_layout_loads_nothing() -> None:
    with pytest.raises(NotAnOdsFile, match="not in the ODS layout"):
        _load("code,name\nF84003,Lawson\n")
    with pytest.raises(NotAnOdsFile, match="empty"):
        _load("\n\n")
    assert not Organisation.objects.exists()
    assert not OrganisationImport.objects.exists()


def test_the_load_is_audited_with_counts_and_no_row_values() -> None:
    load = _load(EPRACCUR)
    event = AuditEvent.objects.get(action=Action.CHANGE_SERVICE_SETTINGS)
    assert event.detail == {
        "what": "organisation_import",
        "kind": "gp_practice",
        "created": 2,
        "updated": 0,
        "rejected": 5,
    }
    assert event.object_id == str(load.pk)


def test_the_command_loads_a_file_and_can_be_run_again(tmp_path: Path) -> None:
    path = tmp_path / "ets.csv"
    path.write_text(ETS, encoding="utf-8")
    out = StringIO()
    call_command("import_organisations", "site", str(path), stdout=out)
    assert "1 rows: 1 added, 0 updated, 0 rejected" in out.getvalue()
    call_command("import_organisations", "site", str(path), stdout=out)
    assert "1 rows: 0 added, 0 updated, 0 rejected" in out.getvalue()
    assert Organisation.objects.get(code="RQXM1").kind == "site"
    with pytest.raises(CommandError):
        call_command("import_organisations", "site", str(tmp_path / "missing.csv"))


def test_the_command_names_the_rejected_rows(tmp_path: Path) -> None:
    path = tmp_path / "epraccur.csv"
    path.write_text(EPRACCUR, encoding="utf-8")
    out = StringIO()
    call_command("import_organisations", "gp_practice", str(path), stdout=out)
    assert "row 4, column 10 (postcode): 'NOT A PC' is not a postcode" in out.getvalue()


# The pages ----------------------------------------------------------------------------------
def test_the_data_coordinator_uploads_a_file_and_sees_its_rejected_rows(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    http = signed_in(staff[Role.DATA_COORDINATOR])
    upload = SimpleUploadedFile("epraccur.csv", EPRACCUR.encode(), content_type="text/csv")
    response = http.post(reverse("organisations:upload"), {"kind": "gp_practice", "file": upload})
    assert response.status_code == 302
    page = http.get(response["Location"]).content.decode()
    assert "2 added, 0 updated, 5 rejected" in page
    assert "10 (postcode)" in page
    listing = http.get(reverse("organisations:list")).content.decode()
    assert "GP practices: 2" in listing
    assert "epraccur.csv" in listing


def test_an_upload_that_is_not_an_ods_file_comes_back_with_an_error(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    http = signed_in(staff[Role.DATA_COORDINATOR])
    upload = SimpleUploadedFile("list.csv", b"code,name\nF84003,Lawson\n")
    response = http.post(reverse("organisations:upload"), {"kind": "gp_practice", "file": upload})
    assert response.status_code == 200
    text = response.content.decode()
    assert "nhsuk-error-summary" in text
    assert "not in the ODS layout" in text
    missing = http.post(reverse("organisations:upload"), {"kind": "gp_practice"})
    assert "Select an ODS file to upload" in missing.content.decode()


def test_hostile_text_in_a_file_is_shown_as_text(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    hostile = (
        '"F84009","<script>alert(1)</script>","","","=HYPERLINK(""x"")","","","","","E8 1DY"\n'
    )
    load = _load(hostile + '"<b>","X","","","","","","","","E8 1DY"\n')
    http = signed_in(staff[Role.DATA_COORDINATOR])
    page = http.get(reverse("organisations:load", args=[load.pk])).content.decode()
    assert "<b>" not in page.split("<main", 1)[1]
    assert "&lt;b&gt;" in page


def test_one_load_is_for_the_data_coordinator_only(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], client: HttpClient
) -> None:
    load = _load(ETS, "site")
    url = reverse("organisations:load", args=[load.pk])
    assert client.get(url)["Location"].startswith(reverse("accounts:sign_in"))
    assert signed_in(staff[Role.SERVICE_LEAD]).get(url).status_code == 403
    assert signed_in(staff[Role.DATA_COORDINATOR]).get(url).status_code == 200
    missing = reverse("organisations:load", args=[load.pk + 100])
    assert signed_in(staff[Role.DATA_COORDINATOR]).get(missing).status_code == 404


# Names where codes showed ---------------------------------------------------------------------
def test_a_clients_gp_practice_shows_its_loaded_name(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., object],
    service: Service,
) -> None:
    record = make_client(service, gp_practice_code="F84003")
    http = signed_in(staff[Role.CASE_MANAGER])
    before = http.get(reverse("clients:detail", args=[record.pk])).content.decode()  # type: ignore[attr-defined]
    assert "THE LAWSON PRACTICE" not in before
    _load(EPRACCUR)
    after = http.get(reverse("clients:detail", args=[record.pk])).content.decode()  # type: ignore[attr-defined]
    assert "THE LAWSON PRACTICE (F84003)" in after


def test_the_activity_tables_show_loaded_site_names_and_code_descriptions() -> None:
    _load(ETS, "site")
    row = {
        "site_code": "RQXM1",
        "arrival_mode": "1048031000000100",
        "attendance_category": "1",
        "chief_complaint": "99999999",
    }
    shown = Shown(as_of=dt.date(2026, 1, 31), sites=names_for({"RQXM1", "RZK01"}))
    cells = {heading: cell(row, shown) for heading, cell, _ in TABLES["ed_attendances"][1]}
    assert cells["Site"] == "HOMERTON UNIVERSITY HOSPITAL (RQXM1)"
    assert cells["Arrival mode"] == "Emergency road ambulance"
    assert cells["Category"] == "Unplanned first attendance"
    assert cells["Chief complaint"] == "99999999 (unknown code)"
    unloaded = {
        heading: cell({"site_code": "RZK01"}, shown) for heading, cell, _ in TABLES["admissions"][1]
    }
    assert unloaded["Site"] == "RZK01"
