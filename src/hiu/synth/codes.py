"""Code values written into the synthetic extracts, and what each one means.

SNOMED CT codes are those the Emergency Care Data Set (ECDS) uses, from NHS England's ECDS
Enhanced Technical Output Specification (ETOS) code sets as found in public analysis code:

- arrival mode (``EC_ARRIVAL_MODE``): 1048071000000103 own transport, 1048061000000105 public
  transport, 1048031000000100 emergency road ambulance, 1048041000000109 emergency road
  ambulance with medical escort, 1048001000000106 police transport, 1047991000000102 prison
  transport;
- acuity (``EC_ACUITY``, Manchester Triage style levels 1-5): 1064891000000107 immediate
  resuscitation, 1064911000000105 very urgent, 1064901000000108 urgent, 1077241000000103
  standard, 1077251000000100 low acuity;
- discharge destination: 306689006 home, 306706006 ward, 1066391000000105 intensive care,
  1066371000000106 coronary care, 1066361000000104 high dependency, 1066341000000100 ambulatory
  emergency care, 306694006 nursing home, 306691003 residential home, 306705005 police custody,
  19712007 transfer to another health care facility, 305398007 mortuary (died in department).

Chief complaints and diagnoses are SNOMED CT concepts in the ECDS chief-complaint and diagnosis
lists (for example 29857009 chest pain, 248062006 self-injurious behaviour, 25702006 alcohol
intoxication, 195951007 acute exacerbation of COPD, 127040003 sickle cell (Hb SS) disease, 14094001
hyperemesis gravidarum, 225358003 wound care). Admission diagnoses are ICD-10 (5th edition, as
used in Hospital Episode Statistics) and admission methods are NHS Data Dictionary codes:
emergency 21 (via the emergency department of this provider), 22 (GP), 23 (bed bureau),
24 (consultant clinic), 25 (mental health crisis resolution team), 2A (emergency department of
another provider), 2B (transfer from another provider), 2D (other emergency), 28 (other means);
elective 11 (waiting list), 12 (booked), 13 (planned).

Site codes are shaped like ODS site codes (a three-character trust code and a two-digit site
number) for a fictional health economy: three acute trusts and a mental health trust.
"""

from __future__ import annotations

from dataclasses import dataclass

# ECDS arrival modes.
ARRIVAL_OWN_TRANSPORT = "1048071000000103"
ARRIVAL_PUBLIC_TRANSPORT = "1048061000000105"
ARRIVAL_EMERGENCY_AMBULANCE = "1048031000000100"
ARRIVAL_AMBULANCE_MEDICAL_ESCORT = "1048041000000109"
ARRIVAL_POLICE = "1048001000000106"

# ECDS acuity, most to least urgent.
ACUITY_CODES: tuple[str, ...] = (
    "1064891000000107",
    "1064911000000105",
    "1064901000000108",
    "1077241000000103",
    "1077251000000100",
)

# ECDS discharge destinations.
DESTINATION_HOME = "306689006"
DESTINATION_WARD = "306706006"
DESTINATION_ICU = "1066391000000105"
DESTINATION_CCU = "1066371000000106"
DESTINATION_HDU = "1066361000000104"
DESTINATION_AMBULATORY = "1066341000000100"
DESTINATION_NURSING_HOME = "306694006"
DESTINATION_RESIDENTIAL_HOME = "306691003"
DESTINATION_POLICE_CUSTODY = "306705005"
DESTINATION_TRANSFER = "19712007"
DESTINATION_MORTUARY = "305398007"

WOUND_CARE_COMPLAINT = "225358003"

# ECDS attendance category.
# EMERGENCY CARE ATTENDANCE CATEGORY (NHS Data Dictionary): 1 unplanned first attendance,
# 2 unplanned follow-up at this department, 3 unplanned follow-up at another department,
# 4 planned follow-up.
CATEGORY_UNPLANNED_FIRST = 1
CATEGORY_UNPLANNED_FOLLOW_UP = 2
CATEGORY_PLANNED_FOLLOW_UP = 4


@dataclass(frozen=True)
class Presentation:
    """One kind of emergency presentation: what the person came with and what they had.

    ``admit`` multiplies the age-based chance that an attendance ends in admission;
    ``mental_health_ward`` is the share of those admissions that go to a mental health bed.
    """

    key: str
    chief_complaint: str
    diagnosis: str
    icd10: str
    weight: float
    admit: float = 1.0
    mental_health_ward: float = 0.0
    wound: bool = False


_P = Presentation

