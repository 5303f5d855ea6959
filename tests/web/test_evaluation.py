"""The service's evaluation in the web app: the cohort from its casework, unit-cost versions,
running the engine in the background on a real activity store, the page, the downloads, the
audit trail, and the demo's finished run.

The store is a small synthetic population (3,000 adults over two years, made by ``hiu synth``
and imported by the importer), built once a session and copied into each test's data folder.
The service's clients are the synthetic engaged cohort, each engaged on its synthetic date.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import reverse

from hiu.evaluate import wording
from hiu.evaluate.unit_costs import UnitCost, UnitCosts
from hiu.ingest.pipeline import import_file
from hiu.store.store import Store
from hiu.synth.nhs_number import synthetic_nhs_numbers
from hiu.synth.simulate import SynthSpec, synthesise
from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action, AuditEvent
from hiu.web.clients.models import Client
from hiu.web.demo.factories import make_listed_person, make_run, record_episode
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Phase
from hiu.web.evaluation.cohort import service_cohort
from hiu.web.evaluation.models import EvaluationRun, EvaluationStatus, UnitCostTable
from hiu.web.evaluation.running import NO_ACTIVITY, NO_COHORT
from hiu.web.evaluation.services import evaluate_now, start_evaluation
from hiu.web.evaluation.unit_costs import current_costs, save_unit_costs
from hiu.web.screening.models import Decision, ScreeningDecision

pytestmark = [pytest.mark.django_db, pytest.mark.db_engine]

#: Valid NHS numbers (make_client's own fail the check digit, and the cohort rejects them).
VALID = iter(str(n) for n in synthetic_nhs_numbers(np.arange(200), 17))


@pytest.fixture
def make_valid_client(make_client: Callable[..., Client]) -> Callable[[Service], Client]:
    def make(service: Service) -> Client:
        return make_client(service, nhs_number=next(VALID))

    return make


KINDS = ("people", "ed_attendances", "ambulance_incidents", "nhs111_calls", "admissions")


@pytest.fixture(scope="session")
def synthetic_store(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, list[tuple[str, dt.date]]]:
    """A store of a small synthetic population, and its engaged cohort (NHS number, date)."""
    out = tmp_path_factory.mktemp("evaluation-synthetic")
    synthesise(SynthSpec(adults=3000, years=2, start=dt.date(2023, 1, 1), seed=5), out)
    data = tmp_path_factory.mktemp("evaluation-data")
    store = Store.in_data_dir(data)
    for kind in KINDS:
        result = import_file(store, kind, out / f"{kind}.csv", imported_by="test")
        assert result.manifest.rejected == 0, kind
    cohort = pl.read_csv(out / "cohort.csv", infer_schema=False)
    members = [
        (row["nhs_number"], dt.date.fromisoformat(row["engaged_date"]))
        for row in cohort.iter_rows(named=True)
    ]
    return data / "store", members


@pytest.fixture
def activity(data_dir: Path, synthetic_store: tuple[Path, Any]) -> Store:
    shutil.copytree(synthetic_store[0], data_dir / "store")
    return Store.in_data_dir(data_dir)


@pytest.fixture
def engaged_clients(
    service: Service, make_client: Callable[..., Client], synthetic_store: tuple[Path, Any]
) -> list[Client]:
    """The synthetic engaged cohort as the service's clients, each engaged on its date."""
    clients = []
    for nhs_number, engaged_on in synthetic_store[1]:
        client = make_client(service, nhs_number=nhs_number)
        record_episode(client, Phase.ENGAGED, engaged_on=engaged_on)
        clients.append(client)
    return clients


# The cohort ------------------------------------------------------------------------------------


