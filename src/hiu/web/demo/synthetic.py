"""What the demo reads from a folder written by ``hiu synth``: its engaged cohort (the caseload
and its engagement days), people for the live referrals, and the extracts for the activity
store. Everything here is synthetic: NHS numbers in the never-issued 9 range."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
from django.contrib.auth.models import User

from hiu.ingest.pipeline import ImportProgress, ImportResult, import_file
from hiu.schemas import KINDS
from hiu.store.store import Store
from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client, Sex, WayIn
from hiu.web.demo.factories import make_client

DEMO_IMPORTER = "demo"  # the manifests' "imported by" for the demo's own imports
# The newest engaged clients of the synthetic service become the demo caseload; a real team
# holds a few dozen open cases (003: 12-15 new per lead per quarter), not the whole cohort.
DEMO_CASELOAD_SIZE = 60


def load_caseload(service: Service, synthetic_dir: Path, managers: list[User]) -> int:
    """The newest engaged people of the cohort as the service's clients, shared between the
    case managers in turn; returns how many."""
    cohort = (
        pl.read_csv(synthetic_dir / "cohort.csv", schema_overrides={"nhs_number": pl.String})
        .sort("engaged_date", descending=True)
        .head(DEMO_CASELOAD_SIZE)
    )
    people = pl.read_csv(synthetic_dir / "people.csv", infer_schema=False).join(
        cohort, on="nhs_number", how="inner"
    )
    for index, person in enumerate(people.sort("nhs_number").iter_rows(named=True)):
        make_client(
            service,
            managers[index % len(managers)],
            **person_details(person),
            way_in=WayIn.IDENTIFIED,
        )
    return people.height


def person_details(person: dict[str, str]) -> dict[str, Any]:
    """A person's details from a row of ``people.csv``, as a client record holds them."""
    return {
        "nhs_number": person["nhs_number"],
        "given_name": person["given_name"],
        "family_name": person["family_name"],
        "date_of_birth": dt.date.fromisoformat(person["date_of_birth"]),
        "sex": person["sex"] if person["sex"] in Sex.values else Sex.NOT_KNOWN,
        "postcode": person["postcode"] or "",
        "phone": person["phone"] or "",
        "gp_practice_code": person["gp_practice_code"] or "",
    }


def cohort_engagement(synthetic_dir: Path) -> dict[str, dt.date]:
    """The synthetic truth: each engaged person's NHS number and engagement day."""
    cohort = pl.read_csv(synthetic_dir / "cohort.csv", infer_schema=False)
    return {
        row["nhs_number"]: dt.date.fromisoformat(row["engaged_date"])
        for row in cohort.iter_rows(named=True)
    }


def referral_people(
    synthetic_dir: Path, service: Service, engaged: dict[str, dt.date]
) -> list[dict[str, str]]:
    """Three people of the synthetic population who are neither clients nor in the cohort."""
    known = set(Client.objects.filter(service=service).values_list("nhs_number", flat=True))
    people = pl.read_csv(synthetic_dir / "people.csv", infer_schema=False).filter(
        pl.col("date_of_death").is_null()
    )
    chosen = []
    for row in people.iter_rows(named=True):
        if row["nhs_number"] not in known and row["nhs_number"] not in engaged:
            chosen.append(row)
        if len(chosen) == 3:
            break
    return chosen


def import_demo_activity(
    synthetic_dir: Path,
    store: Store,
    progress: Callable[[str, ImportProgress], None] | None = None,
) -> Iterator[tuple[str, ImportResult]]:
    """Import each synthetic extract in ``synthetic_dir`` into ``store``, people first.

    The same importer as ``hiu import`` and the upload page, so the demo's store is built the
    way a real one is. A file imported before is found by its hash and left as it is, which
    makes running the demo again quick. Yields each file's name and result as it finishes.
    """
    for kind in KINDS:
        path = synthetic_dir / f"{kind}.csv"
        if not path.is_file():
            continue

        def report(step: ImportProgress, name: str = path.name) -> None:
            if progress is not None:
                progress(name, step)

        yield path.name, import_file(store, kind, path, imported_by=DEMO_IMPORTER, progress=report)