# Everyday presentations by age and sex, outside any crisis.
_YOUNG_COMMON: tuple[Presentation, ...] = (
    _P("head_injury", "82271004", "82271004", "S06.0", 5, admit=0.5),
    _P("laceration", "312608009", "312608009", "S61.9", 9, admit=0.1, wound=True),
    _P("limb_injury", "125667009", "125667009", "S93.4", 12, admit=0.2),
    _P("abdominal_pain", "21522001", "21522001", "R10.4", 10, admit=1.2),
    _P("chest_pain", "29857009", "29857009", "R07.4", 6, admit=0.8),
    _P("headache", "25064002", "37796009", "G43.9", 5, admit=0.4),
    _P("back_pain", "161891005", "279039007", "M54.5", 5, admit=0.3),
    _P("cellulitis", "65124004", "128045006", "L03.1", 3, admit=1.0, wound=True),
    _P("asthma", "267036007", "195967001", "J45.9", 3, admit=1.0),
    _P("urinary_infection", "21522001", "4009004", "N39.0", 3, admit=0.6),
    _P("anxiety", "48694002", "197480006", "F41.1", 3, admit=0.2),
    _P("seizure", "91175000", "84757009", "G40.9", 1.5, admit=1.5),
)
PROFILE_YOUNG_FEMALE: tuple[Presentation, ...] = (
    *_YOUNG_COMMON,
    _P("hyperemesis", "422400008", "14094001", "O21.0", 2, admit=1.5),
    _P("pregnancy_bleeding", "289530006", "289530006", "O20.0", 2, admit=0.8),
)
PROFILE_YOUNG_MALE: tuple[Presentation, ...] = _YOUNG_COMMON
PROFILE_MIDDLE: tuple[Presentation, ...] = (
    _P("chest_pain", "29857009", "29857009", "R07.4", 12, admit=1.0),
    _P("angina", "29857009", "194828000", "I20.9", 2, admit=2.5),
    _P("abdominal_pain", "21522001", "21522001", "R10.4", 11, admit=1.2),
    _P("limb_injury", "125667009", "125667009", "S93.4", 9, admit=0.3),
    _P("laceration", "312608009", "312608009", "S61.9", 6, admit=0.1, wound=True),
    _P("cellulitis", "65124004", "128045006", "L03.1", 4, admit=1.2, wound=True),
    _P("breathless", "267036007", "50417007", "J22", 6, admit=1.5),
    _P("back_pain", "161891005", "279039007", "M54.5", 6, admit=0.4),
    _P("dizziness", "404640003", "404640003", "R42", 4, admit=0.8),
    _P("urinary_infection", "21522001", "4009004", "N39.0", 3, admit=0.9),
    _P("atrial_fibrillation", "80313002", "49436004", "I48.9", 2, admit=1.8),
    _P("hypoglycaemia", "302866003", "302866003", "E16.2", 1, admit=1.0),
)
PROFILE_OLDER: tuple[Presentation, ...] = (
    _P("fall", "161898004", "125667009", "R29.6", 14, admit=0.8),
    _P("hip_fracture", "161898004", "5913000", "S72.0", 3, admit=3.0),
    _P("breathless", "267036007", "50417007", "J22", 9, admit=1.4),
    _P("pneumonia", "267036007", "233604007", "J18.9", 5, admit=2.0),
    _P("chest_pain", "29857009", "29857009", "R07.4", 8, admit=1.0),
    _P("heart_failure", "267036007", "84114007", "I50.9", 4, admit=2.0),
    _P("urinary_infection", "21522001", "4009004", "N39.0", 6, admit=1.3),
    _P("syncope", "271594007", "271594007", "R55", 5, admit=1.2),
    _P("abdominal_pain", "21522001", "21522001", "R10.4", 6, admit=1.3),
    _P("unwell", "367391008", "367391008", "R53", 5, admit=1.0),
    _P("cellulitis", "65124004", "128045006", "L03.1", 3, admit=1.2, wound=True),
    _P("laceration", "312608009", "312608009", "S51.9", 3, admit=0.2, wound=True),
)

