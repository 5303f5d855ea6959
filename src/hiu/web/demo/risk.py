"""The demo's one risk answer: a PHQ-9 recorded today by a case manager for one of their engaged
clients, with question 9 answered "Several days", so the red banner, the caseload flag, the
review task and the notifications can be seen (issue 18 point 7). Made through
``hiu.web.outcomes.services.record_measure``, as the page does; once only."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hiu.outcomes import INSTRUMENTS
from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client
from hiu.web.demo.service import DemoTeam
from hiu.web.episodes.phases import Phase
from hiu.web.outcomes import services as outcomes
from hiu.web.outcomes.models import PointInCare
from hiu.web.risk.models import RiskAlert

#: The PHQ-9 answers: moderate depression (total 12) with question 9 "Several days".
ANSWERS = {1: 2, 2: 2, 3: 1, 4: 2, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1}


def add_risk_answer(service: Service, team: DemoTeam, today: dt.date) -> RiskAlert | None:
    if RiskAlert.objects.filter(client__service=service).exists() or not team.managers:
        return None
    manager = team.managers[0]
    client = (
        Client.objects.filter(service=service, case_manager=manager, episodes__phase=Phase.ENGAGED)
        .order_by("family_name", "given_name", "id")
        .first()
    )
    if client is None:
        return None
    # Dated the demo's today, or the real one if that is earlier: never in the future.
    completed_on = min(today, timezone.localdate())
    made = outcomes.record_measure(
        client,
        INSTRUMENTS["phq9"],
        by=manager,
        completed_on=completed_on,
        point=PointInCare.REVIEW,
        answers=ANSWERS,
    )
    return made.risk_alerts.first()
