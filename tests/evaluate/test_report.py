"""The evaluation as one HTML page: the right numbers in the right cells, escaped text, nulls
read "not estimable", and bar heights that follow the numbers."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from hiu.evaluate import wording
from hiu.evaluate.report import render_body, render_html
from hiu.svg_geometry import nice_scale

ACTIVITIES = ["ed_attendances", "ambulance_incidents", "nhs111_calls", "admissions", "bed_days"]
WINDOWS = ["3", "6", "9", "12"]
MINUS = "\u2212"
CHANGE = "change after engagement"
CI = "(95% confidence interval)"


def _period(events: int, person_years: float) -> dict[str, Any]:
    return {"events": events, "person_years": person_years, "rate": events / person_years}


def _naive(scale: float, window: int) -> dict[str, Any]:
    years = 120 * window / 12
    before, after = round(8.0 * scale * years), round(4.6 * scale * years)
    return {
        "estimate": -0.2 - window / 100,
        "ci_low": -0.31 - window / 100,
        "ci_high": -0.08 - window / 100,
        "people": 120,
        "before": _period(before, years),
        "after": _period(after, years),
    }


def _did(scale: float, window: int, comparison_people: int, shrink: float) -> dict[str, Any]:
    years, comparison_years = 110 * window / 12, comparison_people * window / 12
    cohort = {
        "before": _period(round(7.5 * scale * years), years),
        "after": _period(round(4.5 * scale * years), years),
    }
    comparison = {
        "before": _period(round(6.0 * scale * comparison_years), comparison_years),
        "after": _period(round(6.0 * shrink * scale * comparison_years), comparison_years),
    }
    ratio_cohort = cohort["after"]["rate"] / cohort["before"]["rate"]
    ratio_comparison = comparison["after"]["rate"] / comparison["before"]["rate"]
    return {
        "estimate": ratio_cohort / ratio_comparison - 1,
        "ci_low": -0.25,
        "ci_high": 0.03,
        "people": 110,
        "comparison_people": comparison_people,
        "cohort": cohort,
        "comparison": comparison,
        "rate_ratio": {"cohort": ratio_cohort, "comparison": ratio_comparison},
        "did_per_person_year": {"estimate": -1.2, "ci_low": -2.1, "ci_high": 0.4},
    }


SCALES = {
    "ed_attendances": 1.0,
    "ambulance_incidents": 0.6,
    "nhs111_calls": 1.4,
    "admissions": 0.3,
    "bed_days": 2.5,
}


@pytest.fixture
def evaluation() -> dict[str, Any]:
    return realistic_evaluation()


def realistic_evaluation() -> dict[str, Any]:
    """A realistic ``hiu-evaluation/1`` dict with every key of the layout."""
    naive = {w: {a: _naive(SCALES[a], int(w)) for a in ACTIVITIES} for w in WINDOWS}
    not_engaged = {w: {a: _did(SCALES[a], int(w), 80, 0.8) for a in ACTIVITIES} for w in WINDOWS}
    matched = {w: {a: _did(SCALES[a], int(w), 330, 0.7) for a in ACTIVITIES} for w in WINDOWS}
    months = list(range(-12, 12))
    trajectory = {
        "cohort": {
            a: [0.3 + 0.02 * (m + 12) if m < 0 else 0.35 for m in months] for a in ACTIVITIES
        },
        "not_engaged": {a: [0.25 if m < 0 else 0.3 for m in months] for a in ACTIVITIES},
        "matched": {a: [0.28 if m < 0 else 0.26 for m in months] for a in ACTIVITIES},
    }

    def costs_for(method: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for w in WINDOWS:
            cells: dict[str, Any] = {
                a: {"avoided_events": 12.5 * SCALES[a], "avoided_cost": 418.0 * 12.5 * SCALES[a]}
                for a in ACTIVITIES
            }
            cells["total_avoided_cost"] = sum(c["avoided_cost"] for c in cells.values())
            out[w] = cells
        return out

    return {
        "format": "hiu-evaluation/1",
        "run": {
            "hiu_version": "0.1.0",
            "rules": {"name": "hiu-default", "title": "Default HIU rules"},
            "data_start": "2023-01-01",
            "data_end": "2025-12-31",
            "seed": 2026,
            "bootstrap_replicates": 200,
            "windows": [3, 6, 9, 12],
            "activities": ACTIVITIES,
        },
        "cohort": {
            "rows": 125,
            "people": 120,
            "rejected": [
                {"row": 7, "column": "nhs_number", "reason": "not a valid NHS number"},
                {"row": 19, "column": "engaged_date", "reason": "not a date"},
            ],
            "engaged_from": "2024-01-08",
            "engaged_to": "2024-11-28",
            "identification_dates": ["2024-01-01", "2024-04-01"],
        },
        "naive": naive,
        "not_engaged": not_engaged,
        "matched": matched,
        "matching": {
            "method": "Up to 3 people identified on the same list for each engaged person.",
            "ratio": 3,
            "exact": ["sex", "identification date"],
            "nearest": ["age", "prior A&E attendances"],
            "cases": 120,
            "matched_cases": 110,
            "unmatched_cases": 10,
            "controls": 330,
            "candidates": 2400,
            "balance": [
                {
                    "variable": "age",
                    "cohort_mean": 52.3,
                    "pool_mean": 47.1,
                    "matched_mean": 51.9,
                    "smd_before": 0.31,
                    "smd_after": 0.02,
                },
                {
                    "variable": "prior A&E attendances",
                    "cohort_mean": 9.4,
                    "pool_mean": 6.2,
                    "matched_mean": 8.1,
                    "smd_before": 0.64,
                    "smd_after": -0.15,
                },
            ],
        },
        "trajectories": {"months": months, **trajectory},
        "relapse": {
            "definition": "Back above the threshold within 12 months of stepping down.",
            "cohort": {"people": 90, "relapsed": 18, "rate": 0.2},
            "matched": {"people": 280, "relapsed": 70, "rate": 0.25},
        },
        "costs": {
            "table": {
                "name": "default",
                "version": 1,
                "items": [
                    {
                        "activity": a,
                        "unit_cost": 418.0,
                        "price_year": "2023/24",
                        "source": "NHS National Cost Collection 2023/24",
                    }
                    for a in ACTIVITIES
                ],
            },
            "by_method": {m: costs_for(m) for m in ("naive", "not_engaged", "matched")},
            "running_costs": {"amount": 120000.0, "period": "12 months"},
            "roi": {"naive": 1.25, "not_engaged": 0.4, "matched": None},
        },
        "censoring": "Follow-up stops at death, moving away or the end of the data.",
    }


class Cells(HTMLParser):
    """Every table as rows of (header text, [cell text, ...]), keyed by the table's caption."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.caption: str | None = None
        self.row: list[str] | None = None
        self.text: list[str] | None = None
        self.in_caption = False
        self.rects: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "caption":
            self.in_caption, self.caption = True, ""
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.text = []
        elif tag == "rect" and ("class", "hiu-bar") in attrs:
            self.rects.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self.in_caption = False
            assert self.caption is not None
            self.tables[self.caption.strip()] = []
        elif tag in ("td", "th") and self.row is not None and self.text is not None:
            self.row.append(" ".join("".join(self.text).split()))
            self.text = None
        elif tag == "tr" and self.row is not None and self.caption:
            self.tables[self.caption.strip()].append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.in_caption and self.caption is not None:
            self.caption += data
        elif self.text is not None:
            self.text.append(data)


