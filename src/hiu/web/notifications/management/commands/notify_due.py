"""``manage notify_due``: write the notifications that come with time (a referral clock near
breach, a visit not checked out, a relapse alert) and email those who asked.

Run it from cron or a systemd timer every few minutes (docs/notifications.md); ``make demo``
runs it once. Running it again notifies no one twice about the same event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from hiu.web.notifications.models import Kind
from hiu.web.notifications.periodic import notify_due


class Command(BaseCommand):
    help = (
        "Notify staff of referral clocks near breach, visits not checked out and open relapse "
        "alerts; safe to run again (no event is notified twice)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            help="Act as if it were this time (ISO 8601, e.g. 2026-03-02T09:00), to try it out.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = _moment(options["now"]) if options["now"] else timezone.now()
        with transaction.atomic():
            written = notify_due(now)
        for kind in Kind:
            if written[kind]:
                self.stdout.write(f"{kind.label}: {written[kind]} notified.")
        if not sum(written.values()):
            self.stdout.write("Nothing new to notify.")


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--now must be a time as YYYY-MM-DDTHH:MM, not {text!r}.") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
