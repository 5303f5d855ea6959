"""``import_organisations KIND FILE``: load an ODS file (epraccur.csv, ets.csv) from the command
line, as the data coordinator's page does. Safe to run again: known codes are updated in place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hiu.web.organisations.importing import NotAnOdsFile, import_organisations
from hiu.web.organisations.models import Kind


class Command(BaseCommand):
    help = "Load NHS Digital ODS organisations (no header row) into the organisation table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=Kind.values, help="gp_practice or site")
        parser.add_argument("file", type=Path, help="the ODS CSV file, e.g. epraccur.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        try:
            load = import_organisations(
                path.read_bytes(), options["kind"], file_name=path.name, by=None
            )
        except NotAnOdsFile as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(
            f"{load.rows} rows: {load.created} added, {load.updated} updated, "
            f"{load.rejected} rejected"
        )
        for rejection in load.rejections.all():
            where = f"row {rejection.row}"
            if rejection.column:
                where += f", column {rejection.column} ({rejection.column_name})"
            self.stdout.write(f"  {where}: {rejection.reason}")
