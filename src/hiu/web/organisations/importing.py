"""Loading NHS Digital's ODS files into the organisation table.

The files (``epraccur.csv`` for GP practices, ``ets.csv`` for NHS trust sites, and the others
in the same "standard" layout) have no header row. Their first ten columns are the same in
every file: organisation code, name, national grouping, high level health geography, address
lines 1 to 5, postcode; later columns (open and close dates, status, parent, phone, ...)
differ and are ignored here.

A load is atomic: every good row is added or updated in place (a file loaded twice changes
nothing the second time), or nothing is. Bad rows are left out and kept, each with its row
number, the column that is wrong and why.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hiu import contact_formats
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.organisations.models import Kind, Organisation, OrganisationImport, RejectedRow

#: The standard ODS layout's first columns, in order (1-based in messages).
COLUMNS = (
    "organisation code",
    "name",
    "national grouping",
    "high level health geography",
    "address line 1",
    "address line 2",
    "address line 3",
    "address line 4",
    "address line 5",
    "postcode",
)
_CODE = re.compile(r"[A-Z0-9]{3,10}")
_LIMITS = {1: 200, 4: 100, 5: 100, 6: 100, 7: 100, 8: 100}


class NotAnOdsFile(ValueError):
    pass


@dataclass(frozen=True)
class Rejection:
    row: int
    column: int | None
    reason: str
    text: str

    @property
    def column_name(self) -> str:
        return COLUMNS[self.column - 1] if self.column else ""


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NotAnOdsFile("The file is not text: choose the CSV file from the ODS download")


def read_rows(data: bytes) -> tuple[dict[str, Organisation], list[Rejection], int]:
    """The file's organisations by code, its rejected rows and how many rows it had."""
    text = _decode(data)
    found: dict[str, Organisation] = {}
    first_row: dict[str, int] = {}
    rejected: list[Rejection] = []
    count = 0
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        raw = ",".join(cells)[:500]
        if len(cells) < len(COLUMNS):
            rejected.append(
                Rejection(
                    number,
                    None,
                    f"has {len(cells)} columns; an ODS file's rows have at least {len(COLUMNS)}",
                    raw,
                )
            )
            continue
        values = [cell.strip() for cell in cells[: len(COLUMNS)]]
        code = values[0].upper()
        problem: tuple[int, str] | None = None
        if not _CODE.fullmatch(code):
            problem = (1, f"{values[0]!r} is not an ODS code (3 to 10 letters and digits)")
        elif not values[1]:
            problem = (2, "the name is empty")
        elif code in first_row:
            problem = (1, f"{code} is also on row {first_row[code]}; the first is kept")
        else:
            for index, limit in _LIMITS.items():
                if len(values[index]) > limit:
                    problem = (index + 1, f"is longer than {limit} characters")
                    break
        postcode = ""
        if problem is None and values[9]:
            try:
                postcode = contact_formats.postcode(values[9])
            except contact_formats.NotAPostcode:
                problem = (10, f"{values[9]!r} is not a postcode")
        if problem is not None:
            rejected.append(Rejection(number, problem[0], problem[1], raw))
            continue
        first_row[code] = number
        found[code] = Organisation(
            code=code,
            name=values[1],
            address_line_1=values[4],
            address_line_2=values[5],
            address_line_3=values[6],
            address_line_4=values[7],
            address_line_5=values[8],
            postcode=postcode,
        )
    if count == 0:
        raise NotAnOdsFile("The file is empty: choose the CSV file from the ODS download")
    if not found and rejected and all(r.column is None for r in rejected):
        raise NotAnOdsFile(
            "The file is not in the ODS layout: its rows have fewer than "
            f"{len(COLUMNS)} columns. Choose a file such as epraccur.csv or ets.csv"
        )
    return found, rejected, count


_FIELDS = (
    "name",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "address_line_5",
    "postcode",
)


@transaction.atomic
def import_organisations(
    data: bytes,
    kind: str,
    *,
    file_name: str,
    by: User | None,
    request: HttpRequest | None = None,
) -> OrganisationImport:
    """Load one ODS file of ``kind``: add new codes, update known ones in place."""
    kind = Kind(kind)
    found, rejected, count = read_rows(data)
    existing = {org.code: org for org in Organisation.objects.filter(code__in=list(found))}
    to_create, to_update = [], []
    for code, org in found.items():
        org.kind = kind
        known = existing.get(code)
        if known is None:
            to_create.append(org)
        elif any(getattr(known, name) != getattr(org, name) for name in _FIELDS) or (
            known.kind != kind
        ):
            for name in (*_FIELDS, "kind"):
                setattr(known, name, getattr(org, name))
            known.updated_at = timezone.now()
            to_update.append(known)
    Organisation.objects.bulk_create(to_create, batch_size=1000)
    Organisation.objects.bulk_update(to_update, [*_FIELDS, "kind", "updated_at"], batch_size=1000)
    load = OrganisationImport.objects.create(
        kind=kind,
        file_name=file_name[:200],
        imported_by=by,
        imported_at=timezone.now(),
        rows=count,
        created=len(to_create),
        updated=len(to_update),
        rejected=len(rejected),
    )
    RejectedRow.objects.bulk_create(
        RejectedRow(
            load=load,
            row=r.row,
            column=r.column,
            column_name=r.column_name,
            reason=r.reason[:300],
            text=r.text,
        )
        for r in rejected
    )
    record(
        Action.CHANGE_SERVICE_SETTINGS,
        request=request,
        actor=by,
        object_type="organisations",
        object_id=load.pk,
        detail={
            "what": "organisation_import",
            "kind": str(kind),
            "created": load.created,
            "updated": load.updated,
            "rejected": load.rejected,
        },
    )
    return load
