"""Case studies: writing one, refusing one that identifies its client (and saying which kinds
of identifier, never the identifier), the client's consent to share it and its withdrawal, the
team's decision to share it, and which stories may go into a report."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.casestudies import services
from hiu.web.casestudies.models import CaseStudy
from hiu.web.clients.models import Client

pytestmark = pytest.mark.db_engine

TODAY = timezone.localdate()
ONE_DAY = dt.timedelta(days=1)
STORY = (
    "When we first met, the calls to 999 came most nights. Loneliness was behind most of "
    "them. A befriender now visits each week and the calls have stopped."
)


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


@pytest.fixture
def ada(make_client: Callable[..., Client], service: Service) -> Client:
    return make_client(
        service,
        given_name="Ada",
        family_name="Lovelace",
        nhs_number="9434765919",
        date_of_birth=dt.date(1980, 12, 10),
        phone="07700 900123",
        postcode="ZZ99 3AA",
    )


@pytest.fixture
def manager(staff: dict[Role, User], signed_in: Callable[[User], HttpClient]) -> HttpClient:
    return signed_in(staff[Role.CASE_MANAGER])


def write(browser: HttpClient, client: Client, title: str, text: str, **extra: str) -> Any:
    data = {"title": title, "text": text, **date_fields("written_on", TODAY), **extra}
    return browser.post(reverse("casestudies:new", kwargs={"client_id": client.pk}), data)


def error_summary(page: str) -> str:
    """The text of the page's error summary (the form below it shows what was typed)."""
    found = re.search(r'<div class="nhsuk-error-summary".*?</div>\s*</div>', page, re.S)
    assert found is not None, "no error summary"
    return unescape(re.sub(r"<[^>]+>", " ", found.group(0)))


def a_story(client: Client, by: User, written_on: dt.date = TODAY) -> CaseStudy:
    return services.write_case_study(
        client, by=by, title="A quieter winter", text=STORY, written_on=written_on
    )


# -- Writing ------------------------------------------------------------------------------------


def test_a_case_manager_writes_a_case_study_and_it_is_audited_without_its_text(
    manager: HttpClient, ada: Client, staff: dict[Role, User]
) -> None:
    response = write(manager, ada, "A quieter winter", STORY)
    assert response.status_code == 302
    story = CaseStudy.objects.get()
    assert (story.client, story.title, story.text, story.written_on, story.written_by) == (
        ada,
        "A quieter winter",
        STORY,
        TODAY,
        staff[Role.CASE_MANAGER],
    )
    assert (story.shareable, story.consent_given_on, story.may_be_shared) == (False, None, False)
    event = AuditEvent.objects.get(action=Action.WRITE_CASE_STUDY)
    assert (event.object_type, event.object_id, event.detail) == (
        "client",
        str(ada.pk),
        {"case_study": story.pk, "what": "written"},
    )
    page = manager.get(reverse("casestudies:client", kwargs={"client_id": ada.pk}))
    text = page.content.decode()
    assert "Case study saved" in text
    assert "A quieter winter" in text
    assert "Not shareable" in text


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Ada stopped calling 999 at night.", "name"),
        ("Once LOVELACE had a befriender, the calls stopped.", "name"),
        ("Referred under 943 476 5919 by the ED team.", "NHS number"),
        ("Referred under 9434765919 by the ED team.", "NHS number"),
        ("Born 10/12/1980, the client lives alone.", "date of birth"),
        ("Born on 10 December 1980, the client lives alone.", "date of birth"),
        ("The number to call is 07700 900 123.", "phone number"),
        ("The number to call is +44 7700 900123.", "phone number"),
        ("Lives at zz993aa, near the park.", "postcode"),
        ("Lives at ZZ99 3AA, near the park.", "postcode"),
    ],
)
def test_saving_is_refused_while_the_text_identifies_the_client(
    manager: HttpClient, ada: Client, text: str, kinds: str
) -> None:
    response = write(manager, ada, "A quieter winter", text)
    assert response.status_code == 200
    page = response.content.decode()
    summary = error_summary(page)
    message = f"The case study contains the client's {kinds}. Remove it before saving."
    assert message in summary
    assert 'href="#text"' in page
    # The message names the kind, never the identifier itself.
    for identifier in ("Ada", "Lovelace", "943", "1980", "07700", "ZZ99", "zz993aa"):
        assert identifier not in summary
    assert not CaseStudy.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.WRITE_CASE_STUDY).exists()


