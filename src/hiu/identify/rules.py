"""Rule sets: one site's identification thresholds, read from a TOML file (DESIGN §6).

A rule set is data, never code: a site copies a shipped file (``hiu/identify/rulesets``),
edits it and passes its path to ``hiu identify --rules``. ``docs/identification.md`` explains
every key. Everything is checked when the file is loaded, and a mistake is reported naming the
file, the line and the key, so nobody discovers a typo from an empty list.

What the keys mean, in short (the engines in ``hiu.identify`` define it exactly):

- ``[counting.<service>]`` says which events count: excluded attendance categories (planned
  follow-ups) and code lists of excluded presentations (sickle cell, wound care, ...).
- each ``[[thresholds]]`` is met on the day of a counting event when at least ``at_least``
  counting events of its service fall in its window ending that day: ``window_days`` days
  (the day itself and the ``window_days - 1`` before it), the calendar month so far, or the
  list's period so far. ``all_of`` combines services: every part must reach its count in the
  same window on the same day.
- ``[list]`` says which days count (the ``period_days`` ending at the as-of date: a person is
  listed when some threshold is met on one of them), how to order people and how many to keep.
- ``[people]`` excludes people: by age at the as-of date, registered GP practice, care home and
  death.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainValidator,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import ErrorDetails

from hiu import toml_files
from hiu.ingest.validate import is_snomed_concept_id
from hiu.toml_files import Table

#: Where the rule sets shipped with hiu live.
SHIPPED_DIR = Path(__file__).with_name("rulesets")
#: A site's own rule sets live in this folder of ``HIU_DATA_DIR``, found by name before the
#: shipped ones (by ``hiu identify`` and by the web app alike).
SITE_FOLDER = "rulesets"
_SNOMED = re.compile(r"[1-9][0-9]{5,17}")
_ICD10 = re.compile(r"[A-Z][0-9][0-9A-Z]?(\.?[0-9A-Z]{0,2})?")
_ODS = re.compile(r"[A-Z0-9]{3,6}")


class RuleError(Exception):
    """A rule set is malformed. The message names the file, the line and the key."""


class Service(StrEnum):
    """The services whose use is counted. Each is one kind of activity in the store."""

    ED = "ed"
    AMBULANCE = "ambulance"
    NHS111 = "nhs111"
    EMERGENCY_ADMISSIONS = "emergency_admissions"


#: The store's table for each service.
SERVICE_KINDS: Mapping[Service, str] = {
    Service.ED: "ed_attendances",
    Service.AMBULANCE: "ambulance_incidents",
    Service.NHS111: "nhs111_calls",
    Service.EMERGENCY_ADMISSIONS: "admissions",
}


class Window(StrEnum):
    ROLLING = "rolling"
    CALENDAR_MONTH = "calendar_month"
    PERIOD = "period"


class Refresh(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


#: What a list may be ordered by, most important first: ``spread`` (services on which a
#: threshold is met), ``intensity`` (how far over their thresholds, summed), or a service's
#: counting events in the list's period.
RANK_KEYS = ("spread", "intensity", *(service.value for service in Service))


@dataclass(frozen=True)
class Codelist:
    """Presentations, as SNOMED CT concepts (ED chief complaint or diagnosis) and ICD-10 code
    prefixes (an admission's primary diagnosis)."""

    name: str
    description: str
    snomed: frozenset[str]
    icd10: tuple[str, ...]


@dataclass(frozen=True)
class Counting:
    """Which events of one service count towards a threshold."""

    exclude_attendance_categories: frozenset[str] = frozenset()
    exclude_codelists: tuple[Codelist, ...] = ()

    @property
    def excluded_snomed(self) -> frozenset[str]:
        return frozenset().union(*(codelist.snomed for codelist in self.exclude_codelists))

    @property
    def excluded_icd10(self) -> tuple[str, ...]:
        return tuple(sorted({p for codelist in self.exclude_codelists for p in codelist.icd10}))


@dataclass(frozen=True)
class Part:
    service: Service
    at_least: int


@dataclass(frozen=True)
class Threshold:
    """Met on a day when every part has at least its count of events in the window ending
    that day. Most thresholds have one part; Southport's has two."""

    name: str
    parts: tuple[Part, ...]
    window: Window
    window_days: int | None = None

    @property
    def services(self) -> tuple[Service, ...]:
        return tuple(dict.fromkeys(part.service for part in self.parts))

    def describe(self) -> str:
        counts = " and ".join(f"{p.at_least}+ {SERVICE_WORDS[p.service]}" for p in self.parts)
        if self.window is Window.ROLLING:
            return f"{counts} within {self.window_days} days"
        if self.window is Window.CALENDAR_MONTH:
            return f"{counts} in a calendar month"
        return f"{counts} in the list's period"


SERVICE_WORDS: Mapping[Service, str] = {
    Service.ED: "A&E attendances",
    Service.AMBULANCE: "ambulance incidents",
    Service.NHS111: "NHS 111 calls",
    Service.EMERGENCY_ADMISSIONS: "emergency admissions",
}


@dataclass(frozen=True)
class PeopleCriteria:
    min_age: int | None = None
    max_age: int | None = None
    exclude_care_home: bool = False
    exclude_deceased: bool = True
    gp_practices: frozenset[str] | None = None
    exclude_codelists: tuple[Codelist, ...] = ()

    @property
    def needs_date_of_birth(self) -> bool:
        return self.min_age is not None or self.max_age is not None


@dataclass(frozen=True)
class RuleSet:
    name: str
    title: str
    source: str
    description: str
    period_days: int
    refresh: Refresh
    rank_by: tuple[str, ...]
    top: int | None
    counting: Mapping[Service, Counting]
    thresholds: tuple[Threshold, ...]
    people: PeopleCriteria
    path: Path

    def counting_for(self, service: Service) -> Counting:
        return self.counting.get(service, Counting())

    @property
    def services(self) -> tuple[Service, ...]:
        """Every service some threshold counts, in a fixed order."""
        used = {service for threshold in self.thresholds for service in threshold.services}
        return tuple(service for service in Service if service in used)

    @property
    def longest_window_days(self) -> int:
        """How many days before the period's start an event can still count: the engines read
        no activity older than this."""
        longest = 0
        for threshold in self.thresholds:
            if threshold.window is Window.ROLLING:
                assert threshold.window_days is not None
                longest = max(longest, threshold.window_days)
            elif threshold.window is Window.CALENDAR_MONTH:
                longest = max(longest, 31)
        return longest


def load_rules(name_or_path: str, *, search: Sequence[Path] = ()) -> RuleSet:
    """Load and check a rule set: a path to a ``.toml`` file, or the name of one in ``search``
    or among the shipped rule sets."""
    try:
        return _load(toml_files.find(name_or_path, [*search, SHIPPED_DIR], "rule set"))
    except toml_files.TomlFileError as error:
        raise RuleError(str(error)) from None


def shipped_rule_sets() -> list[RuleSet]:
    return [_load(path) for path in sorted(SHIPPED_DIR.glob("*.toml"))]


def _load(path: Path) -> RuleSet:
    try:
        text, data = toml_files.read(path, "rule set")
        checked = toml_files.validate(
            RuleSetFile, data, f"rule set {path}", text, explain=_explain, context={"path": path}
        )
    except toml_files.TomlFileError as error:
        raise RuleError(str(error)) from None
    return checked.rule_set(path)


# The file, as pydantic models (ADR 0017) ------------------------------------------------------
# Checked in the order a file is usually written; the first mistake is reported.

_NAME = r"^[a-z][a-z0-9_]*$"
_SAY = {
    ("thresholds",): "give at least one [[thresholds]] table",
    ("thresholds", "*", "all_of"): 'must list two or more { service = "...", at_least = N } parts',
    ("codelists",): "must be tables written [codelists.NAME]",
    ("counting",): "must be tables written [counting.SERVICE]",
}


def _explain(error: ErrorDetails, loc: toml_files.Loc) -> str | None:
    shape = tuple("*" if isinstance(part, int) else part for part in loc)
    if shape in _SAY:
        return _SAY[shape]
    if error["type"] == "string_pattern_mismatch":
        names = error.get("ctx", {}).get("pattern") == _NAME
        return "use lower-case letters, digits and _" if names else "must be text in quotes"
    if error["type"] == "model_type" and all(isinstance(part, str) for part in loc):
        return f"must be a table, written [{'.'.join(shape)}]"
    return None


def _service(value: Any) -> Any:
    if isinstance(value, str) and value in {service.value for service in Service}:
        return value
    known = ", ".join(service.value for service in Service)
    raise toml_files.invalid(f"{value!r} is not a service; the services are {known}")


def _one_of(allowed: Sequence[str], what: str) -> Any:
    def check(value: str) -> str:
        if value not in allowed:
            raise toml_files.invalid(f"{value!r} is not {what}")
        return value

    return AfterValidator(check)


def _code(form: re.Pattern[str], what: str, check_digit: bool = False) -> Any:
    def check(code: str) -> str:
        code = code.upper()
        if not form.fullmatch(code):
            raise toml_files.invalid(f"{code!r} is not {what}")
        if check_digit and not is_snomed_concept_id(code):
            raise toml_files.invalid(f"{code!r} fails the SNOMED CT check digit")
        return code.replace(".", "")

    return AfterValidator(check)


def _practices_file(value: Any, info: ValidationInfo) -> frozenset[str]:
    if not isinstance(value, str) or not value.strip():
        raise toml_files.invalid("must be text in quotes")
    path = (Path((info.context or {}).get("path", "")).parent / value).resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise toml_files.invalid(f"cannot read {path} ({error.__class__.__name__})") from None
    lines = (line.split("#", 1)[0].strip().upper() for line in text.splitlines())
    return frozenset(code for code in lines if code)


#: Text that is not blank.
Text = Annotated[StrictStr, StringConstraints(pattern=r"\S")]
#: One item of a list of text, spaces around it dropped.
Item = Annotated[Text, AfterValidator(str.strip)]
Name = Annotated[StrictStr, StringConstraints(pattern=_NAME)]
ServiceName = Annotated[Service, BeforeValidator(_service)]
Count = Annotated[StrictInt, Field(ge=1, le=10_000)]
Days = Annotated[StrictInt, Field(ge=1, le=3660)]
Age = Annotated[StrictInt, Field(ge=0, le=130)]
_CATEGORIES = ("1", "2", "3", "4")
Category = Annotated[
    Item,
    _one_of(_CATEGORIES, "an ECDS attendance category (1, 2, 3 or 4)"),
    WithJsonSchema({"type": "string", "enum": list(_CATEGORIES)}),
]
RankKey = Annotated[
    Item,
    _one_of(RANK_KEYS, f"one of {', '.join(RANK_KEYS)}"),
    WithJsonSchema({"type": "string", "enum": list(RANK_KEYS)}),
]
PracticesFile = Annotated[
    frozenset[str],
    PlainValidator(_practices_file),
    WithJsonSchema({"type": "string"}),
]


class CodelistTable(Table):
    """Presentations, as SNOMED CT concepts and ICD-10 code prefixes."""

    description: Text = ""
    snomed: tuple[Annotated[Item, _code(_SNOMED, "a SNOMED CT concept id", True)], ...] = ()
    """ED chief complaints or diagnoses (checked for the SNOMED CT check digit)."""
    icd10: tuple[Annotated[Item, _code(_ICD10, "an ICD-10 code or prefix")], ...] = ()
    """Prefixes of an admission's primary diagnosis."""

    @model_validator(mode="after")
    def _some_codes(self) -> Self:
        if not self.snomed and not self.icd10:
            raise toml_files.invalid("lists no codes: give snomed = [...] or icd10 = [...]")
        return self


class CountingTable(Table):
    """Which events of one service count."""

    exclude_attendance_categories: tuple[Category, ...] = ()
    """ed only: 4 is a planned follow-up."""
    exclude_codelists: tuple[Item, ...] = ()
    """Code lists ([codelists.NAME]) of presentations that do not count: ed and
    emergency_admissions."""


class PartTable(Table):
    service: ServiceName
    at_least: Count


class ThresholdTable(Table):
    """Met on a day when at least at_least events of the service (or every all_of part) fall
    in the window ending that day."""

    name: Name
    """Lower-case letters, digits and _."""
    service: ServiceName | None = None
    at_least: Count | None = None
    all_of: Annotated[tuple[PartTable, ...], Field(min_length=2)] | None = None
    """Instead of service and at_least: every part must reach its count."""
    window: Window | None = None
    """Instead of window_days: "calendar_month" or "period" (the list's period so far)."""
    window_days: Days | None = None
    """A rolling window: the day and the window_days - 1 before it."""

    @model_validator(mode="after")
    def _parts_and_window(self) -> Self:
        if self.all_of is not None:
            if self.service is not None or self.at_least is not None:
                raise toml_files.invalid(
                    "give either all_of or service and at_least, not both", "all_of"
                )
            services = [part.service for part in self.all_of]
            if len(set(services)) != len(services):
                raise toml_files.invalid("names the same service twice", "all_of")
        for key in ("service", "at_least"):
            if self.all_of is None and getattr(self, key) is None:
                raise toml_files.invalid("is required", key)
        if self.window_days is not None and self.window not in (None, Window.ROLLING):
            raise toml_files.invalid(
                f"window_days goes with a rolling window, not {self.window.value!r}",
                "window_days",
            )
        if self.window_days is None and self.window is None:
            raise toml_files.invalid(
                'give window_days = N (a rolling window) or window = "calendar_month" or "period"'
            )
        if self.window_days is None and self.window is Window.ROLLING:
            raise toml_files.invalid("a rolling window needs window_days = N", "window")
        return self

    def threshold(self) -> Threshold:
        if self.all_of is not None:
            parts = tuple(Part(part.service, part.at_least) for part in self.all_of)
        else:
            assert self.service is not None
            assert self.at_least is not None
            parts = (Part(self.service, self.at_least),)
        if self.window_days is not None:
            return Threshold(self.name, parts, Window.ROLLING, self.window_days)
        assert self.window is not None
        return Threshold(self.name, parts, self.window)


class ListTable(Table):
    """Which days count, how people are ordered and how many are kept."""

    period_days: Days
    """The days ending on the as-of date on which a threshold must be met."""
    refresh: Refresh = Refresh.QUARTERLY
    """How often the web app makes a list."""
    rank_by: tuple[RankKey, ...] = ("spread", "intensity")
    """Most important first: spread (services on which a threshold is met), intensity (how
    far over the thresholds) or a service's events in the period."""
    top: Annotated[StrictInt, Field(ge=1)] | None = None
    """Keep the first N."""


class PeopleTable(Table):
    """Who is left off the list."""

    min_age: Age | None = None
    max_age: Age | None = None
    exclude_care_home: StrictBool = False
    exclude_deceased: StrictBool = True
    exclude_codelists: tuple[Item, ...] = ()
    """Anyone with a presentation in these code lists."""
    gp_practices: tuple[Item, ...] | None = None
    """Only people registered at these practices (ODS codes)."""
    gp_practices_file: PracticesFile | None = None
    """Or the practices in this file, beside the rule set, one a line."""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.min_age is not None and self.max_age is not None and self.max_age < self.min_age:
            raise toml_files.invalid(f"is below min_age ({self.min_age})", "max_age")
        if self.gp_practices is not None and self.gp_practices_file is not None:
            raise toml_files.invalid("give gp_practices or a file, not both", "gp_practices_file")
        if self.practices is not None:
            for code in sorted(self.practices):
                if not _ODS.fullmatch(code):
                    raise toml_files.invalid(
                        f"{code!r} is not an ODS practice code", "gp_practices"
                    )
            if not self.practices:
                raise toml_files.invalid("is empty, which would exclude everybody", "gp_practices")
        return self

    @property
    def practices(self) -> frozenset[str] | None:
        if self.gp_practices_file is not None:
            return self.gp_practices_file
        return None if self.gp_practices is None else frozenset(self.gp_practices)


class RuleSetFile(Table):
    """A rule set: one site's identification thresholds (docs/identification.md)."""

    title: Text
    source: Text
    """Where the thresholds come from."""
    description: Text = ""
    """What the rules say, in words."""
    listing: ListTable = Field(alias="list")
    codelists: dict[Name, CodelistTable] = {}
    counting: dict[ServiceName, CountingTable] = {}
    thresholds: Annotated[tuple[ThresholdTable, ...], Field(min_length=1)]
    people: PeopleTable = PeopleTable()

    @model_validator(mode="after")
    def _cross_references(self) -> Self:
        for service, counting in self.counting.items():
            at = ("counting", service.value)
            if counting.exclude_attendance_categories and service is not Service.ED:
                raise toml_files.invalid("applies to ed only", *at, "exclude_attendance_categories")
            if counting.exclude_codelists and service in (Service.AMBULANCE, Service.NHS111):
                raise toml_files.invalid(
                    "ambulance and 111 extracts carry no coded presentation to exclude",
                    *at,
                    "exclude_codelists",
                )
            self._codelists_known(counting.exclude_codelists, *at)
        self._codelists_known(self.people.exclude_codelists, "people")
        seen: set[str] = set()
        for index, threshold in enumerate(self.thresholds):
            if threshold.name in seen:
                raise toml_files.invalid(
                    f"{threshold.name!r} is used by another threshold", "thresholds", index, "name"
                )
            seen.add(threshold.name)
        return self

    def _codelists_known(self, names: Sequence[str], *at: str) -> None:
        for name in names:
            if name not in self.codelists:
                known = ", ".join(sorted(self.codelists)) or "none are defined"
                raise toml_files.invalid(
                    f"no code list named {name!r} ([codelists.NAME]: {known})",
                    *at,
                    "exclude_codelists",
                )

    def rule_set(self, path: Path) -> RuleSet:
        codelists = {
            name: Codelist(name, table.description, frozenset(table.snomed), table.icd10)
            for name, table in self.codelists.items()
        }
        people = self.people
        return RuleSet(
            name=path.stem,
            title=self.title,
            source=self.source,
            description=self.description,
            period_days=self.listing.period_days,
            refresh=self.listing.refresh,
            rank_by=self.listing.rank_by or ("spread", "intensity"),
            top=self.listing.top,
            counting={
                service: Counting(
                    frozenset(counting.exclude_attendance_categories),
                    tuple(codelists[name] for name in counting.exclude_codelists),
                )
                for service, counting in self.counting.items()
            },
            thresholds=tuple(threshold.threshold() for threshold in self.thresholds),
            people=PeopleCriteria(
                min_age=people.min_age,
                max_age=people.max_age,
                exclude_care_home=people.exclude_care_home,
                exclude_deceased=people.exclude_deceased,
                gp_practices=people.practices,
                exclude_codelists=tuple(codelists[name] for name in people.exclude_codelists),
            ),
            path=path,
        )
