"""What the case study pages show: each story's status as a tag, the client's stories, and the
service's list."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.urls import reverse

from hiu.web.casestudies.models import CaseStudy
from hiu.web.casestudies.services import may_change
from hiu.web.formatting import (
    display_name,
    display_username,
    format_date,
)

SHAREABLE = "Shareable — consent recorded"
WAITING = "Shareable — waiting for consent"
NOT_SHAREABLE = "Not shareable"
WITHDRAWN = "Consent withdrawn"


@dataclass(frozen=True)
class Status:
    text: str
    colour: str


def status_of(case_study: CaseStudy) -> Status:
    """Where the story stands: only "Shareable — consent recorded" reaches a report."""
    if case_study.consent_withdrawn_on is not None:
        return Status(WITHDRAWN, "red")
    if not case_study.shareable:
        return Status(NOT_SHAREABLE, "grey")
    if case_study.consent_given_on is None:
        return Status(WAITING, "yellow")
    return Status(SHAREABLE, "green")


def author(case_study: CaseStudy) -> str:
    user = case_study.written_by
    if user is not None:
        return display_name(user)
    return (
        display_username(case_study.written_by_username)
        if case_study.written_by_username
        else "Not known"
    )


@dataclass(frozen=True)
class CaseStudyView:
    case_study: CaseStudy
    status: Status
    author: str
    may_change: bool
    # The client's consent as a sentence: "Given in writing on 4 September 2026", ...
    consent: str


def _consent_text(case_study: CaseStudy) -> str:
    given = case_study.consent_given_on
    if given is None:
        return "Not recorded"
    way = "in writing" if case_study.consent_way == "written" else "verbally"
    text = f"Given {way} on {format_date(given)}"
    withdrawn = case_study.consent_withdrawn_on
    if withdrawn is not None:
        text += f"; withdrawn on {format_date(withdrawn)}"
    return text


def client_case_studies(case_studies: list[CaseStudy], user: User) -> list[CaseStudyView]:
    return [
        CaseStudyView(
            case_study=case_study,
            status=status_of(case_study),
            author=author(case_study),
            may_change=may_change(user, case_study),
            consent=_consent_text(case_study),
        )
        for case_study in case_studies
    ]


@dataclass(frozen=True)
class ListRow:
    title: str
    client: str
    author: str
    written_on: str
    status: Status
    url: str


def list_rows(case_studies: list[CaseStudy]) -> list[ListRow]:
    rows = []
    for case_study in case_studies:
        client = case_study.client
        url = reverse("casestudies:client", kwargs={"client_id": client.pk})
        rows.append(
            ListRow(
                title=case_study.title,
                client=f"{client.family_name}, {client.given_name}",
                author=author(case_study),
                written_on=format_date(case_study.written_on),
                status=status_of(case_study),
                url=f"{url}#case-study-{case_study.pk}",
            )
        )
    return rows