def test_it_names_every_kind_found_and_the_title_too(manager: HttpClient, ada: Client) -> None:
    response = write(
        manager, ada, "How Ada found the walking group", "Ada, of ZZ99 3AA, rang us herself."
    )
    summary = error_summary(response.content.decode())
    assert (
        "The case study contains the client's name and postcode. Remove them before saving."
        in summary
    )
    assert "The title contains the client's name. Remove it before saving." in summary
    assert not CaseStudy.objects.exists()


def test_another_clients_name_is_not_this_clients_identifier(
    manager: HttpClient, ada: Client
) -> None:
    # The check is for this client's identifiers: "Grace" is not Ada's name.
    assert write(manager, ada, "A quieter winter", "Grace from the café helped.").status_code == 302


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title"),
        ({"text": ""}, "text", "Enter the case study"),
        ({"written_on_day": ""}, "written_on-day", "The date it was written must include a day"),
        (
            date_fields("written_on", TODAY + dt.timedelta(days=1)),
            "written_on-day",
            "The date it was written must be today or in the past",
        ),
    ],
)
def test_the_form_names_the_field_that_is_wrong(
    manager: HttpClient, ada: Client, changes: dict[str, str], field: str, message: str
) -> None:
    data = {"title": "A quieter winter", "text": STORY, **date_fields("written_on", TODAY)}
    data.update(changes)
    response = manager.post(reverse("casestudies:new", kwargs={"client_id": ada.pk}), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in error_summary(page)
    assert f'href="#{field}"' in page
    assert not CaseStudy.objects.exists()


def test_editing_is_checked_again_and_audits_the_fields_changed(
    manager: HttpClient, ada: Client, staff: dict[Role, User]
) -> None:
    story = a_story(ada, staff[Role.CASE_MANAGER])
    url = reverse("casestudies:edit", kwargs={"client_id": ada.pk, "case_study_id": story.pk})
    data = {
        "title": "A quieter winter",
        "text": "Ada is doing well.",
        **date_fields("written_on", TODAY),
    }
    response = manager.post(url, data)
    assert response.status_code == 200
    assert "contains the client's name" in error_summary(response.content.decode())
    data["text"] = "The calls stopped by spring."
    assert manager.post(url, data).status_code == 302
    story.refresh_from_db()
    assert story.text == "The calls stopped by spring."
    edit = AuditEvent.objects.filter(action=Action.WRITE_CASE_STUDY).order_by("-id").first()
    assert edit is not None
    assert edit.detail == {
        "case_study": story.pk,
        "what": "edited",
        "fields": ["text"],
        "consent_cleared": False,
    }


def test_changing_the_words_clears_the_consent_given_for_them_but_a_new_date_does_not(
    manager: HttpClient, ada: Client, staff: dict[Role, User]
) -> None:
    written = TODAY - dt.timedelta(days=10)
    story = a_story(ada, staff[Role.CASE_MANAGER], written_on=written)
    services.set_shareable(story, by=staff[Role.CASE_MANAGER], shareable=True)
    given = TODAY - dt.timedelta(days=2)
    services.record_consent(story, by=staff[Role.CASE_MANAGER], given_on=given, way="written")
    url = reverse("casestudies:edit", kwargs={"client_id": ada.pk, "case_study_id": story.pk})
    assert "their consent is cleared" in manager.get(url).content.decode()

    # A corrected date keeps the consent: the client agreed to these words.
    data = {"title": story.title, "text": STORY, **date_fields("written_on", written + ONE_DAY)}
    assert manager.post(url, data).status_code == 302
    story.refresh_from_db()
    assert (story.consent_given_on, story.may_be_shared) == (given, True)

    data["text"] = STORY + " She now volunteers at the group."
    response = manager.post(url, data, follow=True)
    assert "record their consent to this version" in response.content.decode()
    story.refresh_from_db()
    assert (story.consent_given_on, story.consent_way, story.may_be_shared) == (None, "", False)
    assert story.shareable  # the team's decision stands; only the client's consent is asked again
    assert not CaseStudy.objects.shareable().filter(pk=story.pk).exists()
    edit = AuditEvent.objects.filter(action=Action.WRITE_CASE_STUDY).order_by("-id").first()
    assert edit is not None
    assert (edit.detail["fields"], edit.detail["consent_cleared"]) == (["text"], True)


# -- Consent and sharing ------------------------------------------------------------------------


def test_consent_recorded_then_withdrawn_then_given_again(
    manager: HttpClient, ada: Client, staff: dict[Role, User]
) -> None:
    story = a_story(ada, staff[Role.CASE_MANAGER], written_on=TODAY - dt.timedelta(days=10))
    kwargs = {"client_id": ada.pk, "case_study_id": story.pk}
    tab = reverse("casestudies:client", kwargs={"client_id": ada.pk})
    assert manager.post(reverse("casestudies:sharing", kwargs=kwargs), {"shareable": "yes"})
    assert "Shareable — waiting for consent" in manager.get(tab).content.decode()

    given = TODAY - dt.timedelta(days=5)
    response = manager.post(
        reverse("casestudies:consent", kwargs=kwargs),
        {"way": "written", **date_fields("given_on", given)},
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.consent_given_on, story.consent_way, story.may_be_shared) == (
        given,
        "written",
        True,
    )
    page = manager.get(tab).content.decode()
    assert "Shareable — consent recorded" in page
    assert "Given in writing on" in page

    response = manager.post(
        reverse("casestudies:withdraw", kwargs=kwargs), date_fields("withdrawn_on", TODAY)
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.consent_withdrawn_on, story.may_be_shared) == (TODAY, False)
    assert "Consent withdrawn" in manager.get(tab).content.decode()

    # The client consents again: the withdrawal is cleared.
    response = manager.post(
        reverse("casestudies:consent", kwargs=kwargs),
        {"way": "verbal", **date_fields("given_on", TODAY)},
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.consent_given_on, story.consent_way, story.consent_withdrawn_on) == (
        TODAY,
        "verbal",
        None,
    )
    whats = [
        e.detail["what"]
        for e in AuditEvent.objects.filter(action=Action.WRITE_CASE_STUDY).order_by("id")
    ]
    assert whats == ["written", "shareable", "consent", "consent_withdrawn", "consent"]


def test_consent_and_withdrawal_dates_are_checked(
    manager: HttpClient, ada: Client, staff: dict[Role, User]
) -> None:
    written = TODAY - dt.timedelta(days=10)
    story = a_story(ada, staff[Role.CASE_MANAGER], written_on=written)
    kwargs = {"client_id": ada.pk, "case_study_id": story.pk}
    withdraw = reverse("casestudies:withdraw", kwargs=kwargs)
    consent = reverse("casestudies:consent", kwargs=kwargs)

    page = manager.post(withdraw, date_fields("withdrawn_on", TODAY)).content.decode()
    assert "There is no consent to withdraw" in error_summary(page)
    assert 'href="#withdrawn_on-day"' in page

    early = date_fields("given_on", written - dt.timedelta(days=1))
    page = manager.post(consent, {"way": "verbal", **early}).content.decode()
    assert "The date consent was given must be on or after the day it was written" in (
        error_summary(page)
    )
    page = manager.post(consent, date_fields("given_on", TODAY)).content.decode()
    assert "Select how the client gave consent" in error_summary(page)
    assert 'href="#way"' in page

    services.record_consent(story, by=staff[Role.CASE_MANAGER], given_on=TODAY, way="verbal")
    page = manager.post(
        consent, {"way": "verbal", **date_fields("given_on", TODAY)}
    ).content.decode()
    assert "already recorded" in error_summary(page)
    page = manager.post(
        withdraw, date_fields("withdrawn_on", TODAY - dt.timedelta(days=1))
    ).content.decode()
    assert "must be on or after the day it was given" in error_summary(page)
    story.refresh_from_db()
    assert story.consent_withdrawn_on is None


def test_only_shareable_stories_with_consent_not_withdrawn_may_go_into_a_report(
    ada: Client,
    make_client: Callable[..., Client],
    service: Service,
    other_service: Service,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    by = staff[Role.CASE_MANAGER]

    def story(title: str, *, shareable: bool, consent: bool, withdrawn: bool = False) -> CaseStudy:
        made = services.write_case_study(
            ada, by=by, title=title, text=STORY, written_on=TODAY - dt.timedelta(days=3)
        )
        services.set_shareable(made, by=by, shareable=shareable)
        if consent:
            services.record_consent(
                made, by=by, given_on=TODAY - dt.timedelta(days=2), way="verbal"
            )
        if withdrawn:
            services.withdraw_consent(made, by=by, on=TODAY)
        return made

    ready = story("Ready to share", shareable=True, consent=True)
    story("Not marked shareable", shareable=False, consent=True)
    story("Waiting for consent", shareable=True, consent=False)
    story("Consent taken back", shareable=True, consent=True, withdrawn=True)
    assert list(CaseStudy.objects.shareable()) == [ready]

    browser = signed_in(staff[Role.DATA_COORDINATOR])
    every = browser.get(reverse("casestudies:list")).content.decode()
    for title in (
        "Ready to share",
        "Not marked shareable",
        "Waiting for consent",
        "Consent taken back",
    ):
        assert title in every
    for tag in (
        "Shareable — consent recorded",
        "Not shareable",
        "Shareable — waiting for consent",
        "Consent withdrawn",
    ):
        assert tag in every
    only = browser.get(reverse("casestudies:list") + "?show=shareable").content.decode()
    assert "Ready to share" in only
    for title in ("Not marked shareable", "Waiting for consent", "Consent taken back"):
        assert title not in only
    assert f"{ada.family_name}, {ada.given_name}" in only
    # The list names the clients without opening their records: not audited (as clients:list).
    assert not AuditEvent.objects.filter(action=Action.VIEW_CLIENT).exists()


def test_the_data_coordinator_reads_the_tab_but_does_not_write(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], ada: Client
) -> None:
    a_story(ada, staff[Role.CASE_MANAGER])
    page = signed_in(staff[Role.DATA_COORDINATOR]).get(
        reverse("casestudies:client", kwargs={"client_id": ada.pk})
    )
    text = page.content.decode()
    assert "A quieter winter" in text
    assert reverse("casestudies:new", kwargs={"client_id": ada.pk}) not in text


def test_the_service_refuses_a_change_by_someone_else(
    ada: Client, staff: dict[Role, User], make_user: Callable[..., User], service: Service
) -> None:
    story = a_story(ada, staff[Role.CASE_MANAGER])
    colleague = make_user("colleague", Role.CASE_MANAGER, service)
    with pytest.raises(services.NotAllowed):
        services.set_shareable(story, by=colleague, shareable=True)
    with pytest.raises(services.NotAllowed):
        services.record_consent(story, by=colleague, given_on=TODAY, way="verbal")
    # The lead may change any story of the service.
    services.set_shareable(story, by=staff[Role.SERVICE_LEAD], shareable=True)
    story.refresh_from_db()
    assert story.shareable
