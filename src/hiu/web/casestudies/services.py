"""Writing case studies, recording the client's consent to share one and its withdrawal, and
the team's decision to share it. Every write happens here, in one transaction with its audit
event (WRITE_CASE_STUDY on the client, naming the case study and what changed, never the
text), so no view can change a story unaudited.

The rules are checked here, so every caller keeps them:

- a story that holds its client's name, NHS number, date of birth, phone number or postcode is
  refused, naming the kinds found and never the identifier itself
  (``hiu.report.identifiers.found_in``);
- only its author or the service lead changes a story;
- consent is given on or after the day the story was written, and not in the future; a
  withdrawal is on or after the consent; after a withdrawal the client may consent again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hiu.report.identifiers import PersonIdentifiers, found_in
from hiu.web.accounts.roles import Role, has_role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.casestudies.models import CaseStudy, ConsentWay
from hiu.web.clients.models import Client
from hiu.web.episodes.phases import Phase
from hiu.web.formatting import format_date
from hiu.web.refused import Refused as Refused


class NotAllowed(PermissionError):
    """The person may not change this story: only its author and the service lead may."""


def person_identifiers(client: Client) -> PersonIdentifiers:
    return PersonIdentifiers(
        given_name=client.given_name,
        family_name=client.family_name,
        nhs_number=client.nhs_number,
        date_of_birth=client.date_of_birth,
        phone=client.phone,
        postcode=client.postcode,
    )


def _kinds_text(kinds: list[str]) -> str:
    if len(kinds) == 1:
        return kinds[0]
    return f"{', '.join(kinds[:-1])} and {kinds[-1]}"


def _identifier_message(where: str, kinds: list[str]) -> str:
    them = "it" if len(kinds) == 1 else "them"
    return f"{where} contains the client's {_kinds_text(kinds)}. Remove {them} before saving."


def check_identifiers(client: Client, title: str, text: str) -> None:
    """Refuse a title or text that holds the client's identifiers, saying which kinds."""
    person = person_identifiers(client)
    errors: dict[str, str] = {}
    in_title = found_in(title, person)
    if in_title:
        errors["title"] = _identifier_message("The title", in_title)
    in_text = found_in(text, person)
    if in_text:
        errors["text"] = _identifier_message("The case study", in_text)
    if errors:
        first = next(iter(errors))
        rest = {name: message for name, message in errors.items() if name != first}
        raise Refused(errors[first], first, **rest)


def may_change(user: User, case_study: CaseStudy) -> bool:
    """Its author and the service lead change a story; others of the team only read it."""
    return has_role(user, Role.SERVICE_LEAD) or (
        case_study.written_by_id is not None and case_study.written_by_id == user.pk
    )


def _allowed(user: User, case_study: CaseStudy) -> None:
    if not may_change(user, case_study):
        raise NotAllowed("Only the author or the service lead may change a case study.")


def _audit(
    case_study: CaseStudy, by: User, request: HttpRequest | None, what: str, **detail: Any
) -> None:
    record(
        Action.WRITE_CASE_STUDY,
        request=request,
        actor=by,
        object_type="client",
        object_id=case_study.client_id,
        detail={"case_study": case_study.pk, "what": what, **detail},
    )


def _not_future(day: dt.date, message: str, field: str) -> None:
    if day > timezone.localdate():
        raise Refused(message, field)


def _episode_id(client: Client) -> int | None:
    """The open episode, or else the latest: a story is usually written at step down."""
    episodes = client.episodes.order_by("-opened_on", "-number")
    episode = episodes.exclude(phase=Phase.CLOSED).first() or episodes.first()
    return episode.pk if episode is not None else None


def _checked(client: Client, title: str, text: str, written_on: dt.date) -> tuple[str, str]:
    title, text = title.strip(), text.strip()
    if not title:
        raise Refused("Enter a title", "title")
    if not text:
        raise Refused("Enter the case study", "text")
    _not_future(written_on, "The date it was written must be today or in the past", "written_on")
    check_identifiers(client, title, text)
    return title, text


@transaction.atomic
def write_case_study(
    client: Client,
    *,
    by: User,
    title: str,
    text: str,
    written_on: dt.date,
    request: HttpRequest | None = None,
) -> CaseStudy:
    title, text = _checked(client, title, text, written_on)
    case_study = CaseStudy.objects.create(
        client=client,
        episode_id=_episode_id(client),
        title=title,
        text=text,
        written_on=written_on,
        written_by=by,
        written_by_username=by.get_username(),
    )
    _audit(case_study, by, request, "written")
    return case_study


