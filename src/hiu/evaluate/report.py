"""``evaluation.json`` as one self-contained HTML page (DESIGN §7; 002 §5, Recommendation 9).

The page leads with the headline for A&E attendances, the naive before/after beside the
comparisons, because people are identified at their peak and their use falls anyway (regression
to the mean): the naive figure overstates what the service did. Then every method, window and
activity in tables; charts with their numbers beside them; how the comparison group was matched
and how well; relapse; costs with year and source on every unit cost; censoring; the cohort rows
that were rejected (row, column and reason only, never a value).

Inline CSS, inline SVG and no JavaScript: the file opens anywhere, makes no requests, and can be
emailed. ``render_body`` gives the sections without the page around them; the web app puts them
inside its NHS.UK page, so both show the same numbers formatted the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from hiu.evaluate import wording
from hiu.evaluate.charts import BarChart, BarValue, LineChart, Style, bar_chart, line_chart

HEADLINE_ACTIVITY = "ed_attendances"
HEADLINE_WINDOWS = ("6", "12")
SMD_LIMIT = 0.1  # the usual threshold for a standardised mean difference (Austin 2009)

PERIOD_STYLES: tuple[tuple[str, str, Style], ...] = (
    ("before", "Before", Style("#4c6272")),
    ("after", "After", Style("#005eb8", hatched=True)),
)
TRAJECTORY_STYLES: tuple[tuple[str, str, Style], ...] = (
    ("cohort", "Engaged cohort", Style("#005eb8", "", "circle")),
    ("matched", "Matched comparison", Style("#d5281b", "8 4", "square")),
    ("not_engaged", "Identified, not engaged", Style("#007f3b", "2 3", "triangle")),
)
COMPARISON_GROUPS: tuple[tuple[str, str], ...] = (
    ("matched", "Matched comparison"),
    ("not_engaged", "Identified, not engaged"),
)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("hiu.evaluate", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        estimate=wording.estimate,
        percent=wording.percent_change,
        rate=wording.rate,
        count=wording.count,
        money=wording.money,
        unit_money=wording.unit_money,
        proportion=wording.proportion,
        decimal=wording.decimal,
        activity=wording.activity_label,
        variable=wording.variable_label,
        variable_words=wording.variable_words,
        e_value=wording.e_value,
    )
    env.globals.update(METHOD_LABELS=wording.METHOD_LABELS, METHOD_SHORT=wording.METHOD_SHORT)
    return env


_ENV = _environment()


def _get(data: Any, *keys: str) -> Any:
    """``data[k1][k2]...`` or None when any level is missing or null."""
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


# Headline -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    method: str
    window: str
    text: str
    sentence: str


def _ci(result: Any) -> str:
    low, high = _get(result, "ci_low"), _get(result, "ci_high")
    if low is None or high is None:
        return "no interval could be estimated"
    return f"95% CI {wording.percent_change(low)} to {wording.percent_change(high)}"


def headline_sentence(method: str, window: str, result: Any) -> str:
    """One method's headline in plain English."""
    label = wording.activity_label(HEADLINE_ACTIVITY)
    words_label = wording.activity_words(HEADLINE_ACTIVITY)
    if _get(result, "estimate") is None:
        return (
            f"{wording.METHOD_SHORT[method]}: not estimable for {window} months "
            "(nobody followed up that long, or no events before)."
        )
    people = wording.count(_get(result, "people"))
    words = wording.change_words(result["estimate"])
    if method == "naive":
        sentence = (
            f"{label} among {people} engaged people were {words} in the {window} months after "
            f"engagement than in the {window} months before ({_ci(result)})."
        )
    else:
        group = (
            "a matched comparison group"
            if method == "matched"
            else "people identified but not engaged"
        )
        comparison = wording.count(_get(result, "comparison_people"))
        sentence = (
            f"Set against {group} ({comparison} people), {words_label} among {people} engaged "
            f"people were {words} than expected in the {window} months after engagement "
            f"({_ci(result)})."
        )
    if wording.interval_includes_no_change(result):
        sentence += " The interval includes no change."
    return sentence


def headlines(evaluation: Mapping[str, Any]) -> list[Headline]:
    windows = [w for w in HEADLINE_WINDOWS if w in _windows(evaluation)]
    return [
        Headline(
            method,
            window,
            wording.estimate(_get(evaluation, method, window, HEADLINE_ACTIVITY)),
            headline_sentence(method, window, _get(evaluation, method, window, HEADLINE_ACTIVITY)),
        )
        for method in wording.METHODS
        for window in windows
    ]


def _windows(evaluation: Mapping[str, Any]) -> list[str]:
    return [str(w) for w in _get(evaluation, "run", "windows") or []]


