"""``manage check_relapses``: raise relapse alerts for stepped-down clients with activity in the
store since they stepped down. Imports do this themselves; run it from cron as well, so alerts
do not wait for the next upload (for example after ``hiu import`` at the command line)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hiu.web.episodes.relapse import alerts_from_new_activity
from hiu.web.imports.files import activity_store


class Command(BaseCommand):
    help = "Raise relapse alerts for stepped-down clients with new activity in the store."

    def handle(self, *args: Any, **options: Any) -> None:
        raised = alerts_from_new_activity(activity_store())
        # Counts only: names and NHS numbers never reach the console or the logs.
        self.stdout.write(f"{len(raised)} relapse alert(s) raised.")
