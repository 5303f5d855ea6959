"""``manage demo``: create the demo service, its staff in every role, its caseload, the
synthetic population's activity in the activity store, and two identified lists from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hiu.config import env_str
from hiu.ingest.errors import UnreadableFile
from hiu.ingest.pipeline import ImportProgress, ImportResult
from hiu.web.accounts.models import Service
from hiu.web.demo.build import (
    create_demo_service,
    make_demo_caseload,
    make_demo_evaluation,
    make_demo_lists,
)
from hiu.web.demo.service import DEFAULT_DEMO_PASSWORD, DEMO_USERS
from hiu.web.demo.synthetic import import_demo_activity
from hiu.web.formatting import format_date
from hiu.web.identification.models import IdentificationRun
from hiu.web.identification.status import Mark, RunStatus
from hiu.web.imports.files import activity_store


class Command(BaseCommand):
    help = (
        "Create the demo service, a user for every role and a synthetic caseload, import the "
        "synthetic extracts into the activity store and make two identified lists from them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--synthetic",
            type=Path,
            help=(
                "A directory written by `hiu synth`: its engaged cohort becomes the caseload, "
                "its extracts are imported into the activity store, and two identified lists "
                "are made from them."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        synthetic: Path | None = options["synthetic"]
        if synthetic is not None and not (synthetic / "cohort.csv").is_file():
            raise CommandError(f"{synthetic} has no cohort.csv: run `hiu synth --out {synthetic}`.")
        password = env_str("HIU_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        service, clients = create_demo_service(password, synthetic)
        self.stdout.write(f"Demo service: {service.name}, {clients} clients.")
        if synthetic is not None:
            self._import_activity(synthetic)
            runs = self._make_lists(service)
            counts = make_demo_caseload(service, synthetic, runs)
            phases = ", ".join(
                f"{n} {phase.replace('_', ' ')}" for phase, n in sorted(counts.items())
            )
            self.stdout.write(f"Caseload: {phases}.")
            evaluation = make_demo_evaluation(service)
            if evaluation is not None:
                outcome = evaluation.error or "finished"
                self.stdout.write(f"Evaluation ({evaluation.replicates} replicates): {outcome}")
        self.stdout.write("Demo sign-ins (every one uses the same password):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<16} {user.role.label}")
        if password == DEFAULT_DEMO_PASSWORD:
            self.stdout.write(f"Password: {password}  (set HIU_DEMO_PASSWORD to choose another)")
        else:
            self.stdout.write("Password: the value of HIU_DEMO_PASSWORD")

    def _import_activity(self, synthetic: Path) -> None:
        store = activity_store()
        self.stdout.write(f"Activity store: {store.root}")
        try:
            for name, result in import_demo_activity(synthetic, store, self._progress):
                self.stdout.write(f"  {name}: {_outcome(result)}")
        except UnreadableFile as error:
            raise CommandError(f"A synthetic extract could not be imported: {error}") from None

    def _make_lists(self, service: Service) -> list[IdentificationRun]:
        self.stdout.write(f"Identification ({service.rule_set}):")
        runs = make_demo_lists(service)
        for run in runs:
            self.stdout.write(f"  {_list_outcome(run)}")
        return runs

    def _progress(self, name: str, step: ImportProgress) -> None:
        share = f" ({step.fraction:.0%})" if step.fraction is not None else ""
        self.stdout.write(f"  {name}: {step.rows_read:,} rows read{share}")


def _outcome(result: ImportResult) -> str:
    manifest = result.manifest
    if result.already_imported:
        return f"already imported as batch {manifest.batch_id}, skipped"
    return (
        f"imported as batch {manifest.batch_id}: {manifest.accepted:,} rows accepted, "
        f"{manifest.rejected:,} rejected"
    )


def _list_outcome(run: IdentificationRun) -> str:
    as_of = format_date(run.as_of)
    if run.status != RunStatus.DONE:
        return f"the list as of {as_of} was not made: {run.error}"
    marks = run.people.mark_counts()
    return (
        f"list as of {as_of}: {run.listed_count:,} people ({marks.get(Mark.NEW, 0):,} new, "
        f"{marks.get(Mark.CONTINUING, 0):,} continuing), {marks.get(Mark.DROPPED, 0):,} dropped, "
        f"{run.excluded_count:,} excluded"
    )