def test_the_cohort_is_each_engaged_client_once_from_their_first_engagement(
    service: Service, other_service: Service, make_valid_client: Callable[[Service], Client]
) -> None:
    twice = make_valid_client(service)
    record_episode(twice, Phase.CLOSED, engaged_on=dt.date(2024, 3, 5))
    record_episode(twice, Phase.ENGAGED, engaged_on=dt.date(2024, 9, 1))
    later = make_valid_client(service)
    record_episode(later, Phase.ENGAGED, engaged_on=dt.date(2024, 6, 10))
    never = make_valid_client(service)
    record_episode(never, Phase.CONTACTING, opened_on=dt.date(2024, 1, 1))
    elsewhere = make_valid_client(other_service)
    record_episode(elsewhere, Phase.ENGAGED, engaged_on=dt.date(2024, 2, 1))

    cohort = service_cohort(service)

    assert [(m.nhs_number, m.engaged_date) for m in cohort.members] == [
        (twice.nhs_number, dt.date(2024, 3, 5)),
        (later.nhs_number, dt.date(2024, 6, 10)),
    ]
    assert cohort.rejected == []


def test_the_identification_date_is_the_day_after_the_list_s_as_of_date(
    service: Service, make_valid_client: Callable[[Service], Client]
) -> None:
    run = make_run(service, dt.date(2024, 2, 29))
    from_list = make_valid_client(service)
    person = make_listed_person(run, from_list.nhs_number)
    record_episode(
        from_list, Phase.ENGAGED, engaged_on=dt.date(2024, 3, 20), identified_person=person
    )
    # Accepted from a list whose row has gone: the decision keeps the list's as-of date.
    accepted = make_valid_client(service)
    episode = record_episode(accepted, Phase.ENGAGED, engaged_on=dt.date(2024, 5, 2))
    ScreeningDecision.objects.create(
        service=service,
        nhs_number=accepted.nhs_number,
        list_as_of=dt.date(2024, 4, 30),
        decision=Decision.ACCEPT,
        client=accepted,
        episode=episode,
    )
    # A list made after they engaged (a back-dated acceptance) cannot have identified them.
    back_dated = make_valid_client(service)
    later = make_listed_person(run, back_dated.nhs_number)
    record_episode(
        back_dated, Phase.ENGAGED, engaged_on=dt.date(2024, 2, 10), identified_person=later
    )
    referred = make_valid_client(service)
    record_episode(referred, Phase.ENGAGED, engaged_on=dt.date(2024, 7, 1))

    found = {m.nhs_number: m.identified_date for m in service_cohort(service).members}

    assert found == {
        from_list.nhs_number: dt.date(2024, 3, 1),
        accepted.nhs_number: dt.date(2024, 5, 1),
        back_dated.nhs_number: None,
        referred.nhs_number: None,
    }


# Unit costs ------------------------------------------------------------------------------------


def _items(ed_cost: float) -> list[UnitCost]:
    shipped = UnitCosts.default()
    return [
        UnitCost(i.activity, ed_cost, "2023/24", "Local tariff")
        if i.activity == "ed_attendances"
        else i
        for i in shipped.items
    ]


def test_the_shipped_table_until_the_service_saves_its_own(service: Service) -> None:
    current = current_costs(service)
    assert current.saved is None
    assert current.costs == UnitCosts.default()
    assert current.running_costs is None


def test_every_save_is_a_new_version_with_who_and_when(
    service: Service, other_service: Service, staff: dict[Role, User]
) -> None:
    lead, coordinator = staff[Role.SERVICE_LEAD], staff[Role.DATA_COORDINATOR]
    first = save_unit_costs(service, _items(200.0), Decimal("90000"), lead)
    second = save_unit_costs(service, _items(250.0), None, coordinator)
    save_unit_costs(other_service, _items(999.0), None, lead)

    assert (first.version, second.version) == (1, 2)
    assert (first.saved_by_username, second.saved_by_username) == (
        "service_lead",
        "data_coordinator",
    )
    current = current_costs(service)
    assert current.saved == second
    assert current.costs.cost_of("ed_attendances") == 250.0
    assert current.costs.version == "2"
    assert current.running_costs is None
    # The first version is kept as it was.
    first.refresh_from_db()
    assert UnitCosts.from_dict(first.table).cost_of("ed_attendances") == 200.0
    assert first.running_costs == Decimal("90000.00")