def parse(html: str) -> Cells:
    cells = Cells()
    cells.feed(html)
    return cells


def row(table: list[list[str]], header: str) -> list[str]:
    return next(r[1:] for r in table if r[0] == header)


def test_formats_read_as_the_brief_writes_them() -> None:
    assert wording.estimate({"estimate": -0.2, "ci_low": -0.31, "ci_high": -0.08}) == (
        f"{MINUS}20% (95% CI {MINUS}31% to {MINUS}8%)"
    )
    assert wording.estimate({"estimate": 0.05, "ci_low": -0.1, "ci_high": 0.2}) == (
        f"+5% (95% CI {MINUS}10% to +20%)"
    )
    assert wording.estimate({"estimate": None, "ci_low": None, "ci_high": None}) == "not estimable"
    assert wording.estimate(None) == "not estimable"
    assert wording.money(-1234.4) == f"{MINUS}£1,234"
    assert wording.rate(4.256) == "4.26"
    assert wording.rate(float("nan")) == "not estimable"


def test_page_is_self_contained_and_accessible(evaluation: dict[str, Any]) -> None:
    html = render_html(evaluation)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in html
    assert "<script" not in html
    # No fetches: no external sources, stylesheets or images (the SVG namespace is not a fetch).
    assert not re.search(r"""(src|href)=["']https?:""", html)
    assert "<link" not in html
    assert "<img" not in html
    assert html.count("<h1") == 1
    svgs = re.findall(r"<svg [^>]*role=\"img\"[^>]*>\s*<title id=\"([^\"]+)\">", html)
    # A bar chart and a trajectory chart for each activity, each with its title and desc.
    assert len(svgs) == 2 * len(ACTIVITIES)
    assert html.count("<desc id=") == 2 * len(ACTIVITIES)
    assert len(set(svgs)) == len(svgs), "chart ids are unique"
    # Every table has a caption, every header cell a scope.
    assert html.count("<table") == html.count("<caption")
    assert not re.search(r"<th(?=[\s>])(?![^>]*scope=)", html)


