"""The demo's contact details and organisations: the service's own address and phone, names
for the synthetic sites and GP practices, and each case-managed client's details as their case
manager recorded them. Phone numbers are in Ofcom's ranges for drama (07700 900xxx, 020 7946
0xxx), so none reaches a real person.

Most clients' details agree with the extract; every seventh has a newer mobile number than the
extract, so the record shows the extract's and the service's side by side to choose between.
"""

from __future__ import annotations

import random

from django.db.models import Count

from hiu.store.store import Store
from hiu.synth.codes import ED_SITES
from hiu.web.accounts.models import Service
from hiu.web.clients.details import extract_person
from hiu.web.clients.models import Client, ContactMethod, MessagesOk, PhoneLabel
from hiu.web.demo.factories import record_details
from hiu.web.organisations.models import Kind, Organisation

STREETS = (
    "Mare Street",
    "Station Road",
    "Church Lane",
    "Victoria Road",
    "Albion Terrace",
    "Kingsland Road",
    "Chatsworth Road",
    "Well Street",
)
PRACTICE_NAMES = (
    "The Lawson Practice",
    "Riverside Medical Centre",
    "Elm Tree Surgery",
    "Northgate Health Centre",
    "Queens Park Surgery",
    "The Greenhouse Practice",
    "Springfield Road Surgery",
    "Eastbridge Family Practice",
)
MENTAL_HEALTH_SITE_NAMES = {"RVM10": "Northgate Mental Health Unit", "RVM12": "Eastbridge Lodge"}
RELATIONSHIPS = ("Daughter", "Son", "Sister", "Neighbour", "Partner", "Friend")
CARERS = ("Ann Okafor", "Dev Shah", "Maria Costa", "Tom Reilly", "Grace Mensah", "Lee Chan")
LANGUAGES = ("Turkish", "Polish", "Bengali", "Somali")


def add_service_contact(service: Service) -> None:
    if service.phone:
        return
    service.address_line_1 = "Unit 4, Northgate Health Centre"
    service.address_line_2 = "1 Station Road"
    service.town = "Northgate"
    service.postcode = "E8 1DY"
    service.phone = "020 7946 0321"
    service.email = "hiu.team@example.nhs.uk"
    service.save()


def add_organisations(practice_codes: set[str]) -> None:
    """Sites and the practices the caseload's clients are registered with, made once."""
    sites = [(site.code, site.name) for site in ED_SITES]
    sites += list(MENTAL_HEALTH_SITE_NAMES.items())
    for code, name in sites:
        Organisation.objects.get_or_create(
            code=code,
            defaults={"name": name.upper(), "kind": Kind.SITE, "address_line_1": "HOSPITAL ROAD"},
        )
    for index, code in enumerate(sorted(practice_codes)):
        street = STREETS[index % len(STREETS)]
        Organisation.objects.get_or_create(
            code=code,
            defaults={
                "name": PRACTICE_NAMES[index % len(PRACTICE_NAMES)].upper(),
                "kind": Kind.GP_PRACTICE,
                "address_line_1": f"{10 + index} {street}".upper(),
                "address_line_2": "NORTHGATE",
                "postcode": f"E8 {index % 9 + 1}AB",
            },
        )


def add_client_details(service: Service, store: Store) -> None:
    """Details for each allocated client who has none yet, recorded by their case manager."""
    clients = (
        Client.objects.filter(service=service, case_manager__isnull=False)
        .annotate(versions=Count("details_versions"))
        .filter(versions=0)
        .select_related("case_manager")
        .order_by("nhs_number")
    )
    practices: set[str] = set()
    chosen = []
    for index, client in enumerate(clients):
        person = extract_person(store, client.nhs_number) or {}
        practice = str(person.get("gp_practice_code") or "")
        if practice:
            practices.add(practice)
        chosen.append((index, client, person, practice))
    add_organisations(practices)
    for index, client, person, practice in chosen:
        _details(index, client, person, practice)


def _details(index: int, client: Client, person: dict[str, object], practice: str) -> None:
    rng = random.Random(client.nhs_number)
    mobile = f"07700 900{rng.randint(0, 999):03d}"
    extract_phone = str(person.get("phone") or "")
    # Every seventh client gave the team a newer number than the extract holds.
    first = mobile if (index % 7 == 3 or not extract_phone) else extract_phone
    phones = [(PhoneLabel.MOBILE, first, rng.random() < 0.7)]
    if rng.random() < 0.3:
        phones.append((PhoneLabel.HOME, f"020 7946 0{rng.randint(0, 999):03d}", False))
    street = STREETS[rng.randrange(len(STREETS))]
    fields: dict[str, object] = {
        "phones": phones,
        "address_line_1": f"Flat {rng.randint(1, 40)}, {rng.randint(2, 180)} {street}",
        "town": "Northgate",
        "postcode": str(person.get("postcode") or client.postcode or ""),
        "gp_practice_code": practice,
        "preferred_method": rng.choice([ContactMethod.PHONE, ContactMethod.TEXT]),
        "best_times": rng.choice(["Weekday mornings", "After 2pm", "Not before 11am", ""]),
        "messages_ok": rng.choice([MessagesOk.YES, MessagesOk.NO, MessagesOk.NOT_ASKED]),
        "reason": "Confirmed at the first call",
    }
    if rng.random() < 0.4:
        fields["carer_name"] = rng.choice(CARERS)
        fields["carer_relationship"] = rng.choice(RELATIONSHIPS)
        fields["carer_phone"] = f"07700 900{rng.randint(0, 999):03d}"
    if rng.random() < 0.1:
        fields["interpreter_needed"] = True
        fields["interpreter_language"] = rng.choice(LANGUAGES)
    if rng.random() < 0.2:
        fields["preferred_name"] = client.given_name[:3]
    by = client.case_manager
    assert by is not None
    record_details(client, by, **fields)
