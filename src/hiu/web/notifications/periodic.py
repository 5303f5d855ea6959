"""The notifications that come with time rather than with a request, found by
``manage notify_due`` (run it from cron or a systemd timer every few minutes, as
``identify_due`` is run; ``make demo`` runs it once at start).

- **Referral clock near breach**: a live referral not yet contacted whose first-contact time
  is close (``near_breach_from``). To the service's leads and the client's case manager.
- **Visit not checked out**: a lone-working visit checked in, not checked out, past the time the
  worker expected to be back. To the worker and the service's leads.
- **Relapse alert**: an open relapse alert (raised by an import or an identified list, in the
  tasks worker). To the client's case manager and the service's leads.
- **Unusual access**: yesterday, someone opened at least ``HIU_UNUSUAL_ACCESS_RECORDS`` client
  records outside their own caseload (``hiu.web.audit.unusual``). To their service's IG leads,
  with a link to those entries of the audit log.

Each notification names its event ("referral:12"), and ``notify`` writes one notification per
person and event: running the job again notifies no one twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action
from hiu.web.audit.search import AuditSearch
from hiu.web.audit.unusual import unusual_access
from hiu.web.clients.models import Client
from hiu.web.contacts.models import Visit
from hiu.web.episodes.models import RelapseAlert
from hiu.web.formatting import display_name, format_date, format_datetime
from hiu.web.notifications.models import Kind
from hiu.web.notifications.services import (
    case_manager_and_leads,
    notify,
    service_leads,
    staff_in_role,
)
from hiu.web.screening.models import Referral
from hiu.web.screening.services import first_contacts

#: No service setting says how early to warn, so: two working days before the clock runs out
#: (Monday to Friday; bank holidays are not known here), but never in the first half of the
#: clock, so a 24-hour clock does not warn the moment the referral arrives.
NEAR_BREACH_WORKING_DAYS = 2
#: A referral more than this overdue when first seen is on the referrals list as "Overdue";
#: notifying it now, long after, would be noise.
STALE_AFTER = dt.timedelta(days=1)


def minus_working_days(at: dt.datetime, days: int) -> dt.datetime:
    """``at`` moved back by ``days`` working days (Saturdays and Sundays skipped)."""
    moved = at
    left = days
    while left > 0:
        moved -= dt.timedelta(days=1)
        if moved.weekday() < 5:
            left -= 1
    return moved


def near_breach_from(referral: Referral) -> dt.datetime:
    due = referral.first_contact_due_at
    halfway = referral.received_at + (due - referral.received_at) / 2
    return max(minus_working_days(due, NEAR_BREACH_WORKING_DAYS), halfway)


def referrals_near_breach(now: dt.datetime) -> list[Referral]:
    candidates = list(
        Referral.objects.filter(
            first_contact_due_at__gte=now - STALE_AFTER, received_at__lte=now
        ).select_related("client", "client__case_manager")
    )
    contacted = first_contacts(candidates)
    return [
        referral
        for referral in candidates
        if contacted[referral.pk] is None and now >= near_breach_from(referral)
    ]


def _client_link(client: Client) -> str:
    return reverse("episodes:client", kwargs={"client_id": client.pk})


def notify_due(now: dt.datetime) -> Counter[str]:
    """Notify everything due at ``now``; how many notifications of each kind were written."""
    written: Counter[str] = Counter()
    for referral in referrals_near_breach(now):
        client = referral.client
        state = "overdue" if now > referral.first_contact_due_at else "near breach"
        made = notify(
            Kind.REFERRAL_NEAR_BREACH,
            case_manager_and_leads(client),
            client,
            text=(
                f"Referral for {client.full_name}: first contact {state}, due by "
                f"{format_datetime(referral.first_contact_due_at)}"
            ),
            link=reverse("screening:referral", kwargs={"referral_id": referral.pk}),
            event=f"referral:{referral.pk}",
        )
        written[Kind.REFERRAL_NEAR_BREACH] += len(made)
    late = Visit.objects.filter(
        checked_in_at__isnull=False, checked_out_at__isnull=True, expected_back_at__lt=now
    ).select_related("client", "worker")
    for visit in late:
        assert visit.expected_back_at is not None
        made = notify(
            Kind.VISIT_NOT_CHECKED_OUT,
            [*service_leads(visit.client.service_id), *([visit.worker] if visit.worker else [])],
            visit.client,
            text=(
                f"Visit to {visit.client.full_name} not checked out: expected back by "
                f"{format_datetime(visit.expected_back_at)}"
            ),
            link=reverse("contacts:visits"),
            event=f"visit:{visit.pk}",
        )
        written[Kind.VISIT_NOT_CHECKED_OUT] += len(made)
    for alert in RelapseAlert.objects.filter(Q(resolved_at__isnull=True)).select_related(
        "client", "client__case_manager"
    ):
        made = notify(
            Kind.RELAPSE,
            case_manager_and_leads(alert.client),
            alert.client,
            text=f"Relapse alert for {alert.client.full_name}: {alert.get_reason_display()}",
            link=_client_link(alert.client),
            event=f"relapse:{alert.pk}",
        )
        written[Kind.RELAPSE] += len(made)
    written[Kind.UNUSUAL_ACCESS] += notify_unusual_access(now)
    return written


def ig_leads(user: User) -> list[User]:
    """The IG leads of ``user``'s service."""
    profile = getattr(user, "staff_profile", None)
    if profile is None or profile.service_id is None:
        return []
    return staff_in_role(profile.service_id, Role.IG_LEAD)


def notify_unusual_access(now: dt.datetime) -> int:
    """Tell the IG leads about yesterday's unusual access (once per person and day)."""
    day = timezone.localdate(now) - dt.timedelta(days=1)
    written = 0
    for found in unusual_access(day, settings.HIU_UNUSUAL_ACCESS_RECORDS):
        search = AuditSearch(
            username=found.user.get_username(),
            action=Action.VIEW_CLIENT,
            date_from=day,
            date_to=day,
        ).as_query()
        made = notify(
            Kind.UNUSUAL_ACCESS,
            ig_leads(found.user),
            None,
            text=(
                f"{display_name(found.user)} opened {found.records} client records outside "
                f"their caseload on {format_date(day)}"
            ),
            link=f"{reverse('audit:log')}?{urlencode(search)}",
            event=f"access:{found.user.pk}:{day.isoformat()}",
        )
        written += len(made)
    return written