def test_headline_puts_naive_and_matched_side_by_side(evaluation: dict[str, Any]) -> None:
    html = render_html(evaluation)
    tables = parse(html).tables
    headline = tables[
        "A&E attendances: change after engagement, by method (95% confidence interval)"
    ]
    assert headline[0] == ["Method", "6 months", "12 months"]
    naive6 = evaluation["naive"]["6"]["ed_attendances"]
    assert row(headline, "Before and after (naive)") == [
        wording.estimate(naive6),
        wording.estimate(evaluation["naive"]["12"]["ed_attendances"]),
    ]
    assert (
        row(headline, "Before and after (naive)")[0]
        == f"{MINUS}26% (95% CI {MINUS}37% to {MINUS}14%)"
    )
    matched12 = evaluation["matched"]["12"]["ed_attendances"]
    assert row(headline, "Against a matched comparison group")[1] == wording.estimate(matched12)
    assert "regression to the mean" in html
    # The sentences say the interval includes no change where it does (matched: -25% to +3%).
    assert "The interval includes no change." in html
    assert html.index("regression to the mean") < html.index('id="results"')


def test_every_method_window_and_activity_is_in_its_cell(evaluation: dict[str, Any]) -> None:
    tables = parse(render_html(evaluation)).tables
    for method in ("naive", "not_engaged", "matched"):
        table = tables[
            f"{wording.METHOD_LABELS[method]}: change after engagement (95% confidence interval)"
        ]
        assert table[0] == ["Activity", "3 months", "6 months", "9 months", "12 months"]
        for activity in ACTIVITIES:
            expected = [wording.estimate(evaluation[method][w][activity]) for w in WINDOWS]
            assert row(table, wording.activity_label(activity)) == expected
    # One exact cell, worked by hand: naive, 3 months: -0.23 (-0.34 to -0.11).
    naive = tables["Before and after (naive): change after engagement (95% confidence interval)"]
    assert row(naive, "Bed days")[0] == f"{MINUS}23% (95% CI {MINUS}34% to {MINUS}11%)"


def test_nulls_read_not_estimable(evaluation: dict[str, Any]) -> None:
    evaluation["matched"]["12"]["admissions"].update(estimate=None, ci_low=None, ci_high=None)
    evaluation["matched"]["12"]["admissions"]["cohort"]["before"]["rate"] = None
    evaluation["trajectories"]["matched"]["bed_days"][5] = None
    evaluation["costs"]["running_costs"] = None
    evaluation["costs"]["roi"] = None
    evaluation["matching"]["balance"][0]["smd_after"] = None
    html = render_html(evaluation)
    tables = parse(html).tables
    matched = tables[
        "Against a matched comparison group: change after engagement (95% confidence interval)"
    ]
    assert row(matched, "Emergency admissions")[3] == "not estimable"
    assert "No running costs were given" in html
    assert row(tables["Balance before and after matching"], "Age")[4] == "not estimable"
    # A null month breaks the line: the matched bed-days path starts again after the gap.
    path = re.search(
        r'data-series="matched">\s*<path d="([^"]+)"',
        html.split('id="trajectory-bed_days-title"')[1],
    )
    assert path is not None
    assert path.group(1).count("M") == 2


def test_everything_null_still_renders() -> None:
    empty: dict[str, Any] = {
        "format": "hiu-evaluation/1",
        "run": {"windows": [6, 12], "activities": ["ed_attendances"]},
        "cohort": {"rows": 0, "people": 0, "rejected": []},
        "naive": {},
        "not_engaged": {},
        "matched": {},
        "matching": None,
        "trajectories": {"months": [-1, 0], "cohort": {}, "not_engaged": {}, "matched": {}},
        "relapse": None,
        "costs": {"table": None, "by_method": {}, "running_costs": None, "roi": None},
        "censoring": None,
    }
    html = render_html(empty)
    assert "not estimable" in html
    assert "<svg" in html


def test_text_is_escaped(evaluation: dict[str, Any]) -> None:
    evaluation["run"]["rules"]["title"] = "<script>alert(1)</script>"
    evaluation["cohort"]["rejected"][0]["reason"] = "<b>bad</b> & worse"
    evaluation["matching"]["balance"][0]["variable"] = '"><img src=x>'
    html = render_html(evaluation)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bad&lt;/b&gt; &amp; worse" in html
    assert "<img" not in html