@transaction.atomic
def edit_case_study(
    case_study: CaseStudy,
    *,
    by: User,
    title: str,
    text: str,
    written_on: dt.date,
    request: HttpRequest | None = None,
) -> list[str]:
    """Change the title, text or date; returns the names of the fields that changed.

    The client consented to the words as they were: changing the title or text clears their
    consent (the audit log keeps when it was given), and it is asked for again.
    """
    _allowed(by, case_study)
    title, text = _checked(case_study.client, title, text, written_on)
    words_changed = (title, text) != (case_study.title, case_study.text)
    consented = None if words_changed else case_study.consent_given_on
    if consented is not None and written_on > consented:
        raise Refused(
            "The date it was written must be on or before the day consent was given, "
            f"{format_date(consented)}",
            "written_on",
        )
    changed = [
        name
        for name, value in (("title", title), ("text", text), ("written_on", written_on))
        if getattr(case_study, name) != value
    ]
    if changed:
        case_study.title, case_study.text, case_study.written_on = title, text, written_on
        fields = [*changed, "updated_at"]
        cleared = words_changed and case_study.consent_given_on is not None
        if cleared:
            case_study.consent_given_on, case_study.consent_way = None, ""
            case_study.consent_withdrawn_on = None
            fields += ["consent_given_on", "consent_way", "consent_withdrawn_on"]
        case_study.save(update_fields=fields)
        _audit(case_study, by, request, "edited", fields=changed, consent_cleared=cleared)
    return changed


@transaction.atomic
def record_consent(
    case_study: CaseStudy,
    *,
    by: User,
    given_on: dt.date,
    way: ConsentWay | str,
    request: HttpRequest | None = None,
) -> CaseStudy:
    """The client's consent to share this story: when, and how they gave it. After a
    withdrawal, this is the client consenting again."""
    _allowed(by, case_study)
    if way not in ConsentWay.values:
        raise Refused("Select how the client gave consent", "way")
    if case_study.consent_given_on is not None and case_study.consent_withdrawn_on is None:
        raise Refused(
            "The client's consent to share this case study is already recorded", "given_on"
        )
    _not_future(given_on, "The date consent was given must be today or in the past", "given_on")
    since = case_study.consent_withdrawn_on or case_study.written_on
    if given_on < since:
        what = "consent was withdrawn" if case_study.consent_withdrawn_on else "it was written"
        raise Refused(
            f"The date consent was given must be on or after the day {what}, {format_date(since)}",
            "given_on",
        )
    case_study.consent_given_on = given_on
    case_study.consent_way = ConsentWay(way)
    case_study.consent_withdrawn_on = None
    case_study.save(
        update_fields=["consent_given_on", "consent_way", "consent_withdrawn_on", "updated_at"]
    )
    _audit(case_study, by, request, "consent", way=case_study.consent_way)
    return case_study


@transaction.atomic
def withdraw_consent(
    case_study: CaseStudy,
    *,
    by: User,
    on: dt.date,
    request: HttpRequest | None = None,
) -> CaseStudy:
    """The client withdraws their consent: from then on the story is not shared."""
    _allowed(by, case_study)
    given = case_study.consent_given_on
    if given is None or case_study.consent_withdrawn_on is not None:
        raise Refused("There is no consent to withdraw", "withdrawn_on")
    _not_future(on, "The date consent was withdrawn must be today or in the past", "withdrawn_on")
    if on < given:
        raise Refused(
            "The date consent was withdrawn must be on or after the day it was given, "
            f"{format_date(given)}",
            "withdrawn_on",
        )
    case_study.consent_withdrawn_on = on
    case_study.save(update_fields=["consent_withdrawn_on", "updated_at"])
    _audit(case_study, by, request, "consent_withdrawn")
    return case_study


@transaction.atomic
def set_shareable(
    case_study: CaseStudy,
    *,
    by: User,
    shareable: bool,
    request: HttpRequest | None = None,
) -> CaseStudy:
    """The team's decision that the story is ready to share (or no longer is). It reaches a
    report only with the client's consent as well (``CaseStudy.objects.shareable()``)."""
    _allowed(by, case_study)
    if case_study.shareable != shareable:
        case_study.shareable = shareable
        case_study.save(update_fields=["shareable", "updated_at"])
        _audit(case_study, by, request, "shareable", shareable=shareable)
    return case_study