# Crises: the presentations that dominate an episode of high use.
PROFILE_ALCOHOL: tuple[Presentation, ...] = (
    _P("alcohol_intoxication", "25702006", "25702006", "F10.0", 14, admit=0.5),
    _P("alcohol_withdrawal", "25702006", "8635005", "F10.3", 4, admit=1.6),
    _P("alcohol_head_injury", "82271004", "82271004", "S06.0", 4, admit=0.8),
    _P("alcohol_fall", "161898004", "125667009", "F10.0", 3, admit=0.5),
    _P("alcohol_abdominal_pain", "21522001", "197456007", "K85.2", 2, admit=2.5),
    _P("alcoholic_liver_disease", "21522001", "41309000", "K70.3", 1.5, admit=2.5),
    _P("alcohol_laceration", "312608009", "312608009", "S01.9", 3, admit=0.2, wound=True),
    _P("alcohol_seizure", "91175000", "84757009", "F10.3", 1, admit=2.0),
)
PROFILE_MENTAL_HEALTH: tuple[Presentation, ...] = (
    _P("overdose", "55680006", "55680006", "T39.1", 9, admit=1.4, mental_health_ward=0.1),
    _P("self_harm_cut", "248062006", "312608009", "T14.1", 6, admit=0.3, wound=True),
    _P(
        "suicidal_thoughts",
        "6471006",
        "6471006",
        "F32.9",
        7,
        admit=1.2,
        mental_health_ward=0.8,
    ),
    _P("anxiety_panic", "48694002", "225624000", "F41.0", 8, admit=0.2),
    _P("low_mood", "272022009", "35489007", "F32.9", 4, admit=0.8, mental_health_ward=0.7),
    _P("psychosis", "7011001", "69322001", "F20.9", 2, admit=2.5, mental_health_ward=0.9),
    _P(
        "personality_crisis", "248062006", "33449004", "F60.3", 2, admit=1.0, mental_health_ward=0.7
    ),
    _P("non_cardiac_chest_pain", "29857009", "29857009", "R07.4", 2, admit=0.6),
)
PROFILE_PAIN: tuple[Presentation, ...] = (
    _P("abdominal_pain", "21522001", "21522001", "R10.4", 10, admit=1.0),
    _P("back_pain", "161891005", "279039007", "M54.5", 8, admit=0.5),
    _P("headache", "25064002", "37796009", "G43.9", 4, admit=0.4),
    _P("chest_pain", "29857009", "29857009", "R07.4", 5, admit=0.8),
    _P("gastritis", "21522001", "4556007", "K29.7", 3, admit=0.8),
    _P("vomiting", "422400008", "422400008", "R11", 2, admit=0.8),
)
PROFILE_PHYSICAL: tuple[Presentation, ...] = (
    _P("copd_exacerbation", "267036007", "195951007", "J44.1", 12, admit=1.4),
    _P("copd_infection", "267036007", "50417007", "J44.0", 6, admit=1.5),
    _P("chest_pain", "29857009", "29857009", "R07.4", 7, admit=1.0),
    _P("angina", "29857009", "194828000", "I20.9", 3, admit=2.0),
    _P("heart_failure", "267036007", "84114007", "I50.9", 5, admit=2.0),
    _P("asthma", "267036007", "195967001", "J45.9", 3, admit=1.2),
    _P("hypoglycaemia", "302866003", "302866003", "E16.2", 2, admit=1.0),
    _P("urinary_infection", "21522001", "4009004", "N39.0", 2, admit=1.2),
)
PROFILE_SOCIAL: tuple[Presentation, ...] = (
    _P("fall_no_injury", "161898004", "125667009", "R29.6", 12, admit=0.5),
    _P("unwell", "367391008", "367391008", "R53", 8, admit=0.6),
    _P("chest_pain", "29857009", "29857009", "R07.4", 4, admit=0.7),
    _P("breathless", "267036007", "50417007", "J22", 4, admit=1.0),
    _P("dizziness", "404640003", "404640003", "R42", 4, admit=0.6),
    _P("anxiety", "48694002", "197480006", "F41.1", 3, admit=0.3),
    _P("leg_ulcer", "65124004", "128045006", "L97", 2, admit=0.5, wound=True),
)
PROFILE_PREGNANCY: tuple[Presentation, ...] = (
    _P("hyperemesis", "422400008", "14094001", "O21.1", 6, admit=1.2),
    _P("pregnancy_bleeding", "289530006", "289530006", "O20.0", 3, admit=0.8),
    _P("pregnancy_abdominal_pain", "21522001", "77386006", "O26.8", 3, admit=0.8),
)
PROFILE_SICKLE_CELL: tuple[Presentation, ...] = (
    _P("sickle_cell_crisis", "22253000", "127040003", "D57.0", 10, admit=1.6),
    _P("sickle_cell_chest", "29857009", "127040003", "D57.0", 1, admit=2.5),
)

