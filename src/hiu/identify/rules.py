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
from typing import Any, TypeVar

from hiu import toml_files
from hiu.ingest.validate import is_snomed_concept_id

#: Where the rule sets shipped with hiu live.
SHIPPED_DIR = Path(__file__).with_name("rulesets")
#: A site's own rule sets live in this folder of ``HIU_DATA_DIR``, found by name before the
#: shipped ones (by ``hiu identify`` and by the web app alike).
SITE_FOLDER = "rulesets"
_THRESHOLD_NAME = re.compile(r"[a-z][a-z0-9_]*")
_SNOMED = re.compile(r"[1-9][0-9]{5,17}")
_ICD10 = re.compile(r"[A-Z][0-9][0-9A-Z]?(\.?[0-9A-Z]{0,2})?")
_ODS = re.compile(r"[A-Z0-9]{3,6}")


E = TypeVar("E", bound=StrEnum)


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
    except toml_files.TomlFileError as error:
        raise RuleError(str(error)) from None
    return _Parser(path, text).parse(data)


class _Lines:
    """Finds the line a key was written on, for error messages: tomllib gives no positions.

    It follows ``[table]`` and ``[[array]]`` headers and ``key =`` lines, which is how the
    shipped files and docs write rule sets; a key it cannot place is reported at its table's
    header.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        arrays: dict[str, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                name = header.group(2).replace('"', "").replace(" ", "")
                if header.group(1) == "[[":
                    index = arrays.get(name, -1) + 1
                    arrays[name] = index
                    table = (*name.split("."), str(index))
                else:
                    table = tuple(name.split("."))
                self.lines.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if key:
                self.lines.setdefault((*table, key.group(1)), number)

    def find(self, path: tuple[str, ...]) -> int | None:
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


class _Parser:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = _Lines(text)

    def fail(self, where: tuple[str, ...], message: str) -> RuleError:
        line = self.lines.find(where)
        at = f", line {line}" if line else ""
        key = ".".join(part if not part.isdigit() else f"[{part}]" for part in where)
        key = key.replace(".[", "[")
        return RuleError(f"rule set {self.path}{at}, key {key}: {message}")

    def parse(self, data: Mapping[str, Any]) -> RuleSet:
        self.keys(
            data,
            (),
            (
                "title",
                "source",
                "description",
                "list",
                "counting",
                "codelists",
                "thresholds",
                "people",
            ),
        )
        # Checked in the order a file is usually written, so the first mistake is reported.
        title = self.text(data, ("title",), required=True) or ""
        source = self.text(data, ("source",), required=True) or ""
        description = self.text(data, ("description",)) or ""
        listing = self.table(data, ("list",))
        self.keys(listing, ("list",), ("period_days", "refresh", "rank_by", "top"))
        period_days = self.integer(listing, ("list", "period_days"), minimum=1, maximum=3660)
        refresh = self.choice(listing, ("list", "refresh"), Refresh, Refresh.QUARTERLY)
        rank_by = self.rank_by(listing)
        top = self.optional_integer(listing, ("list", "top"), minimum=1)
        codelists = self.codelists(data.get("codelists", {}))
        counting = self.counting(data.get("counting", {}), codelists)
        thresholds = self.thresholds(data.get("thresholds"))
        people = self.people(self.table(data, ("people",)), codelists)
        return RuleSet(
            name=self.path.stem,
            title=title,
            source=source,
            description=description,
            period_days=period_days,
            refresh=refresh,
            rank_by=rank_by,
            top=top,
            counting=counting,
            thresholds=thresholds,
            people=people,
            path=self.path,
        )

    # Sections ----------------------------------------------------------------------------

    def codelists(self, data: Any) -> dict[str, Codelist]:
        if not isinstance(data, dict):
            raise self.fail(("codelists",), "must be tables written [codelists.NAME]")
        codelists = {}
        for name, table in data.items():
            where = ("codelists", name)
            if not _THRESHOLD_NAME.fullmatch(name):
                raise self.fail(where, "name code lists with lower-case letters, digits and _")
            if not isinstance(table, dict):
                raise self.fail(where, "must be a table written [codelists.NAME]")
            self.keys(table, where, ("description", "snomed", "icd10"))
            snomed = self.codes(table, (*where, "snomed"), _SNOMED, "a SNOMED CT concept id")
            for code in snomed:
                if not is_snomed_concept_id(code):
                    raise self.fail((*where, "snomed"), f"{code!r} fails the SNOMED CT check digit")
            icd10 = self.codes(table, (*where, "icd10"), _ICD10, "an ICD-10 code or prefix")
            if not snomed and not icd10:
                raise self.fail(where, "lists no codes: give snomed = [...] or icd10 = [...]")
            codelists[name] = Codelist(
                name=name,
                description=self.text(table, (*where, "description")) or "",
                snomed=frozenset(snomed),
                icd10=tuple(code.replace(".", "") for code in icd10),
            )
        return codelists

    def counting(self, data: Any, codelists: Mapping[str, Codelist]) -> dict[Service, Counting]:
        if not isinstance(data, dict):
            raise self.fail(("counting",), "must be tables written [counting.SERVICE]")
        counting = {}
        for name, table in data.items():
            where = ("counting", name)
            service = self.service(name, where)
            if not isinstance(table, dict):
                raise self.fail(where, "must be a table written [counting.SERVICE]")
            self.keys(table, where, ("exclude_attendance_categories", "exclude_codelists"))
            categories = self.strings(table, (*where, "exclude_attendance_categories"))
            if categories and service is not Service.ED:
                raise self.fail((*where, "exclude_attendance_categories"), "applies to ed only")
            bad = sorted(set(categories) - {"1", "2", "3", "4"})
            if bad:
                raise self.fail(
                    (*where, "exclude_attendance_categories"),
                    f"{bad[0]!r} is not an ECDS attendance category (1, 2, 3 or 4)",
                )
            names = self.strings(table, (*where, "exclude_codelists"))
            if names and service in (Service.AMBULANCE, Service.NHS111):
                raise self.fail(
                    (*where, "exclude_codelists"),
                    "ambulance and 111 extracts carry no coded presentation to exclude",
                )
            chosen = self.named_codelists(table, (*where, "exclude_codelists"), codelists)
            counting[service] = Counting(frozenset(categories), chosen)
        return counting

    def thresholds(self, data: Any) -> tuple[Threshold, ...]:
        if not isinstance(data, list) or not data:
            raise self.fail(("thresholds",), "give at least one [[thresholds]] table")
        thresholds = []
        seen: set[str] = set()
        for index, table in enumerate(data):
            where = ("thresholds", str(index))
            self.keys(
                table, where, ("name", "service", "at_least", "all_of", "window", "window_days")
            )
            name = self.text(table, (*where, "name"), required=True) or ""
            if not _THRESHOLD_NAME.fullmatch(name):
                raise self.fail((*where, "name"), "use lower-case letters, digits and _")
            if name in seen:
                raise self.fail((*where, "name"), f"{name!r} is used by another threshold")
            seen.add(name)
            thresholds.append(Threshold(name, self.parts(table, where), *self.window(table, where)))
        return tuple(thresholds)

    def parts(self, table: Mapping[str, Any], where: tuple[str, ...]) -> tuple[Part, ...]:
        if "all_of" in table:
            if "service" in table or "at_least" in table:
                raise self.fail(
                    (*where, "all_of"), "give either all_of or service and at_least, not both"
                )
            items = table["all_of"]
            if not isinstance(items, list) or len(items) < 2:
                raise self.fail(
                    (*where, "all_of"),
                    'must list two or more { service = "...", at_least = N } parts',
                )
            parts = []
            for item in items:
                if not isinstance(item, dict):
                    raise self.fail((*where, "all_of"), "each part must be { service, at_least }")
                self.keys(item, (*where, "all_of"), ("service", "at_least"))
                parts.append(self.part(item, (*where, "all_of")))
            services = [part.service for part in parts]
            if len(set(services)) != len(services):
                raise self.fail((*where, "all_of"), "names the same service twice")
            return tuple(parts)
        return (self.part(table, where),)

    def part(self, table: Mapping[str, Any], where: tuple[str, ...]) -> Part:
        name = self.text(table, (*where, "service"), required=True) or ""
        at_least = self.integer(table, (*where, "at_least"), minimum=1, maximum=10_000)
        return Part(self.service(name, (*where, "service")), at_least)

    def window(self, table: Mapping[str, Any], where: tuple[str, ...]) -> tuple[Window, int | None]:
        has_days = "window_days" in table
        window = table.get("window")
        if has_days and window not in (None, "rolling"):
            raise self.fail(
                (*where, "window_days"), f"window_days goes with a rolling window, not {window!r}"
            )
        if has_days:
            return Window.ROLLING, self.integer(
                table, (*where, "window_days"), minimum=1, maximum=3660
            )
        if window is None:
            raise self.fail(
                where,
                'give window_days = N (a rolling window) or window = "calendar_month" or "period"',
            )
        chosen = self.choice(table, (*where, "window"), Window, Window.PERIOD)
        if chosen is Window.ROLLING:
            raise self.fail((*where, "window"), "a rolling window needs window_days = N")
        return chosen, None

    def rank_by(self, listing: Mapping[str, Any]) -> tuple[str, ...]:
        where = ("list", "rank_by")
        keys = self.strings(listing, where) or ["spread", "intensity"]
        for key in keys:
            if key not in RANK_KEYS:
                raise self.fail(where, f"{key!r} is not one of {', '.join(RANK_KEYS)}")
        return tuple(keys)

    def people(self, table: Mapping[str, Any], codelists: Mapping[str, Codelist]) -> PeopleCriteria:
        where = ("people",)
        self.keys(
            table,
            where,
            (
                "min_age",
                "max_age",
                "exclude_care_home",
                "exclude_deceased",
                "exclude_codelists",
                "gp_practices",
                "gp_practices_file",
            ),
        )
        min_age = self.optional_integer(table, (*where, "min_age"), minimum=0, maximum=130)
        max_age = self.optional_integer(table, (*where, "max_age"), minimum=0, maximum=130)
        if min_age is not None and max_age is not None and max_age < min_age:
            raise self.fail((*where, "max_age"), f"is below min_age ({min_age})")
        practices: set[str] | None = None
        if "gp_practices" in table and "gp_practices_file" in table:
            raise self.fail((*where, "gp_practices_file"), "give gp_practices or a file, not both")
        if "gp_practices" in table:
            practices = set(self.strings(table, (*where, "gp_practices")))
        if "gp_practices_file" in table:
            practices = self.practices_file(table, (*where, "gp_practices_file"))
        if practices is not None:
            for code in practices:
                if not _ODS.fullmatch(code):
                    raise self.fail(
                        (*where, "gp_practices"), f"{code!r} is not an ODS practice code"
                    )
            if not practices:
                raise self.fail((*where, "gp_practices"), "is empty, which would exclude everybody")
        return PeopleCriteria(
            min_age=min_age,
            max_age=max_age,
            exclude_care_home=self.boolean(table, (*where, "exclude_care_home"), False),
            exclude_deceased=self.boolean(table, (*where, "exclude_deceased"), True),
            gp_practices=frozenset(practices) if practices is not None else None,
            exclude_codelists=self.named_codelists(table, (*where, "exclude_codelists"), codelists),
        )

    def named_codelists(
        self, table: Mapping[str, Any], where: tuple[str, ...], codelists: Mapping[str, Codelist]
    ) -> tuple[Codelist, ...]:
        chosen = []
        for name in self.strings(table, where):
            if name not in codelists:
                known = ", ".join(sorted(codelists)) or "none are defined"
                raise self.fail(where, f"no code list named {name!r} ([codelists.NAME]: {known})")
            chosen.append(codelists[name])
        return tuple(chosen)

    def practices_file(self, table: Mapping[str, Any], where: tuple[str, ...]) -> set[str]:
        name = self.text(table, where, required=True) or ""
        path = (self.path.parent / name).resolve()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise self.fail(where, f"cannot read {path} ({error.__class__.__name__})") from None
        codes = set()
        for line in text.splitlines():
            code = line.split("#", 1)[0].strip().upper()
            if code:
                codes.add(code)
        return codes

    # Values ------------------------------------------------------------------------------

    def keys(self, table: Any, where: tuple[str, ...], allowed: Sequence[str]) -> None:
        if not isinstance(table, dict):
            raise self.fail(where, "must be a table")
        for key in table:
            if key not in allowed:
                raise self.fail(
                    (*where, key), f"unknown key; the keys here are {', '.join(allowed)}"
                )

    def table(self, data: Mapping[str, Any], where: tuple[str, ...]) -> Mapping[str, Any]:
        value = data.get(where[-1], {})
        if not isinstance(value, dict):
            raise self.fail(where, f"must be a table, written [{'.'.join(where)}]")
        return value

    def text(
        self, data: Mapping[str, Any], where: tuple[str, ...], *, required: bool = False
    ) -> str | None:
        value = data.get(where[-1])
        if value is None and required:
            raise self.fail(where, "is required")
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise self.fail(where, "must be text in quotes")
        return value

    def integer(
        self, data: Mapping[str, Any], where: tuple[str, ...], *, minimum: int, maximum: int
    ) -> int:
        value = self.optional_integer(data, where, minimum=minimum, maximum=maximum)
        if value is None:
            raise self.fail(where, "is required")
        return value

    def optional_integer(
        self,
        data: Mapping[str, Any],
        where: tuple[str, ...],
        *,
        minimum: int,
        maximum: int | None = None,
    ) -> int | None:
        value = data.get(where[-1])
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, "must be a whole number, not in quotes")
        if value < minimum or (maximum is not None and value > maximum):
            top = f" and at most {maximum}" if maximum is not None else ""
            raise self.fail(where, f"must be at least {minimum}{top}, not {value}")
        return value

    def boolean(self, data: Mapping[str, Any], where: tuple[str, ...], default: bool) -> bool:
        value = data.get(where[-1], default)
        if not isinstance(value, bool):
            raise self.fail(where, "must be true or false, not in quotes")
        return value

    def strings(self, data: Mapping[str, Any], where: tuple[str, ...]) -> list[str]:
        value = data.get(where[-1], [])
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            raise self.fail(where, 'must be a list of text, like ["a", "b"]')
        return [item.strip() for item in value]

    def codes(
        self, data: Mapping[str, Any], where: tuple[str, ...], form: re.Pattern[str], what: str
    ) -> list[str]:
        codes = [code.upper() for code in self.strings(data, where)]
        for code in codes:
            if not form.fullmatch(code):
                raise self.fail(where, f"{code!r} is not {what}")
        return codes

    def service(self, name: str, where: tuple[str, ...]) -> Service:
        try:
            return Service(name)
        except ValueError:
            known = ", ".join(service.value for service in Service)
            raise self.fail(where, f"{name!r} is not a service; the services are {known}") from None

    def choice(
        self, data: Mapping[str, Any], where: tuple[str, ...], kind: type[E], default: E
    ) -> E:
        value = data.get(where[-1])
        if value is None:
            return default
        try:
            return kind(value)
        except ValueError:
            known = ", ".join(repr(item.value) for item in kind)
            raise self.fail(where, f"{value!r} is not one of {known}") from None