def _activities(evaluation: Mapping[str, Any]) -> list[str]:
    return [str(a) for a in _get(evaluation, "run", "activities") or []]


# Charts -------------------------------------------------------------------------------------


def chart_window(evaluation: Mapping[str, Any]) -> str | None:
    """The longest window: the before/after bars show it (the tables show every window)."""
    windows = _windows(evaluation)
    return max(windows, key=int) if windows else None


@dataclass(frozen=True)
class BarRow:
    group: str
    label: str
    people: Any
    before: Any
    after: Any


@dataclass(frozen=True)
class BeforeAfter:
    activity: str
    chart: BarChart
    rows: list[BarRow]


def before_after(evaluation: Mapping[str, Any], activity: str, window: str) -> BeforeAfter:
    """Before and after rates (events per person-year) of the cohort and each comparison."""
    naive = _get(evaluation, "naive", window, activity)
    rows = [
        BarRow(
            "cohort",
            "Engaged cohort",
            _get(naive, "people"),
            _get(naive, "before", "rate"),
            _get(naive, "after", "rate"),
        )
    ]
    for method, label in COMPARISON_GROUPS:
        result = _get(evaluation, method, window, activity)
        rows.append(
            BarRow(
                method,
                label,
                _get(result, "comparison_people"),
                _get(result, "comparison", "before", "rate"),
                _get(result, "comparison", "after", "rate"),
            )
        )
    values = [
        BarValue(row.group, row.label, period, getattr(row, period))
        for row in rows
        for period, _, _ in PERIOD_STYLES
    ]
    name = wording.activity_label(activity)
    parts = [
        f"{row.label}: {wording.rate(row.before)} before, {wording.rate(row.after)} after"
        for row in rows
    ]
    description = (
        f"{name} per person-year in the {window} months before and after the engaged date. "
        + "; ".join(parts)
        + ". The table beside the chart gives the same numbers."
    )
    chart = bar_chart(
        f"bars-{activity}",
        f"{name} per person-year, {window} months before and after",
        description,
        values,
        PERIOD_STYLES,
        wording.rate,
        "Per person-year",
    )
    return BeforeAfter(activity, chart, rows)


@dataclass(frozen=True)
class Trajectory:
    activity: str
    chart: LineChart
    months: list[int]
    rows: list[tuple[int, list[Any]]]  # month, one value per series
    series: list[tuple[str, str]]


def _month_label(month: int) -> str:
    return "0" if month == 0 else f"{wording.MINUS}{-month}" if month < 0 else f"+{month}"


def trajectory(evaluation: Mapping[str, Any], activity: str) -> Trajectory:
    months = [int(m) for m in _get(evaluation, "trajectories", "months") or []]
    series = []
    for key, label, style in TRAJECTORY_STYLES:
        values = list(_get(evaluation, "trajectories", key, activity) or [])
        values += [None] * (len(months) - len(values))
        series.append((key, label, style, [float(v) if v is not None else None for v in values]))
    name = wording.activity_label(activity)
    parts = []
    for _, label, _, values in series:
        before = [v for m, v in zip(months, values, strict=False) if m < 0 and v is not None]
        after = [v for m, v in zip(months, values, strict=False) if m >= 0 and v is not None]
        if before or after:
            peak = max(before, default=None)
            parts.append(
                f"{label}: highest before engagement {wording.rate(peak)}, "
                f"average after {wording.rate(sum(after) / len(after) if after else None)}"
            )
    description = (
        f"{name} per person-month, from 12 months before to 12 months after the engaged "
        "date (month 0 starts on it). "
        + ("; ".join(parts) + ". " if parts else "No months could be estimated. ")
        + "The table beside the chart gives every month's numbers."
    )
    chart = line_chart(
        f"trajectory-{activity}",
        f"{name} per person-month around the engaged date",
        description,
        months,
        series,
        "Per person-month",
        mark_at=0,
        mark_label="Engaged",
        x_label=_month_label,
    )
    rows = [(month, [s[3][i] for s in series]) for i, month in enumerate(months)]
    return Trajectory(activity, chart, months, rows, [(s[0], s[1]) for s in series])


# Matching balance, costs --------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceRow:
    variable: str
    cohort_mean: Any
    pool_mean: Any
    matched_mean: Any
    smd_before: Any
    smd_after: Any

    @staticmethod
    def _over(value: Any) -> bool:
        return isinstance(value, int | float) and abs(value) > SMD_LIMIT

    @property
    def flag_before(self) -> bool:
        return self._over(self.smd_before)

    @property
    def flag_after(self) -> bool:
        return self._over(self.smd_after)


