"""``manage demo``: create the demo service, its staff in every role, and its caseload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hiu.config import env_str
from hiu.web.accounts.demo import DEFAULT_DEMO_PASSWORD, DEMO_USERS, create_demo_service


class Command(BaseCommand):
    help = "Create the demo service, a user for every role and a synthetic caseload."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--synthetic",
            type=Path,
            help="A directory written by `hiu synth`; its engaged cohort becomes the caseload.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        synthetic: Path | None = options["synthetic"]
        if synthetic is not None and not (synthetic / "cohort.csv").is_file():
            raise CommandError(f"{synthetic} has no cohort.csv: run `hiu synth --out {synthetic}`.")
        password = env_str("HIU_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        service, clients = create_demo_service(password, synthetic)
        self.stdout.write(f"Demo service: {service.name}, {clients} clients.")
        self.stdout.write("Demo sign-ins (every one uses the same password):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<16} {user.role.label}")
        if password == DEFAULT_DEMO_PASSWORD:
            self.stdout.write(f"Password: {password}  (set HIU_DEMO_PASSWORD to choose another)")
        else:
            self.stdout.write("Password: the value of HIU_DEMO_PASSWORD")
