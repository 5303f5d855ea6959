"""What the report is made from: the service's casework and activity, as plain data.

The web app gathers these from its database and the activity store
(``hiu.web.reports.gather``); tests make them by hand. Nothing here is identifiable on its
own: records carry ids, dates and categories, never a name, NHS number, date of birth,
address, phone or free text written about a person (case studies aside, which a person wrote
to be shared and which are checked for identifiers before they are).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl


@dataclass(frozen=True)
class EpisodeFacts:
    """One period of support (an episode). Opening an episode is acceptance into the service:
    it opens when the team accepts someone from an identified list or takes a referral."""

    episode_id: int
    client_id: int
    way_in: str  # "identified", "referred" or "relapse" (re-opened after a relapse)
    opened_on: dt.date
    engaged_on: dt.date | None
    stepped_down_on: dt.date | None
    closed_on: dt.date | None
    # Every phase the episode entered, in order: (the day it took effect, the phase's value:
    # "screening", "contacting", "engaged", "holding", "stepped_down" or "closed").
    phases: tuple[tuple[dt.date, str], ...]
    # The employing organisation of the client's case manager ("" when not known).
    organisation: str
    # The main need found at assessment, as its label ("" when not recorded).
    primary_need: str
    # The first intervention started or referral to a partner service made in this episode.
    first_intervention_on: dt.date | None
    # When the client was first found to meet the identification threshold again after
    # stepping down in this episode (a relapse alert), if they were.
    threshold_again_on: dt.date | None = None

    def phase_on(self, day: dt.date) -> str | None:
        """The episode's phase at the end of ``day``; None before it opened."""
        current = None
        for effective, phase in self.phases:
            if effective > day:
                break
            current = phase
        return current


@dataclass(frozen=True)
class DeclineFacts:
    """A person on an identified list whom the team decided not to offer the service."""

    decided_on: dt.date
    reason: str  # the service's reason, as its label


@dataclass(frozen=True)
class InterventionFacts:
    episode_id: int
    kind: str  # the kind's label: "Psychological therapy", "Befriending", ...
    name: str  # the service's name for the intervention type
    referred_on: dt.date
    started_on: dt.date | None
    ended_on: dt.date | None
    attended_sessions: int


@dataclass(frozen=True)
class MeetingFacts:
    """A multidisciplinary team meeting and the clients discussed at it."""

    held_on: dt.date
    kind: str  # its label: "Wider MDT", "Referral meeting"
    client_ids: frozenset[int]


@dataclass(frozen=True)
class StoryFacts:
    """A case study the team marked shareable, with the client's consent to share recorded
    and not withdrawn, checked for the client's identifiers."""

    written_on: dt.date
    title: str
    text: str


@dataclass(frozen=True)
class ShareFacts:
    """People counted against a target: ``met`` of ``counted``."""

    met: int
    counted: int


@dataclass(frozen=True)
class InstrumentFacts:
    """One questionnaire's results in the period (docs/casework-outcomes.md)."""

    name: str
    completed: int  # people with a score recorded in the period
    compared: int  # people whose latest score in the period has a first score to compare with
    reliable_improvement: int
    no_reliable_change: int
    reliable_deterioration: int
    # Compared, but the questionnaire has no published reliable change figure.
    no_figure: int


@dataclass(frozen=True)
class OutcomeFacts:
    less_lonely: ShareFacts
    better_wellbeing: ShareFacts
    positive_experience: ShareFacts
    progressing_goal: ShareFacts
    prems_completed: int
    instruments: tuple[InstrumentFacts, ...]


@dataclass(frozen=True)
class ActivityWindow:
    """A client's activity in the ``months`` before and after they engaged, for a window that
    had ended (within the data) by the end of the period."""

    client_id: int
    engaged_on: dt.date
    months: int
    before: Mapping[str, int]  # activity key -> count: "ed_attendances", "admissions", ...
    after: Mapping[str, int]


@dataclass(frozen=True)
class EvaluationFacts:
    """The service's latest finished evaluation (``hiu-evaluation/1`` or ``/2``) and how it was
    run."""

    finished_on: dt.date
    rule_set: str
    unit_costs: str  # e.g. "version 2"
    result: Mapping[str, Any]


@dataclass(frozen=True)
class ServiceFacts:
    service: str
    area: str
    # The last day of activity data in the store (None when the store is empty).
    data_end: dt.date | None
    rule_set: str
    episodes: tuple[EpisodeFacts, ...]
    declines: tuple[DeclineFacts, ...]
    interventions: tuple[InterventionFacts, ...]
    meetings: tuple[MeetingFacts, ...]
    stories: tuple[StoryFacts, ...]
    outcomes: OutcomeFacts
    activity: tuple[ActivityWindow, ...]
    # hiu.identify.table_one.per_person for the year to the period's end (or the data's end).
    table_one_people: pl.DataFrame | None
    table_one_as_of: dt.date | None
    evaluation: EvaluationFacts | None
    # The service's targets by KPI key (hiu.report.kpis); missing keys take the defaults.
    targets: Mapping[str, float] = field(default_factory=dict)
    # People in the service lead and case manager roles, for "case studies per lead".
    leads: int = 1
