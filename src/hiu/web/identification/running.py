"""Running an identification run in the tasks worker, and keeping the list it made.

The identification is the analytics core's (``hiu.identify.listing.identify`` on the DuckDB
engine), the same one ``hiu identify`` runs; this module wraps it in a run a person can watch,
copies the list into the casework database and works out who is new, continuing or dropped.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from hiu.identify.engines import DuckDBEngine
from hiu.identify.listing import IdentifiedList, age_on, identify
from hiu.identify.rules import RuleError, RuleSet
from hiu.web.episodes.relapse import alerts_from_list
from hiu.web.identification.activity import has_activity
from hiu.web.identification.models import ExcludedPerson, IdentificationRun, IdentifiedPerson
from hiu.web.identification.rulesets import load_for_service
from hiu.web.identification.status import Mark, RunStatus
from hiu.web.imports.files import activity_store

logger = logging.getLogger(__name__)

UNEXPECTED_FAILURE = (
    "The list could not be made because of a problem in the service. Try again. If it happens "
    "again, contact your administrator."
)
NO_ACTIVITY = (
    "The activity store holds no activity yet. Import the extracts on the activity data page, "
    "then make the list again."
)
#: Rows written per INSERT: a national list runs to thousands of people.
BATCH_SIZE = 500
COUNTS = (
    "ed_30d",
    "ed_90d",
    "ed_365d",
    "ambulance_90d",
    "nhs111_90d",
    "admissions_365d",
    "bed_days_365d",
)


def run_identification_job(run_id: int) -> None:
    """Make a run's list and record the outcome on the run.

    Every failure ends as a run marked failed with a message that is safe to show: a rule
    set's own messages name its file, line and key, never a row value; anything unexpected is
    logged by type and stack only (``hiu.web.log_filters``) and shown as a plain apology. No
    exception reaches the task framework, which would keep its text in the database.
    """
    # Claim the run first: a task run twice (a worker restarted while claiming) runs once.
    claimed = IdentificationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    run = IdentificationRun.objects.select_related("service").get(pk=run_id)
    try:
        rules = load_for_service(run.rule_set)
        store = activity_store()
        if not has_activity(store):
            _fail(run, NO_ACTIVITY)
            return
        result = identify(DuckDBEngine.for_store(store), rules, run.as_of)
        keep_list(run, rules, result)
    except RuleError as error:
        _fail(run, f"The rule set {run.rule_set} could not be used: {error}")
    except Exception:
        logger.exception("Identification run %s stopped unexpectedly", run.pk)
        _fail(run, UNEXPECTED_FAILURE)


def keep_list(run: IdentificationRun, rules: RuleSet, result: IdentifiedList) -> None:
    """Copy the list, the dropped and the excluded into the database and finish the run, all
    in one transaction: a list is there whole or not at all."""
    with transaction.atomic():
        previous = (
            IdentificationRun.objects.filter(service_id=run.service_id)
            .exclude(pk=run.pk)
            .done()
            .before(run.as_of, timezone.now())
            .first()
        )
        before = (
            {person.nhs_number: person for person in previous.people.listed()}
            if previous is not None
            else {}
        )
        listed = [
            IdentifiedPerson(
                run=run,
                mark=Mark.CONTINUING if row["nhs_number"] in before else Mark.NEW,
                rank=row["priority_rank"],
                **_person_fields(row),
                phone=row["phone"] or "",
                thresholds_met=row["thresholds_met"] or "",
                spread=row["spread"],
                intensity=row["intensity"],
                **{column: row[column] for column in COUNTS},
            )
            for row in result.listed.iter_rows(named=True)
        ]
        now_listed = {person.nhs_number for person in listed}
        dropped = [
            IdentifiedPerson(
                run=run,
                mark=Mark.DROPPED,
                nhs_number=person.nhs_number,
                given_name=person.given_name,
                family_name=person.family_name,
                date_of_birth=person.date_of_birth,
                age=age_on(person.date_of_birth, run.as_of) if person.date_of_birth else None,
                phone=person.phone,
            )
            for number, person in sorted(before.items())
            if number not in now_listed
        ]
        excluded = [
            ExcludedPerson(
                run=run,
                **_person_fields(row),
                thresholds_met=row["thresholds_met"] or "",
                reasons=row["reasons"] or "",
            )
            for row in result.excluded.iter_rows(named=True)
        ]
        IdentifiedPerson.objects.bulk_create([*listed, *dropped], batch_size=BATCH_SIZE)
        ExcludedPerson.objects.bulk_create(excluded, batch_size=BATCH_SIZE)
        run.status = RunStatus.DONE
        run.error = ""
        run.rule_set_title = rules.title
        run.thresholds = {threshold.name: threshold.describe() for threshold in rules.thresholds}
        run.period_start = result.period_start
        run.listed_count = len(listed)
        run.excluded_count = len(excluded)
        run.below_cut = result.below_cut
        run.previous_run = previous
        run.finished_at = timezone.now()
        run.save()
        # A stepped-down client back on the list is a relapse to pick up (hiu.web.episodes).
        alerts_from_list(run)


def _person_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "nhs_number": row["nhs_number"],
        "given_name": row["given_name"] or "",
        "family_name": row["family_name"] or "",
        "date_of_birth": row["date_of_birth"],
        "age": row["age"],
        "eligibility_date": row["eligibility_date"],
    }


def _fail(run: IdentificationRun, message: str) -> None:
    run.status = RunStatus.FAILED
    run.error = message
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