def balance(evaluation: Mapping[str, Any]) -> list[BalanceRow]:
    return [
        BalanceRow(
            str(row.get("variable")),
            row.get("cohort_mean"),
            row.get("pool_mean"),
            row.get("matched_mean"),
            row.get("smd_before"),
            row.get("smd_after"),
        )
        for row in _get(evaluation, "matching", "balance") or []
    ]


def unit_costs_by_activity(evaluation: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    items = _get(evaluation, "costs", "table", "items") or []
    return {str(item.get("activity")): item for item in items}


# hiu-evaluation/2: diagnostics, sensitivity, clients -------------------------------------------
# Each is None for an hiu-evaluation/1 dictionary, which then renders exactly as before.


@dataclass(frozen=True)
class DiagnosticWarning:
    code: str
    message: str
    rows: str  # "cohort rows 3, 17, 42", or "" when the warning names no rows

    @property
    def text(self) -> str:
        """The message, and the rows it names: "Some clients ... (cohort rows 3, 17, 42)."."""
        if not self.rows:
            return self.message
        message = self.message.rstrip()
        message = message[:-1] if message.endswith(".") else message
        return f"{message} ({self.rows})."


@dataclass(frozen=True)
class Diagnostics:
    ok: bool
    failures: list[str]  # the failed checks in words (wording.DIAGNOSTIC_FAILURES)
    summary: str
    warnings: list[DiagnosticWarning]

    @property
    def clear(self) -> bool:
        return self.ok and not self.warnings


def _share_words(evaluation: Mapping[str, Any], share: Any, share_limit: Any) -> str:
    number = wording.number(share)
    if number is None:
        return (
            "The share of clients matched without relaxing an exact match could not be worked out"
        )
    if number >= 1:
        return "Every client was matched without relaxing an exact match"
    matched = _get(evaluation, "matching", "matched_without_relaxation")
    cases = _get(evaluation, "matching", "cases")
    counted = (
        f"{wording.count(matched)} of {wording.count(cases)} clients ({wording.proportion(number)})"
        if isinstance(matched, int) and isinstance(cases, int)
        else f"{wording.proportion(number)} of clients"
    )
    text = f"{counted} were matched without relaxing an exact match"
    needed = wording.number(share_limit)
    if needed is not None:
        side = "below" if number < needed else "not below"
        text += f", {side} the {round(needed * 100)}% under which it is warned about"
    return text


def _smd_words(max_smd: Any, smd_limit: Any) -> str:
    largest, limit = wording.number(max_smd), wording.number(smd_limit)
    if largest is None:
        return "no standardised difference after matching could be worked out"
    if limit is None:
        return f"the largest standardised difference after matching is {wording.decimal(largest)}"
    if abs(largest) > limit:
        return (
            f"the largest standardised difference after matching is "
            f"{wording.decimal(abs(largest))}, above {wording.limit(limit)}"
        )
    return f"no standardised difference after matching is above {wording.limit(limit)}"


def diagnostics(evaluation: Mapping[str, Any]) -> Diagnostics | None:
    """The matched comparison's diagnostics as the page says them; None before hiu-evaluation/2."""
    found = _get(evaluation, "diagnostics")
    if not isinstance(found, Mapping):
        return None
    items = [w for w in found.get("warnings") or [] if isinstance(w, Mapping)]
    warnings = [
        DiagnosticWarning(
            str(w.get("code") or ""),
            str(w.get("message") or ""),
            wording.cohort_rows(w.get("rows")),
        )
        for w in items
    ]
    summary = (
        _share_words(
            evaluation, found.get("matched_share_without_relaxation"), found.get("share_limit")
        )
        + ", and "
        + _smd_words(found.get("max_smd_after"), found.get("smd_limit"))
        + "."
    )
    return Diagnostics(
        ok=found.get("ok") is True,
        failures=wording.diagnostic_failures((w.code for w in warnings), found.get("failing")),
        summary=summary,
        warnings=warnings,
    )


@dataclass(frozen=True)
class Specification:
    key: str
    title: str
    description: str
    primary: bool
    cells: list[str]  # the estimate with its interval, one per window shown


@dataclass(frozen=True)
class EValueRow:
    window: str
    estimate: Any
    ci: Any


@dataclass(frozen=True)
class Sensitivity:
    windows: list[str]
    specifications: list[Specification]
    e_values: list[EValueRow]
    sentence: str


def sensitivity(evaluation: Mapping[str, Any]) -> Sensitivity | None:
    """Each specification's headline estimate, and the E-values of the primary one; None
    before hiu-evaluation/2."""
    found = _get(evaluation, "sensitivity")
    if not isinstance(found, Mapping):
        return None
    run_windows = _windows(evaluation)
    windows = [w for w in HEADLINE_WINDOWS if not run_windows or w in run_windows]
    specifications = [
        Specification(
            str(spec.get("key") or ""),
            str(spec.get("title") or spec.get("key") or ""),
            str(spec.get("description") or ""),
            spec.get("primary") is True,
            [wording.estimate(_get(spec, "results", w, HEADLINE_ACTIVITY)) for w in windows],
        )
        for spec in found.get("specifications") or []
        if isinstance(spec, Mapping)
    ]
    rows = [
        EValueRow(
            w,
            _get(found, "e_values", w, HEADLINE_ACTIVITY, "estimate"),
            _get(found, "e_values", w, HEADLINE_ACTIVITY, "ci"),
        )
        for w in windows
    ]
    first = next((r for r in rows if wording.number(r.estimate) is not None), None)
    sentence = wording.e_value_sentence(
        first.estimate if first else None, first.window if first else None
    )
    return Sensitivity(windows, specifications, rows, sentence)


@dataclass(frozen=True)
class ClientRow:
    row: Any
    identified_date: str
    identified_from: str
    on_list: str
    wait_days: Any
    later_lists: Any
    level: str
    relaxed: str
    controls: Any


@dataclass(frozen=True)
class Clients:
    rows: list[ClientRow]
    summary: str


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _positive(value: Any) -> bool:
    return _whole(value) and value > 0


def clients(evaluation: Mapping[str, Any]) -> Clients | None:
    """One row per client, keyed by cohort row (never an NHS number); None before
    hiu-evaluation/2."""
    found = _get(evaluation, "clients")
    if not isinstance(found, list):
        return None
    items = [c for c in found if isinstance(c, Mapping)]
    rows = []
    for c in items:
        level = c.get("matching_level")
        matched = _whole(level)
        origin = str(c.get("identified_from") or "")
        rows.append(
            ClientRow(
                row=c.get("row"),
                identified_date=str(c.get("identified_date") or "not known"),
                identified_from=wording.IDENTIFIED_FROM.get(origin, origin or "not known"),
                on_list=wording.yes_no(c.get("on_list")),
                wait_days=c.get("wait_days"),
                later_lists=c.get("later_lists"),
                level=str(level) if matched else "Not matched",
                relaxed=wording.yes_no(c.get("relaxed")) if matched else "Not matched",
                controls=c.get("controls"),
            )
        )

    def counted(test: Callable[[Mapping[str, Any]], bool]) -> str:
        return wording.count(sum(1 for c in items if test(c)))

    def source(key: str) -> str:
        return counted(lambda c: c.get("identified_from") == key)

    summary = (
        f"Of {wording.count(len(items))} clients, the identification date came from the cohort "
        f"file for {source('cohort file')}, from the lists for {source('lists')} and was "
        f"assumed (the last list date) for {source('assumed')}. "
        f"Not on the list of that date: {counted(lambda c: c.get('on_list') is False)}; "
        f"waited across a later list: {counted(lambda c: _positive(c.get('later_lists')))}; "
        "matched only after relaxing an exact match: "
        f"{counted(lambda c: c.get('relaxed') is True)}; "
        f"not matched: {counted(lambda c: not _whole(c.get('matching_level')))}."
    )
    return Clients(rows, summary)


def context(evaluation: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the templates show, worked out once."""
    window = chart_window(evaluation)
    activities = _activities(evaluation)
    balance_rows = balance(evaluation)
    return {
        "e": evaluation,
        "get": _get,
        "windows": _windows(evaluation),
        "activities": activities,
        "methods": wording.METHODS,
        "headlines": headlines(evaluation),
        "headline_activity": HEADLINE_ACTIVITY,
        "chart_window": window,
        "bars": [before_after(evaluation, a, window) for a in activities] if window else [],
        "trajectories": (
            [trajectory(evaluation, a) for a in activities]
            if _get(evaluation, "trajectories", "months")
            else []
        ),
        "balance": balance_rows,
        "imbalanced_after": [
            wording.variable_words(row.variable) for row in balance_rows if row.flag_after
        ],
        "smd_limit": SMD_LIMIT,
        "unit_costs": unit_costs_by_activity(evaluation),
        "month_label": _month_label,
        "diagnostics": diagnostics(evaluation),
        "sensitivity": sensitivity(evaluation),
        "clients": clients(evaluation),
        "matched_assumption": wording.MATCHED_ASSUMPTION,
    }


def render_body(evaluation: Mapping[str, Any]) -> str:
    """The report's sections (each under an ``<h2>``), without the page around them."""
    return _ENV.get_template("body.jinja").render(**context(evaluation))


def render_html(evaluation: Mapping[str, Any], *, note: str = "") -> str:
    """The whole report as one self-contained HTML page. ``note``: a line shown under the
    title (the web app's download says there that the page contains small numbers)."""
    return _ENV.get_template("report.html.jinja").render(**context(evaluation), note=note)