def _form(
    ed_cost: str = "180", source: str = "Local tariff 2023/24", running: str = "120000"
) -> dict[str, str]:
    data = {"running_costs": running}
    for item in UnitCosts.default().items:
        data[f"{item.activity}__unit_cost"] = str(item.unit_cost)
        data[f"{item.activity}__price_year"] = item.price_year
        data[f"{item.activity}__source"] = item.source
    data["ed_attendances__unit_cost"] = ed_cost
    data["ed_attendances__source"] = source
    return data


def test_the_unit_cost_page_saves_a_version_and_audits_it(
    service: Service, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    browser = signed_in(staff[Role.DATA_COORDINATOR])
    page = browser.get(reverse("evaluation:unit_costs"))
    assert page.status_code == 200
    assert "hiu&#39;s shipped figures" in page.content.decode()

    response = browser.post(reverse("evaluation:unit_costs"), _form())

    assert response.status_code == 302
    saved = UnitCostTable.objects.get(service=service)
    assert saved.version == 1
    assert saved.running_costs == Decimal("120000.00")
    assert UnitCosts.from_dict(saved.table).cost_of("ed_attendances") == 180.0
    event = AuditEvent.objects.get(action=Action.CHANGE_UNIT_COSTS)
    assert event.actor == staff[Role.DATA_COORDINATOR]
    assert event.object_id == str(saved.pk)
    after = browser.get(reverse("evaluation:unit_costs")).content.decode()
    assert "Unit costs saved as version 1" in after
    assert "Version 1, saved" in after
    assert 'value="180.00"' in after


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (_form(ed_cost="-5"), "The unit cost of A&amp;E attendances must be 0 or more"),
        (_form(ed_cost="lots"), "Enter the unit cost of A&amp;E attendances as a number of pounds"),
        (_form(source=""), "Enter where the unit cost of A&amp;E attendances comes from"),
        (_form(running="-1"), "Running costs must be 0 or more"),
    ],
)
def test_a_unit_cost_mistake_is_shown_and_nothing_is_saved(
    service: Service,
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    form: dict[str, str],
    message: str,
) -> None:
    response = signed_in(staff[Role.SERVICE_LEAD]).post(reverse("evaluation:unit_costs"), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not UnitCostTable.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.CHANGE_UNIT_COSTS).exists()


