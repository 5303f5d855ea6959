"""``manage identify_due``: queue the scheduled identified lists that are due.

Run it from cron or a systemd timer, say every morning (docs/identification-web.md); the tasks
worker (``manage db_worker``) makes the lists. Running it again queues nothing twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hiu.web.formatting import format_date
from hiu.web.identification.services import Outcome, queue_due_lists


class Command(BaseCommand):
    help = (
        "Queue the monthly or quarterly identified list of every service whose list is due: "
        "as of the last day of the previous month or quarter, once per service and date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            help="Act as if today were this date (YYYY-MM-DD), to catch up or to try it out.",
        )
        parser.add_argument(
            "--without-waiting-for-data",
            action="store_true",
            help=(
                "Queue a due list even when the activity store holds no activity up to its "
                "as-of date yet (by default such a list waits for the extracts)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["today"]) if options["today"] else timezone.localdate()
        due = queue_due_lists(today, wait_for_data=not options["without_waiting_for_data"])
        if not due:
            self.stdout.write("No service makes lists on a schedule.")
        for item in due:
            as_of = format_date(item.as_of)
            name = item.service.name
            if item.outcome is Outcome.QUEUED and item.run is not None:
                message = f"queued the list as of {as_of} (run {item.run.pk})"
            elif item.outcome is Outcome.ALREADY_MADE:
                message = f"the list as of {as_of} is already made or queued"
            else:
                message = f"the list as of {as_of} waits for activity up to that day"
            self.stdout.write(f"{name}: {message}.")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {text!r}.") from None
