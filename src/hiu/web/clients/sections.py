"""The pages of a client record, in the order its navigation shows them.

Each casework app owns its own pages of the record (contacts, consent, plans, ...); this list
is the one place that joins them, so the header of every client page shows the same tabs.
Every URL here takes ``client_id``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClientPage:
    label: str
    url_name: str


CLIENT_PAGES: tuple[ClientPage, ...] = (
    ClientPage("Summary", "clients:detail"),
    ClientPage("Activity", "clients:activity"),
    ClientPage("Tasks", "clients:client_tasks"),
    ClientPage("Episodes", "episodes:client"),
    ClientPage("Contacts and letters", "contacts:client"),
    ClientPage("Diary", "diary:client"),
    ClientPage("Consent", "plans:consent"),
    ClientPage("Assessment and plans", "plans:client"),
    ClientPage("Interventions", "interventions:client"),
    ClientPage("Outcomes", "outcomes:client"),
    ClientPage("Case studies", "casestudies:client"),
)
