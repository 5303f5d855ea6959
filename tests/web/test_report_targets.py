"""Report targets: the defaults until the service sets its own, a percentage typed as a whole
number and stored as a proportion, each change a new row with its history and audit event, and
the errors the form gives."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse

from hiu.report.kpis import KPIS
from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.reports import targets
from hiu.web.reports.models import ServiceTarget

pytestmark = pytest.mark.db_engine


@pytest.fixture
def lead(staff: dict[Role, User], signed_in: Callable[[User], HttpClient]) -> HttpClient:
    return signed_in(staff[Role.SERVICE_LEAD])


def change_url(kpi: str) -> str:
    return reverse("reports:target", kwargs={"kpi": kpi})


def test_it_uses_every_default_until_the_service_sets_its_own(service: Service) -> None:
    assert targets.targets_in_force(service) == {key: kpi.default for key, kpi in KPIS.items()}
    rows = targets.target_rows(service)
    assert [row.key for row in rows] == list(KPIS)
    assert all(row.is_default and row.changes == () for row in rows)
    assert {row.key: row.text for row in rows}["ed_reduction"] == "20%"


def test_the_latest_change_is_in_force_and_other_services_do_not_count(
    service: Service, other_service: Service, staff: dict[Role, User]
) -> None:
    lead = staff[Role.SERVICE_LEAD]
    targets.set_target(service, "ed_reduction", 0.3, by=lead)
    targets.set_target(service, "ed_reduction", 0.35, by=lead)
    targets.set_target(other_service, "new_referrals", 45, by=lead)
    in_force = targets.targets_in_force(service)
    assert in_force["ed_reduction"] == 0.35
    assert in_force["new_referrals"] == 30  # the default: the 45 is the other service's
    assert ServiceTarget.objects.filter(service=service).count() == 2


def test_a_row_for_a_kpi_no_longer_listed_is_ignored(service: Service) -> None:
    ServiceTarget.objects.create(service=service, kpi="retired_kpi", value=0.5)
    assert "retired_kpi" not in targets.targets_in_force(service)


def test_a_lead_sets_a_percentage_as_a_whole_number_and_sees_its_history(
    lead: HttpClient, service: Service, staff: dict[Role, User]
) -> None:
    response = lead.post(change_url("ed_reduction"), {"value": "40"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:targets")
    assert ServiceTarget.objects.get().value == pytest.approx(0.4)
    lead.post(change_url("ed_reduction"), {"value": "35"})
    assert targets.targets_in_force(service)["ed_reduction"] == pytest.approx(0.35)

    overview = lead.get(reverse("reports:targets")).content.decode()
    assert "Reduction in A&amp;E attendances: the target is now 40%" in overview
    assert "<strong>35%</strong>" in overview
    assert "Set by your service" in overview

    page = lead.get(change_url("ed_reduction")).content.decode()
    # Newest first: the default to 40%, then 40% to 35%.
    assert page.index("40% to 35%") < page.index("20% to 40%")
    assert page.count(staff[Role.SERVICE_LEAD].get_username()) >= 2
    assert 'value="35"' in page  # the form starts from the target in force

    events = AuditEvent.objects.filter(action=Action.CHANGE_TARGETS).order_by("id")
    assert [(e.object_type, e.object_id, e.detail["kpi"]) for e in events] == [
        ("service", str(service.pk), "ed_reduction"),
        ("service", str(service.pk), "ed_reduction"),
    ]
    assert events[0].detail["old"] == pytest.approx(0.2)
    assert events[0].detail["new"] == pytest.approx(0.4)
    assert events[1].detail["old"] == pytest.approx(0.4)


def test_a_number_target_is_stored_as_the_number(lead: HttpClient, service: Service) -> None:
    assert lead.post(change_url("case_studies"), {"value": "3"}).status_code == 302
    assert targets.targets_in_force(service)["case_studies"] == 3
    row = targets.target_row(service, "case_studies")
    assert row is not None
    assert (row.text, row.default_text, row.changes[0].old, row.changes[0].new) == (
        "3",
        "2",
        "2",
        "3",
    )


@pytest.mark.parametrize(
    ("kpi", "value", "message"),
    [
        ("ed_reduction", "", "Enter the new target"),
        ("ed_reduction", "forty", "Enter the target as a whole percentage, like 20"),
        ("ed_reduction", "40.5", "Enter the target as a whole percentage, like 20"),
        ("ed_reduction", "101", "The target must be a percentage from 0 to 100"),
        ("ed_reduction", "-1", "The target must be a percentage from 0 to 100"),
        ("new_referrals", "10001", "The target must be a number from 0 to 10,000"),
        ("new_referrals", "30", "The target is 30 already: enter a different one"),
        ("less_lonely", "66", "The target is 66% already: enter a different one"),
    ],
)
def test_the_form_says_what_is_wrong_with_the_value(
    lead: HttpClient, kpi: str, value: str, message: str
) -> None:
    response = lead.post(change_url(kpi), {"value": value})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'href="#value"' in page  # the error summary links to the field
    assert "Error: " in page  # in the page title
    assert not ServiceTarget.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.CHANGE_TARGETS).exists()


def test_the_service_settings_page_links_to_the_targets(lead: HttpClient) -> None:
    page = lead.get(reverse("episodes:pathway")).content.decode()
    assert reverse("reports:targets") in page


def test_set_target_refuses_what_the_form_would(service: Service, staff: dict[Role, User]) -> None:
    lead = staff[Role.SERVICE_LEAD]
    with pytest.raises(targets.Refused, match="Select a KPI"):
        targets.set_target(service, "no_such_kpi", 1, by=lead)
    with pytest.raises(targets.Refused, match="percentage from 0 to 100"):
        targets.set_target(service, "ed_reduction", 1.5, by=lead)
    with pytest.raises(targets.Refused, match="number from 0"):
        targets.set_target(service, "new_referrals", float("nan"), by=lead)
    assert not ServiceTarget.objects.exists()
