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
