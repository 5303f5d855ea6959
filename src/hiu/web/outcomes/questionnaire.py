"""The service's experience questionnaire (PREM): its versions, kept as JSON, read back as
``hiu.outcomes.prem.PremQuestion``.

Until the service lead saves a version of their own, a service uses the standard
questionnaire, ``DEFAULT_PREM`` (an overall-experience headline question in the style of the
Friends and Family Test, and a few more), which counts as version 0. Versions are never edited:
responses point at the version the client answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hiu.outcomes import Option
from hiu.outcomes.prem import DEFAULT_PREM, PremQuestion
from hiu.web.accounts.models import Service
from hiu.web.outcomes.models import PremQuestionnaire


@dataclass(frozen=True)
class Questionnaire:
    version: int  # 0: the standard questionnaire
    questions: tuple[PremQuestion, ...]

    @property
    def headline(self) -> PremQuestion | None:
        return next((q for q in self.questions if q.headline), None)


STANDARD = Questionnaire(version=0, questions=tuple(DEFAULT_PREM))


def to_json(questions: tuple[PremQuestion, ...]) -> list[dict[str, Any]]:
    return [
        {
            "key": q.key,
            "text": q.text,
            "options": [[o.value, o.label] for o in q.options],
            "positive_values": sorted(q.positive_values),
            "headline": q.headline,
        }
        for q in questions
    ]


def from_json(rows: list[dict[str, Any]]) -> tuple[PremQuestion, ...]:
    return tuple(
        PremQuestion(
            key=str(row["key"]),
            text=str(row["text"]),
            options=tuple(Option(int(value), str(label)) for value, label in row["options"]),
            positive_values=frozenset(int(v) for v in row["positive_values"]),
            headline=bool(row["headline"]),
        )
        for row in rows
    )


def current_questionnaire(service: Service) -> Questionnaire:
    """The version the service uses now: its latest, or the standard questionnaire."""
    latest = PremQuestionnaire.objects.filter(service=service).order_by("-version").first()
    if latest is None:
        return STANDARD
    return Questionnaire(version=latest.version, questions=from_json(latest.questions))


def questionnaires_of(service: Service) -> dict[int, Questionnaire]:
    """Every version the service has had, the standard one as version 0, in one query."""
    found = {0: STANDARD}
    for saved in PremQuestionnaire.objects.filter(service=service):
        found[saved.version] = Questionnaire(saved.version, from_json(saved.questions))
    return found


def version_rows(service: Service) -> list[PremQuestionnaire]:
    return list(
        PremQuestionnaire.objects.filter(service=service)
        .select_related("made_by")
        .order_by("-version")
    )
