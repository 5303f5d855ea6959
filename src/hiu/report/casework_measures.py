"""The measures of the City and Hackney specification's quarterly report (000 §4.1), counted
from the service's casework for one period. Each function returns a :class:`Table` whose
cells are already through disclosure control; docs/reporting.md defines every figure.

Words used throughout: a person is **accepted** when an episode of support opens for them (the
team accepts them from an identified list, or takes a referral); they **engage** on the first
day of agreed contact; they are **discharged** when they are stepped down; an episode is
**open** at the end of the period when it is in screening, contacting, engaged or holding then.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from hiu import disclosure as d
from hiu.evaluate.windows import add_months
from hiu.report.document import Column, Table
from hiu.report.facts import EpisodeFacts, ServiceFacts
from hiu.report.period import Period

OPEN_PHASES = frozenset({"screening", "contacting", "engaged", "holding"})
NOT_RECORDED = "Not recorded"


def _label(title: str) -> Column:
    return Column(title, numeric=False)


def accepted(facts: ServiceFacts, period: Period) -> list[EpisodeFacts]:
    return [e for e in facts.episodes if period.holds(e.opened_on)]


def discharged(facts: ServiceFacts, period: Period) -> list[EpisodeFacts]:
    return [
        e
        for e in facts.episodes
        if e.stepped_down_on is not None and period.holds(e.stepped_down_on)
    ]


def _closed(facts: ServiceFacts, period: Period, *, engaged: bool) -> list[EpisodeFacts]:
    """Episodes closed in the period without being stepped down, before or after engaging."""
    return [
        e
        for e in facts.episodes
        if e.closed_on is not None
        and period.holds(e.closed_on)
        and e.stepped_down_on is None
        and (e.engaged_on is not None) == engaged
    ]


def open_at_end(facts: ServiceFacts, period: Period) -> list[EpisodeFacts]:
    return [e for e in facts.episodes if e.phase_on(period.end) in OPEN_PHASES]


def activity_table(facts: ServiceFacts, period: Period) -> Table:
    new = accepted(facts, period)
    ways = Counter(e.way_in for e in new)
    engaged = [e for e in facts.episodes if e.engaged_on and period.holds(e.engaged_on)]
    declined = [x for x in facts.declines if period.holds(x.decided_on)]
    rows = (
        ("Accepted into the service", d.total(len(new))),
        ("  from an identified list", d.count(ways["identified"])),
        ("  by referral", d.count(ways["referred"])),
        ("  again, after a relapse", d.count(ways["relapse"])),
        ("Met the threshold, not accepted", d.count(len(declined))),
        ("Engaged (agreed to work with the service)", d.count(len(engaged))),
        (
            "Closed before engaging (not reached or declined)",
            d.count(len(_closed(facts, period, engaged=False))),
        ),
        ("Discharged (stepped down)", d.count(len(discharged(facts, period)))),
        (
            "Closed after engaging, without stepping down",
            d.count(len(_closed(facts, period, engaged=True))),
        ),
        ("Open cases at the end of the period", d.total(len(open_at_end(facts, period)))),
    )
    return Table(
        sheet="Activity",
        title=f"People accepted, engaged and discharged, {period.label}",
        columns=(_label("Measure"), Column("People")),
        rows=tuple((d.text(label), cell) for label, cell in rows),
        definition=(
            "Accepted: episodes of support opened in the period. Not accepted: people on an "
            "identified list the team decided not to offer the service. Discharged: stepped "
            "down in the period. Open: in screening, contacting, engaged or holding on the "
            "period's last day. Totals are rounded to the nearest 5."
        ),
    )


def monthly_table(facts: ServiceFacts, period: Period) -> Table:
    rows = []
    for first in period.months:
        month = Period(first, add_months(first, 1) - dt.timedelta(days=1))
        rows.append(
            (
                d.text(f"{first:%b %Y}"),
                d.count(len(accepted(facts, month))),
                d.count(
                    sum(1 for e in facts.episodes if e.engaged_on and month.holds(e.engaged_on))
                ),
                d.count(len(discharged(facts, month))),
            )
        )
    return Table(
        sheet="By month",
        title="Accepted, engaged and discharged, month by month",
        columns=(_label("Month"), Column("Accepted"), Column("Engaged"), Column("Discharged")),
        rows=tuple(rows),
        definition="The same counts as the activity table, for each calendar month.",
    )


def _tally(
    labels: Iterable[str], *, first_column: str, sheet: str, title: str, definition: str
) -> Table:
    counts = Counter(labels)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0] == NOT_RECORDED, item[0]))
    rows = [(d.text(label), d.count(n)) for label, n in ordered]
    rows.append((d.text("Total"), d.total(sum(counts.values()))))
    return Table(
        sheet=sheet,
        title=title,
        columns=(_label(first_column), Column("People")),
        rows=tuple(rows),
        definition=definition,
        has_total=True,
    )


def not_accepted_table(facts: ServiceFacts, period: Period) -> Table:
    return _tally(
        (x.reason for x in facts.declines if period.holds(x.decided_on)),
        first_column="Reason",
        sheet="Not accepted",
        title="Met the threshold but not accepted, by reason",
        definition=(
            "People on an identified list whom the team decided, in the period, not to offer "
            "the service, by the reason recorded with the decision."
        ),
    )


def main_need_table(facts: ServiceFacts, period: Period) -> Table:
    return _tally(
        (e.primary_need or NOT_RECORDED for e in accepted(facts, period)),
        first_column="Main need",
        sheet="Main need",
        title="Accepted into the service, by main need (primary presentation)",
        definition=(
            "Episodes opened in the period, by the main need recorded at the episode's latest "
            "assessment. Not recorded: no assessment yet, or no main need chosen."
        ),
    )


def open_cases_table(facts: ServiceFacts, period: Period) -> Table:
    return _tally(
        (e.organisation or NOT_RECORDED for e in open_at_end(facts, period)),
        first_column="Organisation",
        sheet="Open cases",
        title=f"Open cases on {period.end:%-d %B %Y}, by organisation",
        definition=(
            "Episodes in screening, contacting, engaged or holding on the period's last day, by "
            "the organisation that employs the client's case manager."
        ),
    )


def _days(first: dt.date, last: dt.date) -> int:
    return (last - first).days


def waits_table(facts: ServiceFacts, period: Period) -> Table:
    waits = [
        _days(e.opened_on, e.first_intervention_on)
        for e in facts.episodes
        if e.first_intervention_on is not None and period.holds(e.first_intervention_on)
    ]
    ended = [
        _days(e.opened_on, e.stepped_down_on)
        for e in discharged(facts, period)
        if e.stepped_down_on is not None
    ] + [
        _days(e.opened_on, e.closed_on)
        for e in _closed(facts, period, engaged=True)
        if e.closed_on is not None
    ]
    rows = (
        ("Wait from acceptance to first intervention", waits),
        ("Duration of care", ended),
    )
    return Table(
        sheet="Waits and duration",
        title="Wait for a first intervention and duration of care (days)",
        columns=(_label("Measure"), Column("Average (mean)"), Column("Median"), Column("People")),
        rows=tuple(
            (d.text(label), d.mean(days), d.median(days), d.count(len(days)))
            for label, days in rows
        ),
        definition=(
            "Wait: days from acceptance to the first intervention started or referral to a "
            "partner service made, for those whose first came in the period. Duration: days "
            "from acceptance to stepping down (or closing after engaging), for those whose "
            "support ended in the period; befriending that goes on after stepping down is not "
            "counted."
        ),
    )


def interventions_table(facts: ServiceFacts, period: Period) -> Table:
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for item in facts.interventions:
        if item.ended_on is None or item.started_on is None or not period.holds(item.ended_on):
            continue
        by_kind.setdefault(item.kind, []).append(
            (_days(item.started_on, item.ended_on), item.attended_sessions)
        )
    rows = [
        (
            d.text(kind),
            d.count(len(done)),
            d.mean([days for days, _ in done]),
            d.mean([sessions for _, sessions in done]),
        )
        for kind, done in sorted(by_kind.items())
    ]
    everything = [pair for done in by_kind.values() for pair in done]
    overall = (
        d.mean([days for days, _ in everything]),
        d.mean([sessions for _, sessions in everything]),
    )
    if any(0 < len(done) < d.SMALLEST_SHOWN for done in by_kind.values()):
        # Secondary suppression: the overall average and the shown kinds' averages would give
        # the hidden kind's by subtraction.
        overall = (d.suppressed(d.Kind.NUMBER), d.suppressed(d.Kind.NUMBER))
    rows.append((d.text("All interventions"), d.total(len(everything)), *overall))
    return Table(
        sheet="Interventions",
        title="Interventions ended in the period: length and appointments",
        columns=(
            _label("Intervention"),
            Column("Ended"),
            Column("Average length (days)"),
            Column("Average appointments attended"),
        ),
        rows=tuple(rows),
        definition=(
            "Interventions that ended in the period, by kind: days from the first session to "
            "the end, and sessions attended (befriending visits count as sessions). The "
            "averages over all interventions are not shown when a kind's are not, since the "
            "hidden figures could be worked out from them."
        ),
        has_total=True,
    )


def relapse_table(facts: ServiceFacts, period: Period) -> Table:
    year_before = add_months(period.end, -12) + dt.timedelta(days=1)
    window = Period(year_before, period.end)
    stepped_down = discharged(facts, window)
    again = [
        e
        for e in stepped_down
        if e.threshold_again_on is not None and e.threshold_again_on <= period.end
    ]
    return Table(
        sheet="Relapse",
        title="Relapse: discharged in the year, and meeting the threshold again",
        columns=(_label("Measure"), Column("People"), Column("Share")),
        rows=(
            (
                d.text(f"Discharged {year_before:%-d %b %Y} to {period.end:%-d %b %Y}"),
                d.count(len(stepped_down)),
                d.not_applicable(d.Kind.PERCENT),
            ),
            (
                d.text("Met the identification threshold again by the period's end"),
                d.count(len(again)),
                d.share(len(again), len(stepped_down)),
            ),
        ),
        definition=(
            "People stepped down in the 12 months to the end of the period, and those of them "
            "found on an identified list again (a relapse alert) by the end of the period."
        ),
    )


def meetings_table(facts: ServiceFacts, period: Period) -> Table:
    rows = []
    kinds = sorted({m.kind for m in facts.meetings})
    for kind in kinds:
        held = [m for m in facts.meetings if m.kind == kind and period.holds(m.held_on)]
        discussed = set().union(*(m.client_ids for m in held)) if held else set()
        rows.append((d.text(kind), d.occasions(len(held)), d.count(len(discussed))))
    if not rows:
        rows.append((d.text("Team meetings"), d.occasions(0), d.count(0)))
    return Table(
        sheet="Meetings",
        title="Team meetings held and people discussed",
        columns=(_label("Meeting"), Column("Held"), Column("People discussed")),
        rows=tuple(rows),
        definition=(
            "Meetings held in the period, and the number of different people discussed at them "
            "(a person discussed at several meetings counts once)."
        ),
    )
