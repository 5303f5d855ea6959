"""Someone for the demo's forgiving search to find: a DAVIES, with a phone number and a
postcode, so that "davis", "07700 900123" and "e8 1dy" each find a client on any synthetic
population (whose names are drawn at random). Only ``manage demo`` calls this."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.clients.models import Client, WayIn
from hiu.web.demo.factories import make_client, record_episode
from hiu.web.demo.service import DemoTeam
from hiu.web.episodes.phases import Complexity, Phase

#: In the never-issued 999 range, outside the synthetic population's and the factories' own.
DAVIES_NHS_NUMBER = "9990099990"


def add_search_examples(service: Service, team: DemoTeam) -> Client | None:
    """A referred client named Megan Davies, being contacted by the first case manager; made
    once, and only when the service has no Davies of its own."""
    if Client.objects.filter(service=service, family_name__iexact="Davies").exists():
        return None
    client = make_client(
        service,
        case_manager=team.managers[0],
        nhs_number=DAVIES_NHS_NUMBER,
        given_name="Megan",
        family_name="Davies",
        date_of_birth=dt.date(1968, 5, 14),
        phone="07700 900123",
        postcode="E8 1DY",
        way_in=WayIn.REFERRED,
    )
    record_episode(
        client,
        Phase.CONTACTING,
        opened_on=timezone.localdate() - dt.timedelta(days=2),
        way_in="referred",
        complexity=Complexity.MEDIUM,
    )
    return client