def test_balance_flags_smd_above_a_tenth(evaluation: dict[str, Any]) -> None:
    table = parse(render_html(evaluation)).tables["Balance before and after matching"]
    assert row(table, "Age") == ["52.30", "47.10", "51.90", "0.31 Imbalanced", "0.02"]
    assert row(table, "Prior A&E attendances")[3:] == ["0.64 Imbalanced", f"{MINUS}0.15 Imbalanced"]


def test_costs_carry_year_and_source_and_totals(evaluation: dict[str, Any]) -> None:
    html = render_html(evaluation)
    tables = parse(html).tables
    units = tables["Unit costs: default, version 1"]
    assert row(units, "A&E attendances") == [
        "£418.00",
        "2023/24",
        "NHS National Cost Collection 2023/24",
    ]
    matched = tables["Avoided cost, matched comparison"]
    total = evaluation["costs"]["by_method"]["matched"]["12"]["total_avoided_cost"]
    assert row(matched, "Total")[3] == wording.money(total)
    assert row(matched, "A&E attendances (£418.00, 2023/24)")[0] == "£5,225 (12.5 events)"
    roi = tables["Return on investment by method"]
    assert row(roi, "Before and after (naive)") == ["1.25"]
    assert row(roi, "Against a matched comparison group") == ["not estimable"]


def test_rejected_rows_show_row_column_reason_only(evaluation: dict[str, Any]) -> None:
    tables = parse(render_html(evaluation)).tables
    rejected = tables["2 cohort rows rejected (row, column and reason; no values are shown)"]
    assert rejected[1:] == [
        ["7", "nhs_number", "not a valid NHS number"],
        ["19", "engaged_date", "not a date"],
    ]


def _bars(html: str, activity: str) -> dict[tuple[str, str], float]:
    chunk = html.split(f'id="bars-{activity}-title"')[1].split("</svg>")[0]
    return {
        (str(r["data-group"]), str(r["data-series"])): float(str(r["height"]))
        for r in parse(chunk).rects
    }


def _rates(evaluation: dict[str, Any], activity: str) -> dict[tuple[str, str], float]:
    naive = evaluation["naive"]["12"][activity]
    out = {("cohort", p): naive[p]["rate"] for p in ("before", "after")}
    for method in ("matched", "not_engaged"):
        comparison = evaluation[method]["12"][activity]["comparison"]
        out.update({(method, p): comparison[p]["rate"] for p in ("before", "after")})
    return out


@pytest.mark.parametrize("activity", ACTIVITIES)
def test_bar_heights_follow_the_rates(evaluation: dict[str, Any], activity: str) -> None:
    heights = _bars(render_html(evaluation), activity)
    rates = _rates(evaluation, activity)
    assert set(heights) == set(rates)
    top, _, _ = nice_scale(max(rates.values()))
    plot_height = 250 - 30 - 44
    for key, value in rates.items():
        assert heights[key] == pytest.approx(value / top * plot_height, abs=0.01), key


def test_a_swapped_value_moves_its_bar(evaluation: dict[str, Any]) -> None:
    """If the cohort's before and after rates are swapped, the bars swap too."""
    swapped = copy.deepcopy(evaluation)
    naive = swapped["naive"]["12"]["admissions"]
    naive["before"], naive["after"] = naive["after"], naive["before"]
    first, second = (
        _bars(render_html(evaluation), "admissions"),
        _bars(render_html(swapped), "admissions"),
    )
    assert first[("cohort", "before")] > first[("cohort", "after")]
    assert second[("cohort", "before")] == first[("cohort", "after")]
    assert second[("cohort", "after")] == first[("cohort", "before")]


def test_trajectory_table_beside_the_chart(evaluation: dict[str, Any]) -> None:
    tables = parse(render_html(evaluation)).tables
    table = tables["A&E attendances per person-month, by month from the engaged date"]
    assert table[0] == ["Month", "Engaged cohort", "Matched comparison", "Identified, not engaged"]
    assert row(table, f"{MINUS}1") == ["0.520", "0.280", "0.250"]
    assert row(table, "0") == ["0.350", "0.260", "0.300"]


def test_body_alone_has_no_page_around_it(evaluation: dict[str, Any]) -> None:
    body = render_body(evaluation)
    assert "<html" not in body
    assert "<h1" not in body
    assert 'id="headline"' in body


