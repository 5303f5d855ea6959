"""The canonical extracts: the contract with BI teams (DESIGN §5), as data.

One :class:`Extract` per kind of file a service loads. The importer validates against these, the
activity store keeps their columns, and the synthetic population writes them. A column's
:class:`ColumnType` decides how its text is parsed and checked; ``codes`` lists the values a
coded column may take, where the set is small and fixed. SNOMED CT columns are checked for a
well-formed concept identifier (its Verhoeff check digit), not against a reference set, which
we cannot ship.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ColumnType(StrEnum):
    IDENTIFIER = "identifier"
    NHS_NUMBER = "nhs_number"
    TEXT = "text"
    CODE = "code"
    SNOMED = "snomed"
    ICD10 = "icd10"
    ODS = "ods"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    DECILE = "decile"


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    description: str
    required: bool = False
    codes: frozenset[str] | None = None


@dataclass(frozen=True)
class Extract:
    """One kind of extract.

    ``key`` is the identifier unique within a source: re-sending a row with the same key replaces
    the earlier one. ``start`` orders a person's events; ``end``, when set, must not come before
    ``start``.
    """

    kind: str
    title: str
    key: str
    columns: tuple[Column, ...]
    start: str | None = None
    end: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


#: Bookkeeping columns the importer adds beside a file's own. ``ROW`` is the row a person sees
#: in the file (a CSV's line, a spreadsheet's row); ``PROBLEM`` says why a row could not be read
#: cleanly; ``REASONS`` lists the rules a rejected row broke; ``BATCH`` is the import batch that
#: last wrote a stored row.
ROW = "_row"
PROBLEM = "_problem"
REASONS = "_reasons"
BATCH = "_batch"

T = ColumnType

#: NHS Data Dictionary PERSON STATED GENDER CODE.
SEX_CODES = frozenset({"1", "2", "9", "X"})
#: EMERGENCY CARE DEPARTMENT TYPE.
DEPARTMENT_TYPES = frozenset({"01", "02", "03", "04", "05"})
#: EMERGENCY CARE ATTENDANCE CATEGORY: 1 unplanned first attendance, 2 unplanned follow-up at
#: this department, 3 unplanned follow-up at another department, 4 planned follow-up.
ATTENDANCE_CATEGORIES = frozenset({"1", "2", "3", "4"})
PLANNED_FOLLOW_UP = "4"
CALL_ORIGINS = frozenset({"999", "111", "hcp", "police", "other"})
AMBULANCE_OUTCOMES = frozenset({"hear_and_treat", "see_and_treat", "see_and_convey"})
#: ADMISSION METHOD (HOSPITAL PROVIDER SPELL): elective 11-13, emergency 21-25, 2A-2D and 28,
#: maternity 31-32, other 81-83 (81 transfer, 82 and 83 babies born in or outside hospital).
EMERGENCY_ADMISSION_METHODS = frozenset(
    {"21", "22", "23", "24", "25", "2A", "2B", "2C", "2D", "28"}
)
ADMISSION_METHODS = EMERGENCY_ADMISSION_METHODS | {"11", "12", "13", "31", "32", "81", "82", "83"}
SETTINGS = frozenset({"acute", "mental_health"})

PEOPLE = Extract(
    kind="people",
    title="People (demographics)",
    key="nhs_number",
    columns=(
        Column("nhs_number", T.NHS_NUMBER, "NHS number, 10 digits", required=True),
        Column("given_name", T.TEXT, "Given name"),
        Column("family_name", T.TEXT, "Family name"),
        Column("date_of_birth", T.DATE, "Date of birth", required=True),
        Column("sex", T.CODE, "Stated gender code: 1, 2, 9 or X", codes=SEX_CODES),
        Column("postcode", T.TEXT, "Postcode of usual address"),
        Column("lsoa_code", T.TEXT, "Lower layer super output area of the address"),
        Column("imd_decile", T.DECILE, "Index of Multiple Deprivation decile, 1 (most) to 10"),
        Column("gp_practice_code", T.ODS, "ODS code of the registered GP practice"),
        Column("phone", T.TEXT, "Contact telephone number"),
        Column("care_home", T.BOOLEAN, "Lives in a care home: true or false"),
        Column("date_of_death", T.DATE, "Date of death, when known"),
    ),
)

ED_ATTENDANCES = Extract(
    kind="ed_attendances",
    title="A&E attendances (ECDS)",
    key="attendance_id",
    start="arrival_datetime",
    end="departure_datetime",
    columns=(
        Column("attendance_id", T.IDENTIFIER, "Attendance identifier", required=True),
        Column("nhs_number", T.NHS_NUMBER, "NHS number", required=True),
        Column("arrival_datetime", T.DATETIME, "Arrival date and time", required=True),
        Column("departure_datetime", T.DATETIME, "Departure date and time"),
        Column("site_code", T.ODS, "ODS site code", required=True),
        Column("department_type", T.CODE, "Emergency care department type", codes=DEPARTMENT_TYPES),
        Column(
            "attendance_category",
            T.CODE,
            "Attendance category: 1-3 unplanned, 4 planned follow-up",
            codes=ATTENDANCE_CATEGORIES,
        ),
        Column("arrival_mode", T.SNOMED, "Arrival mode (SNOMED CT)"),
        Column("chief_complaint", T.SNOMED, "Chief complaint (SNOMED CT)"),
        Column("diagnosis", T.SNOMED, "Primary diagnosis (SNOMED CT)"),
        Column("acuity", T.SNOMED, "Acuity (SNOMED CT)"),
        Column("discharge_destination", T.SNOMED, "Discharge destination (SNOMED CT)"),
    ),
)

AMBULANCE_INCIDENTS = Extract(
    kind="ambulance_incidents",
    title="Ambulance incidents (999)",
    key="incident_id",
    start="call_datetime",
    columns=(
        Column("incident_id", T.IDENTIFIER, "Incident identifier", required=True),
        Column("nhs_number", T.NHS_NUMBER, "NHS number", required=True),
        Column("call_datetime", T.DATETIME, "Date and time of the call", required=True),
        Column("call_origin", T.CODE, "999, 111, hcp, police or other", codes=CALL_ORIGINS),
        Column(
            "outcome",
            T.CODE,
            "hear_and_treat, see_and_treat or see_and_convey",
            codes=AMBULANCE_OUTCOMES,
        ),
        Column("conveyed_to_site", T.ODS, "ODS code of the site conveyed to"),
    ),
)

NHS111_CALLS = Extract(
    kind="nhs111_calls",
    title="NHS 111 calls",
    key="call_id",
    start="call_datetime",
    columns=(
        Column("call_id", T.IDENTIFIER, "Call identifier", required=True),
        Column("nhs_number", T.NHS_NUMBER, "NHS number", required=True),
        Column("call_datetime", T.DATETIME, "Date and time of the call", required=True),
        # 111 providers report dispositions in their own groupings (Dx codes or words), so the
        # column is kept as text rather than checked against a list.
        Column("disposition", T.TEXT, "Final disposition, as the provider reports it"),
    ),
)

ADMISSIONS = Extract(
    kind="admissions",
    title="Hospital admissions (spells)",
    key="spell_id",
    start="admission_datetime",
    end="discharge_datetime",
    columns=(
        Column("spell_id", T.IDENTIFIER, "Hospital provider spell identifier", required=True),
        Column("nhs_number", T.NHS_NUMBER, "NHS number", required=True),
        Column("admission_datetime", T.DATETIME, "Admission date and time", required=True),
        Column("discharge_datetime", T.DATETIME, "Discharge date and time; empty while open"),
        Column(
            "admission_method",
            T.CODE,
            "Admission method; emergency is 21-25, 2A-2D and 28",
            required=True,
            codes=ADMISSION_METHODS,
        ),
        Column("primary_diagnosis", T.ICD10, "Primary diagnosis (ICD-10)"),
        Column("setting", T.CODE, "acute or mental_health", codes=SETTINGS),
        Column("site_code", T.ODS, "ODS site code"),
    ),
)

EXTRACTS: dict[str, Extract] = {
    extract.kind: extract
    for extract in (PEOPLE, ED_ATTENDANCES, AMBULANCE_INCIDENTS, NHS111_CALLS, ADMISSIONS)
}
KINDS: tuple[str, ...] = tuple(EXTRACTS)
#: Kinds that hold events (everything but people), in the order timelines show them.
ACTIVITY_KINDS: tuple[str, ...] = tuple(kind for kind in KINDS if kind != "people")


def extract_for(kind: str) -> Extract:
    """The extract of ``kind``; a clear error naming the kinds there are otherwise."""
    try:
        return EXTRACTS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; the kinds are {', '.join(KINDS)}") from None
