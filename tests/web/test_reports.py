"""The Reports pages: the lead previews a period's draft and issues it, each issue is a new
version kept exactly as issued, commissioners see issued reports only, and every view and
download is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from hiu.report.period import parse_period
from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.reports import presenters, services
from hiu.web.reports.models import IssuedReport

pytestmark = [pytest.mark.django_db, pytest.mark.db_engine]

#: The day the tests run on: 2026Q3 has ended, 2026Q4 has begun.
TODAY = dt.date(2026, 10, 15)
ENDED = "2026Q3"
GOING_ON = "2026Q4"


@pytest.fixture(autouse=True)
def on_a_fixed_day(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """A fixed "today" and an empty activity store of the test's own."""
    monkeypatch.setattr(services, "today", lambda: TODAY)


@pytest.fixture
def lead(staff: dict[Role, User]) -> User:
    return staff[Role.SERVICE_LEAD]


@pytest.fixture
def commissioner(make_user: Callable[..., User], service: Service) -> User:
    """A commissioner of ``service`` (the staff fixture's commissioner has no service)."""
    return make_user("commissioner_of_riverside", Role.COMMISSIONER, service)


def _issue(client: HttpClient, period: str = ENDED) -> IssuedReport:
    response = client.post(reverse("reports:issue"), {"period": period})
    assert response.status_code == 302, response.content[:500]
    issued = IssuedReport.objects.order_by("-id").first()
    assert issued is not None
    assert response["Location"] == reverse("reports:issued", args=[issued.pk])
    return issued


def test_the_lead_previews_a_draft_with_the_warning_and_the_report_s_tables(
    lead: User, signed_in: Callable[[User], HttpClient]
) -> None:
    page = signed_in(lead).get(reverse("reports:draft"), {"period": ENDED})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Draft report: July to September 2026" in html
    assert "Draft: figures change as casework is recorded until the report is issued" in html
    assert "<caption" in html  # the report's tables are in the page
    assert "Issue this report" in html
    for file_format in ("pdf", "xlsx", "html"):
        assert reverse("reports:draft_download", args=[ENDED, file_format]) in html


def test_the_reports_page_offers_eight_quarters_and_two_years_and_picks_the_latest_ended(
    lead: User, signed_in: Callable[[User], HttpClient]
) -> None:
    html = signed_in(lead).get(reverse("reports:list")).content.decode()
    offered = [part.split('"', 1)[0] for part in html.split('<option value="')[1:] if part.strip()]
    assert offered == [
        "2026Q4", "2026Q3", "2026Q2", "2026Q1", "2025Q4", "2025Q3", "2025Q2", "2025Q1",
        "2026", "2025",
    ]  # fmt: skip
    assert '<option value="2026Q3" selected' in html
    assert "(2026Q4, so far)" in html
    assert "No report has been issued yet." in html


def test_the_default_period_is_the_latest_quarter_the_activity_data_covers() -> None:
    on = dt.date(2026, 12, 5)
    assert presenters.default_period(on, dt.date(2026, 9, 30)).key == "2026Q3"
    assert presenters.default_period(on, dt.date(2026, 9, 29)).key == "2026Q2"
    assert presenters.default_period(on, dt.date(2026, 11, 30)).key == "2026Q3"
    assert presenters.default_period(on, None).key == "2026Q3"
    old = presenters.default_period(on, dt.date(2023, 3, 31))
    assert old.key == "2023Q1"
    assert old in presenters.offered_periods(on, old)  # offered even though it is older


def test_a_period_that_has_not_ended_can_be_previewed_but_not_issued(
    lead: User, signed_in: Callable[[User], HttpClient]
) -> None:
    client = signed_in(lead)
    page = client.get(reverse("reports:draft"), {"period": GOING_ON}).content.decode()
    assert "has not ended yet. You can issue its report from 1 January 2027." in page
    assert "Issue this report</button>" not in page
    response = client.post(reverse("reports:issue"), {"period": GOING_ON})
    assert response.status_code == 400
    assert not IssuedReport.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.ISSUE_REPORT).exists()


@pytest.mark.parametrize("period", ["2026Q5", "next quarter", "2027Q1"])
def test_a_period_that_is_not_one_or_has_not_begun_is_not_found(
    lead: User, signed_in: Callable[[User], HttpClient], period: str
) -> None:
    client = signed_in(lead)
    assert client.get(reverse("reports:draft"), {"period": period}).status_code == 404
    assert client.post(reverse("reports:issue"), {"period": period}).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.VIEW_REPORT).exists()


