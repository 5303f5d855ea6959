"""Outcome measures in the record: questionnaires scored from the form as their manuals say
(reversed items, prorating, not scored), goal ratings, the service's experience questionnaire
kept as versions, the client's Outcomes tab and summary section, and the service's outcome
summary against the BRC targets (002 EK-F)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tables_support import without_phone_headings

from hiu.outcomes import INSTRUMENTS, Item
from hiu.outcomes.targets import TARGETS
from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.clients.models import Client
from hiu.web.demo.factories import record_episode
from hiu.web.episodes.models import Episode
from hiu.web.episodes.phases import Phase
from hiu.web.outcomes import services
from hiu.web.outcomes.due import tasks_due
from hiu.web.outcomes.history import first_and_latest
from hiu.web.outcomes.kpis import Figure, Quarter, parse_quarter, quarter_of, service_summary
from hiu.web.outcomes.models import GoalRating, OutcomeRecord, PremQuestionnaire, PremResponse
from hiu.web.outcomes.questionnaire import STANDARD, current_questionnaire
from hiu.web.plans.models import ActionPlan, Goal

pytestmark = pytest.mark.db_engine

TODAY = timezone.localdate()
THIS_QUARTER = quarter_of(TODAY)
LAST_QUARTER = Quarter(
    dt.date(THIS_QUARTER.start.year - (THIS_QUARTER.start.month == 1), 1, 1).replace(
        month=(THIS_QUARTER.start.month - 4) % 12 + 1
    )
)


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


@pytest.fixture
def manager(staff: dict[Role, User], signed_in: Callable[[User], HttpClient]) -> HttpClient:
    return signed_in(staff[Role.CASE_MANAGER])


def post_measure(
    browser: HttpClient, client: Client, code: str, items: dict[int, str], **extra: str
) -> Any:
    data = {
        "instrument": code,
        "point": "baseline",
        **date_fields("completed_on", TODAY),
        **{f"item_{n}": value for n, value in items.items()},
        **extra,
    }
    return browser.post(reverse("outcomes:record", kwargs={"client_id": client.pk}), data)


def outcomes_page(browser: HttpClient, client: Client) -> str:
    response = browser.get(reverse("outcomes:client", kwargs={"client_id": client.pk}))
    assert response.status_code == 200
    return response.content.decode()


# -- Recording a questionnaire ----------------------------------------------------------------


def test_it_scores_core10_with_its_reversed_items_from_the_form(
    manager: HttpClient, make_client: Callable[..., Client], service: Service
) -> None:
    client = make_client(service)
    # "Not at all" (0) everywhere: items 2 and 3 ("someone to turn to", "able to cope") are
    # worded positively, so on them it is the most distress, 4 each (Barkham et al. 2013).
    response = post_measure(manager, client, "core10", {n: "0" for n in range(1, 11)})
    assert response.status_code == 302
    record = OutcomeRecord.objects.get()
    assert (record.instrument, record.total, record.band, record.prorated) == (
        "core10",
        8.0,
        "Low",
        False,
    )
    assert record.answers == {str(n): 0 for n in range(1, 11)}
    assert (record.answered, record.missing, record.point) == (10, 0, "baseline")


def test_it_prorates_one_missing_core10_item_and_says_so(
    manager: HttpClient, make_client: Callable[..., Client], service: Service
) -> None:
    client = make_client(service)
    items = {n: "2" for n in range(1, 11)}
    items[5] = ""  # "Not answered"
    assert post_measure(manager, client, "core10", items).status_code == 302
    record = OutcomeRecord.objects.get()
    # Nine items of 2 (reversed 2 is still 2): mean 2, times ten items.
    assert (record.total, record.raw_total, record.prorated, record.missing) == (
        20.0,
        18.0,
        True,
        1,
    )
    assert record.answers["5"] is None
    page = outcomes_page(manager, client)
    assert "20 (prorated)" in page
    assert "1 of 10 not answered; the total is prorated" in page


def test_too_many_missing_items_are_saved_but_not_scored(
    manager: HttpClient, make_client: Callable[..., Client], service: Service
) -> None:
    client = make_client(service)
    response = post_measure(manager, client, "gad7", {1: "3", 2: "3"})
    assert response.status_code == 302
    record = OutcomeRecord.objects.get()
    assert (record.total, record.band) == (None, "")
    assert record.reason
    assert (record.answered, record.missing) == (2, 5)
    follow = manager.get(response["Location"])
    assert "GAD-7 recorded, but could not be scored" in follow.content.decode()
    assert record.reason in follow.content.decode()
    assert "Not scored" in follow.content.decode()


def test_an_answer_the_form_never_offered_is_an_error_naming_the_question(
    manager: HttpClient, make_client: Callable[..., Client], service: Service
) -> None:
    client = make_client(service)
    response = post_measure(manager, client, "phq9", {1: "7", 2: "1"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Select one of the answers to question 1, or leave it blank" in content
    assert 'href="#item_1"' in content
    assert not OutcomeRecord.objects.exists()


def test_blank_questions_alone_are_not_an_error(
    manager: HttpClient, make_client: Callable[..., Client], service: Service
) -> None:
    client = make_client(service)
    assert post_measure(manager, client, "ucla3", {}).status_code == 302
    assert OutcomeRecord.objects.get().answered == 0


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + dt.timedelta(days=1), "must be today or in the past"),
        (TODAY - dt.timedelta(days=40), "first episode opened"),
    ],
)
def test_the_date_completed_is_not_in_the_future_nor_before_the_first_episode(
    manager: HttpClient,
    make_client: Callable[..., Client],
    service: Service,
    day: dt.date,
    message: str,
) -> None:
    client = make_client(service)
    record_episode(client, Phase.ENGAGED, opened_on=TODAY - dt.timedelta(days=30))
    response = post_measure(
        manager, client, "gad7", {n: "1" for n in range(1, 8)}, **date_fields("completed_on", day)
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert 'href="#completed_on-day"' in content  # the error is the date's
    assert not OutcomeRecord.objects.exists()


def test_the_form_shows_the_instruments_items_and_licence(
    manager: HttpClient, make_client: Callable[..., Client], service: Service
) -> None:
    client = make_client(service)
    url = reverse("outcomes:record", kwargs={"client_id": client.pk})
    choose = manager.get(url).content.decode()
    for instrument in INSTRUMENTS.values():
        assert f'value="{instrument.code}"' in choose
    gad7 = INSTRUMENTS["gad7"]
    page = manager.get(url, {"instrument": "gad7"}).content.decode()
    for item in gad7.items:
        assert f'name="item_{item.number}"' in page
    assert gad7.items[0].options[-1].label in page
    assert gad7.licence.split(".")[0].replace("'", "&#39;") in page
    wrong = manager.get(url, {"instrument": "nope"}).content.decode()
    assert "Select the questionnaire the client completed" in wrong


# -- The trajectory and the change ------------------------------------------------------------


def test_the_outcomes_tab_charts_scores_and_compares_first_with_latest(
    manager: HttpClient,
    staff: dict[Role, User],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    client = make_client(service)
    gad7 = INSTRUMENTS["gad7"]
    for days, value in ((60, 3), (30, 2), (0, 1)):
        services.record_measure(
            client,
            gad7,
            by=staff[Role.CASE_MANAGER],
            completed_on=TODAY - dt.timedelta(days=days),
            point="review",
            answers={n: value for n in range(1, 8)},
        )
    page = outcomes_page(manager, client)
    # 21 -> 7: a fall of 14, at least GAD-7's reliable change of 4, from above the cut-off.
    assert "-14: Reliable and clinically significant improvement" in page
    assert 'role="img" aria-labelledby="chart-gad7-title chart-gad7-desc"' in page
    assert "GAD-7 total score by date completed" in page
    for total in ("21", "14", "7"):
        assert f'<td class="nhsuk-table__cell" role="cell">{total}</td>' in without_phone_headings(
            page
        )


def test_a_single_score_has_nothing_to_compare(
    manager: HttpClient,
    staff: dict[Role, User],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    client = make_client(service)
    services.record_measure(
        client,
        INSTRUMENTS["ucla3"],
        by=staff[Role.CASE_MANAGER],
        completed_on=TODAY,
        point="baseline",
        answers={1: 3, 2: 3, 3: 3},
    )
    page = outcomes_page(manager, client)
    assert "there is nothing to compare it with yet" in page


def test_the_client_summary_shows_latest_scores_and_change(
    manager: HttpClient,
    staff: dict[Role, User],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    client = make_client(service)
    for days, value in ((50, 3), (0, 1)):
        services.record_measure(
            client,
            INSTRUMENTS["ucla3"],
            by=staff[Role.CASE_MANAGER],
            completed_on=TODAY - dt.timedelta(days=days),
            point="review",
            answers={1: value, 2: value, 3: value},
        )
    page = manager.get(reverse("clients:detail", kwargs={"client_id": client.pk}))
    content = page.content.decode()
    assert "Outcome measures" in content
    name = INSTRUMENTS["ucla3"].name
    assert f'<dt class="nhsuk-summary-list__key">\n      {name}' in content or name in content
    assert f"3 on {TODAY.day} " in content
    assert "improved (no reliable change figure is published) since" in content


# -- Goals ------------------------------------------------------------------------------------


def make_plan(client: Client, version: int, *descriptions: str) -> list[Goal]:
    plan = ActionPlan.objects.create(
        client=client, version=version, summary="Plan", review_on=TODAY
    )
    return [
        Goal.objects.create(plan=plan, position=i, description=text)
        for i, text in enumerate(descriptions, start=1)
    ]


def test_goal_ratings_are_kept_with_their_dates_and_compared_first_to_latest(
    manager: HttpClient, make_client: Callable[..., Client], service: Service
) -> None:
    client = make_client(service)
    lunch, walk = make_plan(client, 1, "Go to the lunch club", "Walk to the shops")
    url = reverse("outcomes:goals", kwargs={"client_id": client.pk})
    earlier = TODAY - dt.timedelta(days=20)
    response = manager.post(
        url, {**date_fields("rated_on", earlier), f"goal_{lunch.pk}": "2", f"goal_{walk.pk}": "5"}
    )
    assert response.status_code == 302
    # A new version of the plan makes new goal rows: the same wording is the same goal.
    (lunch_again,) = make_plan(client, 2, "Go to the lunch club ")
    response = manager.post(url, {**date_fields("rated_on", TODAY), f"goal_{lunch_again.pk}": "6"})
    assert response.status_code == 302
    ratings = list(GoalRating.objects.order_by("rated_on", "id").values_list("rating", "rated_on"))
    assert ratings == [(2, earlier), (5, earlier), (6, TODAY)]
    page = outcomes_page(manager, client)
    assert "2 to 6: Reliable progress" in page
    assert "Rated once" in page


def test_rating_no_goal_is_an_error(
    manager: HttpClient, make_client: Callable[..., Client], service: Service
) -> None:
    client = make_client(service)
    (goal,) = make_plan(client, 1, "Lunch club")
    url = reverse("outcomes:goals", kwargs={"client_id": client.pk})
    response = manager.post(url, date_fields("rated_on", TODAY))
    assert response.status_code == 200
    assert "Rate at least one goal" in response.content.decode()
    response = manager.post(url, {**date_fields("rated_on", TODAY), f"goal_{goal.pk}": "11"})
    assert "Select one of the answers to goal 1, or leave it blank" in response.content.decode()
    assert not GoalRating.objects.exists()


# -- The experience questionnaire -------------------------------------------------------------


def questionnaire_post(*questions: tuple[str, str, str, int], headline: int = 0) -> dict[str, str]:
    data = {"rows": str(len(questions)), "headline": str(headline)}
    for i, (key, text, options, positive) in enumerate(questions):
        data.update(
            {
                f"question_{i}_key": key,
                f"question_{i}_text": text,
                f"question_{i}_options": options,
                f"question_{i}_positive": str(positive),
            }
        )
    return data


def test_the_lead_edits_the_questionnaire_and_each_save_is_a_new_version(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    lead = signed_in(staff[Role.SERVICE_LEAD])
    url = reverse("outcomes:questionnaire")
    page = lead.get(url).content.decode()
    assert STANDARD.questions[0].text.replace("'", "&#39;") in page
    assert current_questionnaire(service).version == 0

    first = questionnaire_post(
        ("overall", "How was our service?", "Very good\nGood\nPoor", 2),
        ("", "Would you come back?", "Yes\nNo", 1),
    )
    assert lead.post(url, first).status_code == 302
    client = make_client(service)
    services.record_prem(
        client,
        current_questionnaire(service),
        by=staff[Role.SERVICE_LEAD],
        completed_on=TODAY,
        point="step_down",
        answers={"overall": 2, "question_2": 1},
    )
    second = questionnaire_post(("overall", "How was it?", "Good\nBad", 1))
    assert lead.post(url, second).status_code == 302

    versions = list(PremQuestionnaire.objects.order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert [q["text"] for q in versions[0].questions] == [
        "How was our service?",
        "Would you come back?",
    ]
    assert versions[0].questions[0]["positive_values"] == [1, 2]
    assert versions[0].questions[1]["key"] == "question_2"
    assert current_questionnaire(service).version == 2
    response = PremResponse.objects.get()
    assert (response.version, response.positive) == (1, True)
    # The earlier response still reads with the version it was answered on.
    manager_page = outcomes_page(signed_in(staff[Role.CASE_MANAGER]), client)
    assert '<td class="nhsuk-table__cell" role="cell">Good</td>' in without_phone_headings(
        manager_page
    )


def test_the_questionnaire_needs_one_overall_question_with_positive_answers(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient]
) -> None:
    lead = signed_in(staff[Role.SERVICE_LEAD])
    url = reverse("outcomes:questionnaire")
    response = lead.post(url, questionnaire_post(("a", "How was it?", "Good\nBad", 0)))
    assert "Enter how many answers to the overall experience question are positive" in (
        response.content.decode()
    )
    response = lead.post(url, questionnaire_post(("a", "How was it?", "Good", 1)))
    assert "Enter at least 2 answers to question 1" in response.content.decode()
    assert not PremQuestionnaire.objects.exists()


def test_a_clients_experience_questionnaire_is_scored_on_its_headline(
    manager: HttpClient, make_client: Callable[..., Client], service: Service
) -> None:
    client = make_client(service)
    url = reverse("outcomes:prem", kwargs={"client_id": client.pk})
    data = {"point": "step_down", **date_fields("completed_on", TODAY)}
    # Standard questionnaire: "Poor" (4) overall is not positive, whatever the other answers.
    response = manager.post(
        url, {**data, "answer_overall": "4", "answer_listened": "1", "answer_contact": ""}
    )
    assert response.status_code == 302
    saved = PremResponse.objects.get()
    assert (saved.version, saved.positive, saved.answered) == (0, False, 2)
    assert saved.answers == {"overall": 4, "listened": 1, "involved": None, "contact": None}


# -- The service's outcome summary ------------------------------------------------------------


def ucla(client: Client, by: User, day: dt.date, value: int) -> None:
    services.record_measure(
        client,
        INSTRUMENTS["ucla3"],
        by=by,
        completed_on=day,
        point="review",
        answers={1: value, 2: value, 3: value},
    )


def rate(client: Client, goal: Goal, day: dt.date, rating: int) -> None:
    GoalRating.objects.create(
        client=client, goal=goal, goal_text=goal.description, rating=rating, rated_on=day
    )


@pytest.mark.parametrize(
    ("met", "of", "text"),
    [
        (19, 29, "19 of 29 (65.5%) — target 66%: not met"),
        (33, 50, "33 of 50 (66%) — target 66%: met"),
        (2, 3, "2 of 3 (67%) — target 66%: met"),
        (13, 20, "13 of 20 (65%) — target 66%: not met"),
    ],
)
def test_a_share_just_under_the_target_is_not_shown_rounded_up_to_it(
    met: int, of: int, text: str
) -> None:
    """19 of 29 is 65.5%: shown as "66%" beside a 66% target "not met", it would read as a
    mistake, so a share that rounds to the target without reaching it gets a decimal place."""
    figure = Figure(TARGETS["better_wellbeing"], "Better wellbeing", met, of, "", "")
    assert figure.text == text


def test_the_summary_counts_only_clients_with_a_latest_score_in_the_quarter(
    staff: dict[Role, User],
    make_client: Callable[..., Client],
    service: Service,
    other_service: Service,
) -> None:
    by = staff[Role.CASE_MANAGER]
    q = THIS_QUARTER
    before = LAST_QUARTER.start
    lonelier, less_lonely, once, earlier = (make_client(service) for _ in range(4))
    ucla(less_lonely, by, before, 3)  # 9 ...
    ucla(less_lonely, by, q.start, 2)  # ... to 6: less lonely
    ucla(lonelier, by, before, 2)
    ucla(lonelier, by, q.start, 3)  # 6 to 9
    ucla(once, by, q.start, 3)  # one score: nothing to compare, not counted
    ucla(earlier, by, before, 3)
    ucla(earlier, by, before + dt.timedelta(days=1), 1)  # latest before the quarter
    other = make_client(other_service)
    ucla(other, by, before, 3)
    ucla(other, by, q.start, 1)  # another service's client: never counted here

    (goal,) = make_plan(less_lonely, 1, "Lunch club")
    rate(less_lonely, goal, before, 3)
    rate(less_lonely, goal, q.start, 4)
    (goal2,) = make_plan(lonelier, 1, "Walk")
    rate(lonelier, goal2, q.start, 5)  # rated once: not counted

    for positive in (True, True, True, False):
        PremResponse.objects.create(
            client=once, version=0, completed_on=q.start, point="step_down", positive=positive
        )
    PremResponse.objects.create(
        client=once, version=0, completed_on=q.start, point="step_down", positive=None
    )
    PremResponse.objects.create(
        client=once, version=0, completed_on=before, point="step_down", positive=False
    )

    summary = service_summary(service, q, TODAY)
    figures = {f.title: f for f in summary.figures}
    assert figures["Less lonely"].text == "1 of 2 (50%) — target 66%: not met"
    assert figures["Positive experience"].text == "3 of 4 (75%) — target 80%: not met"
    assert figures["Progressing a goal"].text == "1 of 1 (100%) — target 90%: met"
    assert figures["Better wellbeing"].text == "No one to count this quarter — target 66%"
    ucla_row = next(r for r in summary.instruments if r.instrument.code == "ucla3")
    assert (ucla_row.compared, ucla_row.no_figure, ucla_row.improved) == (2, 2, 1)

    # The quarter before: only the client whose latest score was then.
    previous = service_summary(service, LAST_QUARTER, TODAY)
    lonely = next(f for f in previous.figures if f.title == "Less lonely")
    assert lonely.text == "1 of 1 (100%) — target 66%: met"


def test_better_wellbeing_uses_swemwbs_or_else_ons4_life_satisfaction(
    staff: dict[Role, User], make_client: Callable[..., Client], service: Service
) -> None:
    by = staff[Role.CASE_MANAGER]
    q = THIS_QUARTER
    swemwbs, ons4 = INSTRUMENTS["swemwbs"], INSTRUMENTS["ons4"]
    both, only_ons4 = make_client(service), make_client(service)
    for client, instrument, values in (
        (both, swemwbs, (2, 1)),  # SWEMWBS worse ...
        (both, ons4, (3, 9)),  # ... though ONS4 better: SWEMWBS counts
        (only_ons4, ons4, (3, 9)),
    ):
        for day, value in zip((LAST_QUARTER.start, q.start), values, strict=True):
            services.record_measure(
                client,
                instrument,
                by=by,
                completed_on=day,
                point="review",
                answers={item.number: _option(item, value) for item in instrument.items},
            )
    figure = next(
        f for f in service_summary(service, q, TODAY).figures if f.title == "Better wellbeing"
    )
    assert figure.text == "1 of 2 (50%) — target 66%: not met"


def _option(item: Item, value: int) -> int:
    values = sorted(o.value for o in item.options)
    return values[min(value, len(values) - 1)]


def test_the_summary_page_shows_a_chosen_quarter_and_is_audited(
    staff: dict[Role, User], signed_in: Callable[[User], HttpClient], service: Service
) -> None:
    lead = signed_in(staff[Role.SERVICE_LEAD])
    response = lead.get(reverse("outcomes:summary"), {"quarter": LAST_QUARTER.key})
    content = response.content.decode()
    assert f"Outcome summary: {LAST_QUARTER.label}" in content
    assert "not suppressed for small numbers" in content
    assert parse_quarter("1999-01", TODAY) is None
    fallback = lead.get(reverse("outcomes:summary"), {"quarter": "1999-01"}).content.decode()
    assert f"Outcome summary: {THIS_QUARTER.label}" in fallback
    assert 'href="/outcomes/"' in content  # the lead's navigation


def test_opened_without_a_quarter_the_summary_shows_the_latest_quarter_with_results(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    """Early in a quarter, or when measures are entered late, the current quarter is empty:
    the page opens on the last quarter that has results rather than on nothing."""
    lead = signed_in(staff[Role.SERVICE_LEAD])
    assert (
        f"Outcome summary: {THIS_QUARTER.label}"
        in lead.get(reverse("outcomes:summary")).content.decode()
    )
    client = make_client(service)
    ucla(client, staff[Role.CASE_MANAGER], LAST_QUARTER.start, 3)
    ucla(client, staff[Role.CASE_MANAGER], LAST_QUARTER.start + dt.timedelta(days=20), 2)
    content = lead.get(reverse("outcomes:summary")).content.decode()
    assert f"Outcome summary: {LAST_QUARTER.label}" in content
    assert "1 of 1 (100%)" in content


def _seed(service: Service, make_client: Callable[..., Client], by: User, count: int) -> Client:
    first = None
    for _ in range(count):
        client = make_client(service)
        first = first or client
        ucla(client, by, LAST_QUARTER.start, 3)
        ucla(client, by, THIS_QUARTER.start, 2)
        (goal,) = make_plan(client, 1, "Lunch club")
        rate(client, goal, LAST_QUARTER.start, 2)
        rate(client, goal, THIS_QUARTER.start, 5)
        PremResponse.objects.create(
            client=client,
            version=0,
            completed_on=THIS_QUARTER.start,
            point="step_down",
            positive=True,
        )
    assert first is not None
    return first


def test_the_summary_and_the_tab_take_as_many_queries_for_50_clients_as_for_5(
    staff: dict[Role, User],
    signed_in: Callable[[User], HttpClient],
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    by = staff[Role.CASE_MANAGER]
    lead = signed_in(staff[Role.SERVICE_LEAD])
    summary_url = reverse("outcomes:summary")

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert lead.get(url).status_code == 200
        return len(captured)

    first = _seed(service, make_client, by, 5)
    small_summary = queries(summary_url)
    small_tab = queries(reverse("outcomes:client", kwargs={"client_id": first.pk}))
    _seed(service, make_client, by, 45)
    for _ in range(5):  # more records on the first client's tab too
        ucla(first, by, TODAY, 1)
    assert queries(summary_url) == small_summary
    assert queries(reverse("outcomes:client", kwargs={"client_id": first.pk})) == small_tab
    assert "50 of 50 (100%)" in lead.get(summary_url).content.decode()


# -- The demo ---------------------------------------------------------------------------------


def test_the_demo_caseload_has_lived_in_outcomes(
    db: object, data_dir: Path, synthetic: Path
) -> None:
    call_command("demo", synthetic=synthetic, stdout=StringIO())
    records = list(OutcomeRecord.objects.all())
    assert {r.point for r in records} >= {"baseline", "review", "step_down"}
    assert {r.instrument for r in records} >= {"core10", "ucla3"}
    # A few with a question left blank: prorated, or (UCLA 3-item allows none) not scored.
    gaps = [r for r in records if r.missing]
    assert 0 < len(gaps) < len(records) / 4
    assert any(r.prorated for r in gaps) or any(r.total is None for r in gaps)
    stepped_down = Episode.objects.filter(phase="stepped_down")
    assert all(PremResponse.objects.filter(client=e.client).exists() for e in stepped_down)
    assert GoalRating.objects.exists()
    changes = []
    for client in Client.objects.filter(outcome_records__isnull=False).distinct():
        pair = first_and_latest(
            INSTRUMENTS["core10"], list(client.outcome_records.filter(instrument="core10"))
        )
        if pair is not None:
            changes.append(pair.change)
    improved = sum(1 for c in changes if c.improved)
    # Mostly improving, not all.
    assert len(changes) >= 3
    assert improved > len(changes) / 2
    # Made once, and the same each time it is made.
    before = sorted((r.client.nhs_number, r.instrument, r.completed_on, r.total) for r in records)
    call_command("demo", synthetic=synthetic, stdout=StringIO())
    assert OutcomeRecord.objects.count() == len(records)
    again = sorted(
        (r.client.nhs_number, r.instrument, r.completed_on, r.total)
        for r in OutcomeRecord.objects.select_related("client")
    )
    assert again == before


def test_answers_to_a_questionnaire_changed_meanwhile_are_checked_again(
    staff: dict[Role, User],
    manager: HttpClient,
    make_client: Callable[..., Client],
    service: Service,
) -> None:
    client = make_client(service)
    url = reverse("outcomes:prem", kwargs={"client_id": client.pk})
    services.save_questionnaire(
        service, by=staff[Role.SERVICE_LEAD], questions=STANDARD.questions[:1]
    )
    # The page showed the standard questionnaire (version 0); version 1 is now current.
    data = {"point": "step_down", "version": "0", "answer_overall": "1"}
    response = manager.post(url, {**data, **date_fields("completed_on", TODAY)})
    assert response.status_code == 200
    assert "changed while you were filling it in" in response.content.decode()
    assert not PremResponse.objects.exists()
    response = manager.post(url, {**data, "version": "1", **date_fields("completed_on", TODAY)})
    assert response.status_code == 302
    assert PremResponse.objects.get().version == 1


# -- Tasks ------------------------------------------------------------------------------------


def test_baseline_and_step_down_questionnaires_are_tasks_until_recorded(
    staff: dict[Role, User], make_client: Callable[..., Client], service: Service
) -> None:
    by = staff[Role.CASE_MANAGER]
    engaged, stepped, closed = (make_client(service) for _ in range(3))
    opened = TODAY - dt.timedelta(days=60)
    for client, phase in (
        (engaged, Phase.ENGAGED),
        (stepped, Phase.STEPPED_DOWN),
        (closed, Phase.CLOSED),
    ):
        record_episode(
            client,
            phase,
            opened_on=opened,
            engaged_on=opened + dt.timedelta(days=5),
            stepped_down_on=TODAY - dt.timedelta(days=3) if phase == Phase.STEPPED_DOWN else None,
        )
    clients = Client.objects.filter(service=service)
    found = {(t.client_id, t.what, t.due_on) for t in tasks_due(clients, TODAY)}
    assert found == {
        (engaged.pk, "Record baseline questionnaires", opened + dt.timedelta(days=19)),
        (stepped.pk, "Record step-down questionnaires", TODAY - dt.timedelta(days=3)),
    }
    # A questionnaire before stepping down is not a step-down one; one after it is.
    ucla(stepped, by, TODAY - dt.timedelta(days=10), 2)
    ucla(engaged, by, opened + dt.timedelta(days=6), 2)
    assert {t.client_id for t in tasks_due(clients, TODAY)} == {stepped.pk}
    ucla(stepped, by, TODAY, 1)
    assert tasks_due(clients, TODAY) == []