def test_nice_scale_steps() -> None:
    assert nice_scale(0.0) == (1.0, 0.2, 1)
    assert nice_scale(7.3) == (8.0, 2.0, 0)
    assert nice_scale(0.37) == (0.4, 0.1, 1)
    assert nice_scale(123.0) == (150.0, 50.0, 0)


# On a real engine output ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``hiu.evaluate.run.evaluate`` on a small synthetic store (3,000 adults, two years) with
    the synthetic engaged cohort: the report must read whatever the engine writes."""
    import datetime as dt

    import polars as pl

    from hiu.evaluate.cohort import Cohort, CohortMember
    from hiu.evaluate.run import evaluate
    from hiu.identify.rules import load_rules
    from hiu.ingest.pipeline import import_file
    from hiu.store.store import Store
    from hiu.synth.simulate import SynthSpec, synthesise

    out = tmp_path_factory.mktemp("report-synthetic")
    synthesise(SynthSpec(adults=3000, years=2, start=dt.date(2023, 1, 1), seed=5), out)
    store = Store.in_data_dir(out / "data")
    for kind in ("people", "ed_attendances", "ambulance_incidents", "nhs111_calls", "admissions"):
        import_file(store, kind, out / f"{kind}.csv", imported_by="test")
    cohort = pl.read_csv(out / "cohort.csv", infer_schema=False)
    members = [
        CohortMember(row["nhs_number"], dt.date.fromisoformat(row["engaged_date"]))
        for row in cohort.iter_rows(named=True)
    ]
    rules = load_rules("hackney")
    return evaluate(store, Cohort.from_members(members), rules, replicates=50)


def test_real_engine_output_renders_its_own_numbers(engine_output: dict[str, Any]) -> None:
    html = render_html(engine_output)
    tables = parse(html).tables
    headline = tables[f"A&E attendances: {CHANGE}, by method {CI}"]
    for method in ("naive", "not_engaged", "matched"):
        expected = [
            wording.estimate(engine_output[method][w]["ed_attendances"]) for w in ("6", "12")
        ]
        assert row(headline, wording.METHOD_LABELS[method]) == expected
    assert f"{engine_output['cohort']['people']} people" in html
    if engine_output["matching"].get("levels"):
        levels = tables["How each engaged person was matched: the first level that found a match"]
        first = engine_output["matching"]["levels"][0]
        assert row(levels, str(first["level"])) == [first["description"], str(first["cases"])]
    for word in ("None", "nan", "NaN", "Undefined"):
        assert f">{word}<" not in html
        assert f" {word} " not in html
    heights = _bars(html, "ed_attendances")
    rates = _rates(engine_output, "ed_attendances")
    top, _, _ = nice_scale(max(v for v in rates.values() if v is not None))
    for key, value in rates.items():
        assert heights[key] == pytest.approx(value / top * (250 - 30 - 44), abs=0.01), key


# hiu-evaluation/2: diagnostics, sensitivity and clients ------------------------------------------

SPECIFICATIONS = (
    ("matched", "Matched comparison", True),
    ("matched_after_only", "Matched, after period only", False),
    ("matched_nearest", "One nearest control per client", False),
    ("list_date_matching", "Matched at the list date only", False),
    ("not_engaged", "Identified but not engaged", False),
)


def _client(row: int, **changes: Any) -> dict[str, Any]:
    client: dict[str, Any] = {
        "row": row,
        "engaged_date": "2024-02-10",
        "identified_date": "2024-01-01",
        "identified_from": "cohort file",
        "on_list": True,
        "wait_days": 40,
        "later_lists": 0,
        "matching_level": 0,
        "relaxed": False,
        "controls": 3,
    }
    client.update(changes)
    return client


def version_two(base: dict[str, Any] | None = None, *, ok: bool = True) -> dict[str, Any]:
    """An ``hiu-evaluation/1`` result with the keys hiu-evaluation/2 adds, made by hand as
    /tmp/brief/contract.md sets them out. ``ok=False`` fails the diagnostics (imbalance and
    relaxed matching); otherwise the diagnostics pass with two warnings that do not fail them."""
    evaluation = copy.deepcopy(base if base is not None else realistic_evaluation())
    evaluation["format"] = "hiu-evaluation/2"
    evaluation["matching"]["relaxed_from"] = 2
    evaluation["matching"]["matched_without_relaxation"] = 110 if ok else 90
    warnings: list[dict[str, Any]] = [
        {
            "code": "not_on_list",
            "message": "Some clients are not on the list of the identification date used.",
            "rows": [3, 17, 42],
        },
        {
            "code": "wait_crosses_list",
            "message": "Some clients' wait from identification to engagement crossed a later list.",
            "rows": [5],
        },
    ]
    if not ok:
        warnings += [
            {
                "code": "imbalance",
                "message": "After matching, the groups differ on prior A&E attendances.",
                "rows": [],
            },
            {
                "code": "relaxed_matching",
                "message": "Under 90% of clients were matched without relaxing an exact match.",
                "rows": [8, 9],
            },
        ]
    evaluation["diagnostics"] = {
        "ok": ok,
        "matched_share_without_relaxation": 110 / 120 if ok else 90 / 120,
        "max_smd_after": 0.04 if ok else 0.15,
        "smd_limit": 0.1,
        "share_limit": 0.9,
        "warnings": warnings,
    }
    specifications = []
    for n, (key, title, primary) in enumerate(SPECIFICATIONS):
        results = {
            w: {
                "ed_attendances": {
                    "estimate": -0.2 + n / 20,
                    "ci_low": -0.4 + n / 20,
                    "ci_high": -0.05 + n / 20,
                }
            }
            for w in WINDOWS
        }
        specifications.append(
            {
                "key": key,
                "title": title,
                "description": f"How {title.lower()} is made.",
                "primary": primary,
                "results": results,
            }
        )
    evaluation["sensitivity"] = {
        "specifications": specifications,
        "e_values": {
            w: {"ed_attendances": {"estimate": 1.81, "ci": 1.0 if w == "12" else 1.29}}
            for w in WINDOWS
        },
    }
    evaluation["clients"] = [
        _client(2),
        _client(3, on_list=False, identified_from="assumed"),
        _client(5, later_lists=1, identified_from="lists", wait_days=120),
        _client(8, matching_level=3, relaxed=True, controls=5),
        _client(11, matching_level=None, relaxed=None, controls=0),
    ]
    return evaluation


NHS_NUMBER = "9434765919"  # a valid NHS number (modulus 11), which must never reach the page


def test_cohort_rows_read_as_a_list_with_runs_as_ranges() -> None:
    assert wording.cohort_rows([3, 17, 42]) == "cohort rows 3, 17, 42"
    assert wording.cohort_rows([5]) == "cohort row 5"
    assert wording.cohort_rows([]) == ""
    assert wording.cohort_rows([9, 1, 2, 3, 4, 6, 7]) == "cohort rows 1 to 4, 6, 7, 9"
    # Only whole numbers: never a string (an NHS number, say) or anything else from a row.
    assert wording.cohort_rows([2, NHS_NUMBER, True, 2.5, None]) == "cohort row 2"


def test_a_version_one_evaluation_renders_without_the_new_sections(
    evaluation: dict[str, Any],
) -> None:
    old = render_html(evaluation)
    for new in ('id="diagnostics"', 'id="sensitivity"', 'id="clients"', "matched-assumption"):
        assert new not in old
    assert 'href="#sensitivity"' not in old
    # Every table of the /1 page is on the /2 page as it was: /2 only adds.
    before, after = parse(old).tables, parse(render_html(version_two(evaluation))).tables
    assert set(after) - set(before) == {
        "A&E attendances: change after engagement under each specification "
        "(95% confidence interval)",
        "E-values of the primary matched estimate, A&E attendances",
        "Each client's identification, wait and matching, by cohort row (no NHS numbers are shown)",
    }
    assert all(after[caption] == table for caption, table in before.items())


def test_failed_diagnostics_are_a_warning_under_the_headline_with_rows_not_nhs_numbers() -> None:
    evaluation = version_two(ok=False)
    # Keys the contract does not have must not reach the page either.
    evaluation["diagnostics"]["warnings"][0]["rows"].append(NHS_NUMBER)
    evaluation["diagnostics"]["warnings"][0]["nhs_numbers"] = [NHS_NUMBER]
    evaluation["clients"][0]["nhs_number"] = NHS_NUMBER
    html = render_html(evaluation)
    box = html.split('id="diagnostics"')[1].split("</div>")[0]
    assert html.index('id="headline"') < html.index('id="diagnostics"') < html.index('id="results"')
    assert 'class="nhsuk-warning-callout" id="diagnostics" data-ok="false"' in html
    assert "do not rely on the matched estimate" in box
    assert (
        "failed its diagnostics (imbalance after matching; too many clients matched only after "
        "relaxing an exact match)"
    ) in box
    assert (
        "Some clients are not on the list of the identification date used (cohort rows 3, 17, 42)."
    ) in box
    assert "crossed a later list (cohort row 5)." in box
    assert "After matching, the groups differ on prior A&amp;E attendances.</li>" in box
    assert "(cohort rows 8, 9)." in box
    assert (
        "90 of 120 clients (75.0%) were matched without relaxing an exact match, below the 90% "
        "under which it is warned about, and the largest standardised difference after "
        "matching is 0.15, above 0.1."
    ) in box
    assert NHS_NUMBER not in html
    assert not re.search(r"\b\d{10}\b", html)


def test_passed_diagnostics_with_warnings_still_list_them() -> None:
    html = render_html(version_two(ok=True))
    box = html.split('id="diagnostics"')[1].split("</div>")[0]
    assert 'data-ok="true"' in html
    assert "do not rely" not in box
    assert "(cohort rows 3, 17, 42)." in box
    assert "110 of 120 clients (91.7%) were matched without relaxing an exact match" in box


def test_clean_diagnostics_read_as_one_plain_sentence() -> None:
    evaluation = version_two(ok=True)
    evaluation["diagnostics"].update(
        warnings=[], matched_share_without_relaxation=1.0, max_smd_after=-0.06
    )
    html = render_html(evaluation)
    assert 'nhsuk-warning-callout" id="diagnostics' not in html
    assert (
        '<p class="nhsuk-body" id="diagnostics" data-ok="true"><strong>Diagnostics.</strong> '
        "Every client was matched without relaxing an exact match, and no standardised "
        "difference after matching is above 0.1.</p>"
    ) in html


def test_the_matched_headline_states_its_assumption() -> None:
    html = render_html(version_two())
    assumption = (
        "The matched comparison adjusts only for what the data hold (activity before engagement, "
        "age, sex, deprivation); if engagement depends on something no data hold (motivation, a "
        "crisis not seen in hospital data), the estimate can still be biased."
    )
    assert assumption in html
    assert html.index('id="headline"') < html.index(assumption) < html.index('id="results"')


def test_sensitivity_table_and_e_values() -> None:
    evaluation = version_two()
    html = render_html(evaluation)
    tables = parse(html).tables
    table = tables[f"A&E attendances: {CHANGE} under each specification {CI}"]
    assert table[0] == ["Specification", "What it does", "6 months", "12 months"]
    assert [r[0] for r in table[1:]] == [
        "Matched comparison (primary)",
        "Matched, after period only",
        "One nearest control per client",
        "Matched at the list date only",
        "Identified but not engaged",
    ]
    for spec in evaluation["sensitivity"]["specifications"]:
        title = spec["title"] + (" (primary)" if spec["primary"] else "")
        assert row(table, title) == [
            spec["description"],
            wording.estimate(spec["results"]["6"]["ed_attendances"]),
            wording.estimate(spec["results"]["12"]["ed_attendances"]),
        ]
    assert row(table, "Matched comparison (primary)")[1] == (
        f"{MINUS}20% (95% CI {MINUS}40% to {MINUS}5%)"
    )
    e_values = tables["E-values of the primary matched estimate, A&E attendances"]
    assert row(e_values, "6 months") == ["1.81", "1.29"]
    assert row(e_values, "12 months") == ["1.81", "1.00"]
    assert (
        "At 6 months, an unmeasured confounder would need to be associated with both engagement "
        "and A&amp;E use by a rate ratio of at least 1.81 each, beyond what was matched on, to "
        "explain the estimate away."
    ) in html
    assert '<li><a href="#sensitivity">Sensitivity</a></li>' in html


def test_null_e_values_read_not_estimable() -> None:
    evaluation = version_two()
    for cell in evaluation["sensitivity"]["e_values"].values():
        cell["ed_attendances"] = {"estimate": None, "ci": None}
    html = render_html(evaluation)
    e_values = parse(html).tables["E-values of the primary matched estimate, A&E attendances"]
    assert row(e_values, "6 months") == ["not estimable", "not estimable"]
    assert "An E-value is the rate ratio by which an unmeasured confounder" in html


def test_clients_table_one_row_per_client_by_cohort_row() -> None:
    evaluation = version_two()
    html = render_html(evaluation)
    table = parse(html).tables[
        "Each client's identification, wait and matching, by cohort row (no NHS numbers are shown)"
    ]
    assert table[0] == [
        "Cohort row",
        "Identification date",
        "Where the date came from",
        "On that list",
        "Wait (days)",
        "Later lists crossed",
        "Matching level",
        "Relaxed",
        "Controls",
    ]
    assert table[1:] == [
        ["2", "2024-01-01", "Cohort file", "Yes", "40", "0", "0", "No", "3"],
        ["3", "2024-01-01", "Assumed (the last list date)", "No", "40", "0", "0", "No", "3"],
        ["5", "2024-01-01", "Found on the lists", "Yes", "120", "1", "0", "No", "3"],
        ["8", "2024-01-01", "Cohort file", "Yes", "40", "0", "3", "Yes", "5"],
        ["11", "2024-01-01", "Cohort file", "Yes", "40", "0", "Not matched", "Not matched", "0"],
    ]
    assert (
        "Of 5 clients, the identification date came from the cohort file for 3, from the lists "
        "for 1 and was assumed (the last list date) for 1. Not on the list of that date: 1; "
        "waited across a later list: 1; matched only after relaxing an exact match: 1; not "
        "matched: 1."
    ) in html
    assert (
        "Matched without relaxing an exact match 110 of 120 (levels below 2; from level 2 on, "
        "an exact match is relaxed)"
    ) in " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert '<li><a href="#clients">Clients</a></li>' in html


def test_version_two_page_is_self_contained_and_accessible() -> None:
    html = render_html(version_two(ok=False))
    assert "<script" not in html
    assert "<link" not in html
    assert html.count("<table") == html.count("<caption")
    assert not re.search(r"<th(?=[\s>])(?![^>]*scope=)", html)
    assert len(re.findall(r'id="([^"]+)"', html)) == len(set(re.findall(r'id="([^"]+)"', html)))


def test_new_text_is_escaped() -> None:
    evaluation = version_two(ok=False)
    evaluation["diagnostics"]["warnings"][0]["message"] = "<script>alert(1)</script> & more"
    evaluation["diagnostics"]["warnings"][1]["code"] = '"><img src=x>'
    spec = evaluation["sensitivity"]["specifications"][1]
    spec["title"], spec["description"] = "<b>bold</b>", "<i>it</i>"
    evaluation["clients"][0]["identified_from"] = "<u>somewhere</u>"
    evaluation["clients"][0]["identified_date"] = "<s>date</s>"
    html = render_html(evaluation)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more (cohort rows 3, 17, 42)." in html
    assert "<img" not in html
    for tag in ("b", "i", "u", "s"):
        assert f"<{tag}>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;u&gt;somewhere&lt;/u&gt;" in html


def test_real_engine_output_shows_whichever_sections_it_has(engine_output: dict[str, Any]) -> None:
    """The engine's own result, /1 or /2: the new sections appear exactly when their keys do,
    and the E-values on the page are those of the primary specification."""
    html = render_html(engine_output)
    for key in ("diagnostics", "sensitivity", "clients"):
        assert (f'id="{key}"' in html) == (key in engine_output), key
    assert not re.search(r"\b\d{10}\b", html), "no NHS number on the page"
    if "sensitivity" not in engine_output:
        return
    from hiu.evaluate.sensitivity import e_value

    primary = next(s for s in engine_output["sensitivity"]["specifications"] if s["primary"])
    tables = parse(html).tables
    e_values = tables["E-values of the primary matched estimate, A&E attendances"]
    for window in ("6", "12"):
        estimate = primary["results"][window]["ed_attendances"]["estimate"]
        shown = row(e_values, f"{window} months")[0]
        if estimate is None:
            assert shown == "not estimable"
        else:
            # The JSON rounds the estimate and the E-value; the page shows two decimals.
            assert float(shown) == pytest.approx(e_value(1 + estimate), abs=0.02)


def test_a_result_that_records_what_failed_names_only_that_not_every_warning() -> None:
    """Since ADR 0015 relaxation warns without failing; ``diagnostics.failing`` says what
    failed, and a result without it (written before) is read as failing on both."""
    evaluation = version_two(ok=False)
    evaluation["diagnostics"]["failing"] = ["imbalance"]
    box = render_html(evaluation).split('id="diagnostics"')[1].split("</div>")[0]
    assert "failed its diagnostics (imbalance after matching)" in box
    assert (
        "too many clients matched only after relaxing" not in box.split("</h3>")[1].split("<ul")[0]
    )


def test_the_balance_section_says_the_weights_were_calibrated_and_what_that_cost() -> None:
    evaluation = version_two(ok=True)
    evaluation["matching"]["calibration"] = {
        "moments": ["age"],
        "converged": True,
        "largest_smd_before_calibration": 0.46,
        "effective_controls_before": 108.0,
        "effective_controls_after": 64.7,
    }
    html = render_html(evaluation)
    assert (
        "calibrated to the engaged people's means (largest SMD after matching alone: 0.46; "
        "effective number of comparisons 65 after calibration, 108 before)"
    ) in html
    evaluation["matching"]["calibration"]["effective_controls_after"] = "<script>x</script>"
    hostile = render_html(evaluation)
    assert "<script>x" not in hostile
    assert "effective number of comparisons not estimable after calibration" in hostile