def test_issuing_twice_makes_version_two_and_keeps_version_one(
    lead: User, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    first = _issue(signed_in(lead))
    second = _issue(signed_in(staff[Role.DATA_COORDINATOR]))
    assert (first.period_key, first.version) == (ENDED, 1)
    assert (second.period_key, second.version) == (ENDED, 2)
    assert second.issued_by_username == staff[Role.DATA_COORDINATOR].username
    assert IssuedReport.objects.filter(service=first.service).count() == 2
    issuing = AuditEvent.objects.filter(action=Action.ISSUE_REPORT).order_by("id")
    assert [(event.actor_username, event.object_id, event.detail) for event in issuing] == [
        (lead.username, str(first.pk), {"period": ENDED, "version": 1}),
        (staff[Role.DATA_COORDINATOR].username, str(second.pk), {"period": ENDED, "version": 2}),
    ]
    # Another period starts again from version 1.
    assert _issue(signed_in(lead), "2026Q2").version == 1
    # Version 1's page says that a later version exists.
    page = signed_in(lead).get(reverse("reports:issued", args=[first.pk])).content.decode()
    assert "A later version of this report was issued" in page
    assert reverse("reports:issued", args=[second.pk]) in page


def test_an_issued_report_keeps_its_files_body_and_every_figure(
    lead: User, service: Service, signed_in: Callable[[User], HttpClient]
) -> None:
    issued = _issue(signed_in(lead))
    report = services.draft_report(service, parse_period(ENDED), on=TODAY)
    assert bytes(issued.pdf).startswith(b"%PDF-")
    assert bytes(issued.xlsx).startswith(b"PK")  # a zip: the workbook
    assert bytes(issued.html).decode().lstrip().lower().startswith("<!doctype html")
    assert issued.generated_on == TODAY
    assert issued.title == report.title
    assert issued.figures == services.figures_of(report)
    assert [table["sheet"] for table in issued.figures] == [t.sheet for t in report.tables()]
    first = report.tables()[0]
    assert issued.figures[0]["rows"] == [[cell.text for cell in row] for row in first.rows]


@pytest.mark.parametrize(
    ("file_format", "content_type"),
    [
        ("pdf", "application/pdf"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("html", "text/html; charset=utf-8"),
    ],
)
def test_downloads_of_an_issued_report_are_the_stored_bytes(
    lead: User,
    commissioner: User,
    signed_in: Callable[[User], HttpClient],
    file_format: str,
    content_type: str,
) -> None:
    issued = _issue(signed_in(lead))
    # Change what is stored: a download that drew the report afresh would not give this back.
    kept = f"the bytes kept for {file_format}".encode()
    IssuedReport.objects.filter(pk=issued.pk).update(**{file_format: kept})
    response = signed_in(commissioner).get(
        reverse("reports:issued_download", args=[issued.pk, file_format])
    )
    assert response.status_code == 200
    assert response.content == kept
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="hiu-report-riverside-hiu-{ENDED}-v1.{file_format}"'
    )


@pytest.mark.parametrize("file_format", ["pdf", "xlsx", "html"])
def test_a_draft_download_is_drawn_now_and_named_without_a_version(
    lead: User, signed_in: Callable[[User], HttpClient], file_format: str
) -> None:
    response = signed_in(lead).get(reverse("reports:draft_download", args=[ENDED, file_format]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="hiu-report-riverside-hiu-{ENDED}.{file_format}"'
    )
    start = {"pdf": b"%PDF-", "xlsx": b"PK", "html": b"<!"}[file_format]
    assert response.content.lstrip().upper().startswith(start.upper())


def test_an_unknown_format_is_not_found(
    lead: User, signed_in: Callable[[User], HttpClient]
) -> None:
    client = signed_in(lead)
    issued = _issue(client)
    assert client.get(reverse("reports:draft_download", args=[ENDED, "docx"])).status_code == 404
    response = client.get(reverse("reports:issued_download", args=[issued.pk, "docx"]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=Action.DOWNLOAD_REPORT).exists()


def test_commissioners_see_issued_reports_only(
    lead: User, commissioner: User, signed_in: Callable[[User], HttpClient]
) -> None:
    issued = _issue(signed_in(lead))
    client = signed_in(commissioner)
    listing = client.get(reverse("reports:list")).content.decode()
    assert reverse("reports:issued", args=[issued.pk]) in listing
    assert "<select" not in listing  # no period to preview
    assert reverse("reports:draft") not in listing
    page = client.get(reverse("reports:issued", args=[issued.pk])).content.decode()
    assert issued.body_html in page  # the body as issued, inside the page
    assert "Issue this report" not in page
    assert client.get(reverse("reports:draft"), {"period": ENDED}).status_code == 403
    assert client.post(reverse("reports:issue"), {"period": ENDED}).status_code == 403


@pytest.mark.parametrize(
    ("role", "links"),
    [
        (Role.SERVICE_LEAD, ["meetings:list", "casestudies:list", "reports:targets"]),
        (Role.DATA_COORDINATOR, ["meetings:list", "casestudies:list"]),
        (Role.COMMISSIONER, []),
    ],
)
def test_reports_links_what_goes_into_the_report_for_those_who_make_it(
    make_user: Callable[..., User],
    service: Service,
    signed_in: Callable[[User], HttpClient],
    role: Role,
    links: list[str],
) -> None:
    listing = signed_in(make_user(f"a_{role.value}", role, service)).get(reverse("reports:list"))
    html = listing.content.decode()
    main = html.split("<main", 1)[1]
    every = ["meetings:list", "casestudies:list", "reports:targets"]
    assert [name for name in every if f'href="{reverse(name)}"' in main] == links
    assert ("What goes into the report" in main) == bool(links)


def test_an_issued_report_is_shown_as_issued_after_the_casework_changes(
    lead: User, commissioner: User, signed_in: Callable[[User], HttpClient]
) -> None:
    issued = _issue(signed_in(lead))
    IssuedReport.objects.filter(pk=issued.pk).update(body_html="<p>As it was issued</p>")
    page = signed_in(commissioner).get(reverse("reports:issued", args=[issued.pk]))
    assert "<p>As it was issued</p>" in page.content.decode()


def test_the_commissioner_s_only_navigation_is_reports(
    commissioner: User, signed_in: Callable[[User], HttpClient]
) -> None:
    page = signed_in(commissioner).get(reverse("accounts:home"), follow=True)
    html = page.content.decode()
    assert page.redirect_chain == [(reverse("reports:list"), 302)]
    navigation = html.split('class="nhsuk-header__navigation-list"', 1)[1].split("</ul>", 1)[0]
    links = navigation.split("<a ")[1:]
    assert len(links) == 1
    assert f'href="{reverse("reports:list")}"' in links[0]
    assert ">Reports<" in links[0].replace(" ", "").replace("\n", "")


def test_a_commissioner_in_no_service_is_told_so(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    page = signed_in(staff[Role.COMMISSIONER]).get(reverse("reports:list"))
    assert page.status_code == 200
    assert "Your account is not linked to a service yet" in page.content.decode()


def test_viewing_and_downloading_are_audited(
    lead: User, commissioner: User, signed_in: Callable[[User], HttpClient]
) -> None:
    client = signed_in(lead)
    client.get(reverse("reports:draft"), {"period": ENDED})
    client.get(reverse("reports:draft_download", args=[ENDED, "xlsx"]))
    issued = _issue(client)
    client = signed_in(commissioner)
    client.get(reverse("reports:issued", args=[issued.pk]))
    client.get(reverse("reports:issued_download", args=[issued.pk, "pdf"]))

    views = AuditEvent.objects.filter(action=Action.VIEW_REPORT).order_by("id")
    assert [(e.actor, e.object_type, e.object_id, e.detail) for e in views] == [
        (lead, "report", ENDED, {"period": ENDED, "version": "draft"}),
        (commissioner, "report", str(issued.pk), {"period": ENDED, "version": 1}),
    ]
    downloads = AuditEvent.objects.filter(action=Action.DOWNLOAD_REPORT).order_by("id")
    assert [(e.actor, e.object_id, e.detail) for e in downloads] == [
        (lead, ENDED, {"period": ENDED, "format": "xlsx", "version": "draft"}),
        (commissioner, str(issued.pk), {"period": ENDED, "format": "pdf", "version": 1}),
    ]


def test_the_file_name_names_the_service_period_and_version(service: Service) -> None:
    assert services.file_name(service, "2026", "pdf", None) == "hiu-report-riverside-hiu-2026.pdf"
    assert (
        services.file_name(service, "2026Q3", "xlsx", 3)
        == "hiu-report-riverside-hiu-2026Q3-v3.xlsx"
    )