# Running -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("immediate_tasks")
def test_running_an_evaluation_in_the_background_on_a_real_store(
    activity: Store,
    service: Service,
    engaged_clients: list[Client],
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    lead = staff[Role.SERVICE_LEAD]
    save_unit_costs(service, _items(200.0), Decimal("100000"), lead)
    browser = signed_in(lead)

    response = browser.post(reverse("evaluation:start"))

    run = EvaluationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:run", args=[run.pk])
    assert run.status == EvaluationStatus.DONE, run.error
    assert run.started_by == lead
    assert run.unit_costs is not None
    assert run.unit_costs.version == 1
    result = run.result
    assert result is not None
    # The engine writes hiu-evaluation/2 (diagnostics, sensitivity, clients) from issue 16; a
    # /1 result is what runs made before it hold, and both must show.
    assert result["format"] in ("hiu-evaluation/1", "hiu-evaluation/2")
    assert result["cohort"]["people"] == len(engaged_clients)
    assert result["costs"]["table"]["items"][0]["unit_cost"] == 200.0
    assert result["costs"]["running_costs"]["amount"] == 100000.0
    assert result["run"]["rules"]["name"] == service.rule_set
    assert AuditEvent.objects.filter(action=Action.RUN_EVALUATION, object_id=str(run.pk)).exists()

    page = browser.get(reverse("evaluation:overview")).content.decode()
    assert "Not for publication: contains small numbers" in page
    for method in ("naive", "matched"):
        shown = wording.estimate(result[method]["12"]["ed_attendances"])
        assert shown in page
    assert reverse("evaluation:json", args=[run.pk]) in page
    for key in ("diagnostics", "sensitivity", "clients"):
        assert (f'id="{key}"' in page) == (key in result), key
    assert AuditEvent.objects.filter(action=Action.VIEW_EVALUATION, object_id=str(run.pk)).exists()

    downloaded = browser.get(reverse("evaluation:json", args=[run.pk]))
    assert downloaded["Content-Disposition"] == 'attachment; filename="evaluation.json"'
    assert json.loads(downloaded.content) == result
    report = browser.get(reverse("evaluation:html", args=[run.pk]))
    assert report["Content-Disposition"] == 'attachment; filename="evaluation.html"'
    text = report.content.decode()
    assert text.startswith("<!DOCTYPE html>")
    assert "Not for publication: contains small numbers" in text
    assert "<script" not in text
    downloads = AuditEvent.objects.filter(action=Action.VIEW_EVALUATION, object_id=str(run.pk))
    assert {event.detail["what"] for event in downloads} == {
        "page",
        "evaluation.json",
        "evaluation.html",
    }


def _version_two() -> dict[str, Any]:
    """A small finished hiu-evaluation/2 result, with the keys /2 adds (docs/evaluation.md)."""
    cell = {"estimate": -0.3, "ci_low": -0.5, "ci_high": -0.1, "people": 12}
    results = {w: {"ed_attendances": dict(cell)} for w in ("6", "12")}
    return {
        "format": "hiu-evaluation/2",
        "run": {"windows": [6, 12], "activities": ["ed_attendances"], "rules": {"name": "hackney"}},
        "cohort": {"rows": 13, "people": 12, "rejected": []},
        "naive": results,
        "not_engaged": {},
        "matched": results,
        "matching": {"cases": 12, "relaxed_from": 2, "matched_without_relaxation": 9},
        "trajectories": {"months": [], "cohort": {}, "not_engaged": {}, "matched": {}},
        "relapse": None,
        "costs": {"table": None, "by_method": {}, "running_costs": None, "roi": None},
        "censoring": "Follow-up ends at death or the end of the data.",
        "clients": [
            {
                "row": 3,
                "engaged_date": "2024-03-01",
                "identified_date": "2024-01-01",
                "identified_from": "assumed",
                "on_list": False,
                "wait_days": 60,
                "later_lists": 0,
                "matching_level": 3,
                "relaxed": True,
                "controls": 5,
            }
        ],
        "diagnostics": {
            "ok": False,
            "matched_share_without_relaxation": 0.75,
            "max_smd_after": 0.05,
            "smd_limit": 0.1,
            "share_limit": 0.9,
            "warnings": [
                {"code": "relaxed_matching", "message": "<script>x</script>", "rows": [3, 17]}
            ],
        },
        "sensitivity": {
            "specifications": [
                {
                    "key": "matched",
                    "title": "Matched comparison",
                    "description": "The primary estimate.",
                    "primary": True,
                    "results": results,
                }
            ],
            "e_values": {
                w: {"ed_attendances": {"estimate": 2.21, "ci": 1.46}} for w in ("6", "12")
            },
        },
    }


def test_a_version_two_result_shows_diagnostics_sensitivity_and_clients_on_the_page(
    service: Service, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    run = EvaluationRun.objects.create(
        service=service,
        rule_set="hackney",
        replicates=1000,
        status=EvaluationStatus.DONE,
        result=_version_two(),
    )
    browser = signed_in(staff[Role.CASE_MANAGER])
    for name in ("evaluation:run", "evaluation:html"):
        page = browser.get(reverse(name, args=[run.pk])).content.decode()
        assert 'class="nhsuk-warning-callout" id="diagnostics" data-ok="false"' in page, name
        assert "too many clients matched only after relaxing an exact match" in page
        assert "&lt;script&gt;x&lt;/script&gt; (cohort rows 3, 17)." in page
        assert "<script>x" not in page
        assert 'id="sensitivity"' in page
        assert "Matched comparison (primary)" in page
        assert "a rate ratio of at least 2.21 each" in page
        assert 'id="clients"' in page
        assert "Assumed (the last list date)" in page
        assert "The matched comparison adjusts only for what the data hold" in page


def test_a_queued_run_shows_its_status_and_has_nothing_to_download(
    service: Service, staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    run = start_evaluation(service, staff[Role.SERVICE_LEAD])
    assert run.status == EvaluationStatus.QUEUED
    browser = signed_in(staff[Role.CASE_MANAGER])
    page = browser.get(reverse("evaluation:run", args=[run.pk])).content.decode()
    assert "Waiting to start" in page
    assert "data-hiu-refresh" in page
    assert browser.get(reverse("evaluation:json", args=[run.pk])).status_code == 404
    assert browser.get(reverse("evaluation:html", args=[run.pk])).status_code == 404


def test_a_run_with_fewer_replicates_says_so(
    activity: Store,
    service: Service,
    engaged_clients: list[Client],
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    run = evaluate_now(service, staff[Role.SERVICE_LEAD], replicates=50)
    assert run.status == EvaluationStatus.DONE, run.error
    assert run.result is not None
    assert run.result["run"]["bootstrap_replicates"] == 50
    page = signed_in(staff[Role.CASE_MANAGER]).get(reverse("evaluation:run", args=[run.pk]))
    note = "This run used 50 bootstrap replicates rather than the usual 1,000"
    assert note in page.content.decode()


def test_no_activity_fails_saying_what_to_do(
    data_dir: Path,
    service: Service,
    engaged_clients: list[Client],
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
) -> None:
    run = evaluate_now(service, staff[Role.SERVICE_LEAD], replicates=10)
    assert run.status == EvaluationStatus.FAILED
    assert run.error == NO_ACTIVITY
    assert run.result is None
    browser = signed_in(staff[Role.SERVICE_LEAD])
    overview = browser.get(reverse("evaluation:overview")).content.decode()
    assert "No evaluation has finished yet" in overview
    assert reverse("evaluation:run", args=[run.pk]) in overview
    page = browser.get(reverse("evaluation:run", args=[run.pk])).content.decode()
    assert "The evaluation was not run" in page
    assert NO_ACTIVITY in page


def test_no_engaged_client_fails_saying_why(
    activity: Store, service: Service, staff: dict[Role, User], make_client: Callable[..., Client]
) -> None:
    record_episode(make_client(service), Phase.CONTACTING, opened_on=dt.date(2024, 1, 1))
    run = evaluate_now(service, staff[Role.SERVICE_LEAD], replicates=10)
    assert run.status == EvaluationStatus.FAILED
    assert run.error == NO_COHORT


def test_an_unexpected_failure_keeps_row_values_out_of_the_error(
    activity: Store,
    service: Service,
    engaged_clients: list[Client],
    staff: dict[Role, User],
    caplog: pytest.LogCaptureFixture,
) -> None:
    service.rule_set = "no-such-rule-set"
    service.save()
    run = evaluate_now(service, staff[Role.SERVICE_LEAD], replicates=10)
    assert run.status == EvaluationStatus.FAILED
    for client in engaged_clients:
        assert client.nhs_number not in run.error
        assert client.nhs_number not in caplog.text


def test_the_demo_leaves_a_finished_evaluation(data_dir: Path, synthetic: Path) -> None:
    call_command("demo", synthetic=synthetic, stdout=(out := StringIO()))
    service = Service.objects.get(name__startswith="Demo")
    run = EvaluationRun.objects.get(service=service)
    assert run.status == EvaluationStatus.DONE, run.error
    assert run.replicates == 1000
    assert run.result is not None
    assert (
        run.result["cohort"]["people"]
        == Episode.objects.filter(client__service=service, engaged_on__isnull=False)
        .values("client")
        .distinct()
        .count()
    )
    assert run.result["costs"]["roi"] is not None
    assert "Evaluation (1000 replicates): finished" in out.getvalue()
    # Run again, the demo keeps the finished run rather than making another.
    call_command("demo", synthetic=synthetic, stdout=StringIO())
    assert EvaluationRun.objects.filter(service=service).count() == 1