#: Every presentation profile, in a fixed order: a profile's position is its number.
PROFILES: tuple[tuple[Presentation, ...], ...] = (
    PROFILE_YOUNG_FEMALE,
    PROFILE_YOUNG_MALE,
    PROFILE_MIDDLE,
    PROFILE_OLDER,
    PROFILE_ALCOHOL,
    PROFILE_MENTAL_HEALTH,
    PROFILE_PAIN,
    PROFILE_PHYSICAL,
    PROFILE_SOCIAL,
    PROFILE_PREGNANCY,
    PROFILE_SICKLE_CELL,
)


@dataclass(frozen=True)
class Site:
    """An urgent and emergency care site or an inpatient site."""

    code: str
    name: str
    department_type: str


#: Emergency care sites. Each acute trust has a type 01 department; most also run an urgent
#: treatment centre (type 03), and one runs an eye casualty (02), a walk-in centre (04) and a
#: same day emergency care unit (05).
ED_SITES: tuple[Site, ...] = (
    Site("RXH01", "Northgate General Hospital", "01"),
    Site("RXH02", "Northgate Urgent Treatment Centre", "03"),
    Site("RXH03", "Northgate Eye Casualty", "02"),
    Site("RXH04", "Northgate Same Day Emergency Care", "05"),
    Site("RYW01", "Eastbridge Royal Infirmary", "01"),
    Site("RYW02", "Eastbridge Urgent Treatment Centre", "03"),
    Site("RZK01", "Westmoor District Hospital", "01"),
    Site("RZK05", "Westmoor Walk-in Centre", "04"),
)
#: Trust of each emergency care site (index into ``ACUTE_SITES``).
ED_SITE_TRUST: tuple[int, ...] = (0, 0, 0, 0, 1, 1, 2, 2)
#: Inpatient sites of the three acute trusts: where their emergency departments admit to.
ACUTE_SITES: tuple[str, ...] = ("RXH01", "RYW01", "RZK01")
#: Mental health trust inpatient sites.
MENTAL_HEALTH_SITES: tuple[str, ...] = ("RVM10", "RVM12")
#: Share of the population whose nearest acute trust is each of the three.
TRUST_SHARES: tuple[float, ...] = (0.5, 0.3, 0.2)

#: Outcome of NHS 111 calls, with the share of calls (NHS England, IUC ADC, 2023-24 shape).
NHS111_DISPOSITIONS: tuple[tuple[str, float], ...] = (
    ("ambulance_dispatched", 0.11),
    ("attend_emergency_department", 0.12),
    ("attend_urgent_treatment_centre", 0.10),
    ("primary_care", 0.42),
    ("pharmacy", 0.06),
    ("dental", 0.04),
    ("self_care", 0.09),
    ("other_service", 0.06),
)
DISPOSITION_AMBULANCE = 0
DISPOSITION_EMERGENCY_DEPARTMENT = 1

AMBULANCE_OUTCOMES: tuple[str, ...] = ("hear_and_treat", "see_and_treat", "see_and_convey")
OUTCOME_CONVEY = 2
CALL_ORIGINS: tuple[str, ...] = ("999", "111", "hcp", "police", "other")
ORIGIN_999, ORIGIN_111, ORIGIN_HCP, ORIGIN_POLICE, ORIGIN_OTHER = range(5)

#: Admission methods for emergency admissions that do not come through an emergency
#: department, with their weights.
DIRECT_EMERGENCY_METHODS: tuple[tuple[str, float], ...] = (
    ("22", 0.45),
    ("23", 0.03),
    ("24", 0.17),
    ("2B", 0.10),
    ("2D", 0.15),
    ("28", 0.10),
)
CRISIS_TEAM_METHOD = "25"
VIA_THIS_ED_METHOD = "21"
VIA_OTHER_ED_METHOD = "2A"
ELECTIVE_METHODS: tuple[tuple[str, float], ...] = (("11", 0.6), ("12", 0.25), ("13", 0.15))
#: Primary diagnoses of planned (elective) spells.
ELECTIVE_DIAGNOSES: tuple[tuple[str, float], ...] = (
    ("H25.9", 0.14),
    ("M17.1", 0.10),
    ("K80.2", 0.08),
    ("Z51.1", 0.12),
    ("K57.3", 0.06),
    ("N40", 0.06),
    ("M16.1", 0.07),
    ("K40.9", 0.07),
    ("C50.9", 0.05),
    ("D25.9", 0.05),
    ("Z45.0", 0.05),
    ("I25.1", 0.05),
    ("R19.5", 0.10),
)
