"""The numbers behind the synthetic population, in one place.

Rates are per person per year. They were tuned (by running the simulator, not fitted) so that a
catchment reproduces these published figures for England:

- adults attend A&E about 0.55 times a year, have about 0.2 ambulance incidents, make about 0.45
  calls to NHS 111 and have about 0.13 emergency admissions (NHS England A&E, AQI, IUC ADC and
  HES statistics, recent years, per adult);
- people attending A&E five or more times a year are about 0.67% of the population and make
  about 16% of A&E attendances, 29% of ambulance journeys and 26% of admissions (British Red
  Cross, "Nowhere else to turn", 2021);
- about 57% of ambulance incidents are conveyed to hospital, 30% are seen and treated and 13%
  are dealt with by phone (Ambulance Quality Indicators);
- high use is episodic: the top attenders of one quarter attend much less in the next one
  without any help (RightCare's HIU pack, 001; Roland et al., BMJ 2005).

Age bands are 18-24, 25-34, 35-44, 45-54, 55-64, 65-74, 75-84 and 85+.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

AGE_BAND_EDGES: tuple[int, ...] = (18, 25, 35, 45, 55, 65, 75, 85)

# Root kinds: independent processes that start a chain of linked events.
KIND_NHS111 = 0
KIND_AMBULANCE = 1
KIND_ED = 2
KIND_ADMISSION = 3
KIND_ELECTIVE = 4
N_KINDS = 5

# Crisis themes, in the order of their presentation profiles in ``codes.PROFILES`` from
# ``THEME_PROFILE_OFFSET`` on.
THEMES: tuple[str, ...] = (
    "alcohol",
    "mental_health",
    "pain",
    "physical",
    "social",
    "pregnancy",
    "sickle_cell",
)
THEME_PROFILE_OFFSET = 4
THEME_PHYSICAL = 3
THEME_PREGNANCY = 5
THEME_SICKLE_CELL = 6

Bands = tuple[float, float, float, float, float, float, float, float]
PerKind = tuple[float, float, float, float, float]
PerCrisisKind = tuple[float, float, float, float]


def _default_theme_age() -> tuple[Bands, ...]:
    return (
        (0.6, 1.0, 1.1, 1.1, 0.9, 0.5, 0.25, 0.1),  # alcohol
        (1.6, 1.3, 1.0, 0.8, 0.5, 0.3, 0.25, 0.2),  # mental health
        (0.8, 1.0, 1.0, 1.0, 0.8, 0.6, 0.5, 0.4),  # pain
        (0.05, 0.08, 0.15, 0.35, 0.8, 1.5, 2.5, 3.2),  # physical
        (0.0, 0.0, 0.0, 0.1, 0.3, 0.8, 2.0, 3.5),  # social (isolation, falls)
        (1.0, 1.0, 0.4, 0.0, 0.0, 0.0, 0.0, 0.0),  # pregnancy (women only)
        (1.0, 1.0, 1.0, 1.0, 0.8, 0.6, 0.4, 0.3),  # sickle cell (people with the disease)
    )


@dataclass(frozen=True)
class ModelParameters:
    """Every tunable number of the model. ``truth.json`` records them all."""

    # --- Population (ONS mid-year estimates for England, adults) ---
    age_band_shares: Bands = (0.105, 0.17, 0.165, 0.16, 0.155, 0.12, 0.085, 0.04)
    #: Stated gender 1 (male), 2 (female), 9 (indeterminate), X (not known).
    sex_shares: tuple[float, float, float, float] = (0.489, 0.509, 0.001, 0.001)
    #: Chance of living in a care home (2021 Census: about 15% of people aged 85+).
    care_home_by_band: Bands = (0.0, 0.0, 0.0, 0.0, 0.0005, 0.004, 0.025, 0.14)
    #: Chance of having sickle cell disease, under 65 (about 15,000 people in England).
    sickle_cell_share: float = 0.0004
    #: Gompertz mortality: yearly death hazard exp(a + b * age), England adults.
    mortality_intercept: float = -10.5
    mortality_slope: float = 0.0905
    care_home_mortality: float = 3.0
    adults_per_lsoa: int = 1200
    adults_per_practice: int = 7000
    lsoas_per_district: int = 20

    # --- Everyday use, outside any crisis ---
    #: Yearly rate at reference (25-34 band, middle deprivation, frailty 1) per root kind:
    #: 111 calls, ambulance incidents (not from 111), walk-in A&E (not from 111 or ambulance),
    #: direct emergency admissions and elective admissions.
    base_rate: PerKind = (0.40, 0.06, 0.32, 0.025, 0.075)
    age_multiplier: tuple[Bands, Bands, Bands, Bands, Bands] = (
        (1.3, 1.2, 1.0, 0.85, 0.8, 0.9, 1.2, 1.8),  # 111
        (0.8, 0.75, 0.75, 0.8, 0.95, 1.3, 2.4, 5.0),  # ambulance
        (1.15, 1.0, 0.9, 0.82, 0.8, 0.85, 1.15, 1.7),  # A&E walk-in
        (0.5, 0.55, 0.65, 0.85, 1.1, 1.7, 2.8, 4.0),  # direct emergency admission
        (0.3, 0.45, 0.6, 0.9, 1.3, 1.9, 2.2, 1.6),  # elective admission
    )
    care_home_multiplier: PerKind = (0.7, 3.0, 1.5, 1.8, 0.5)
    #: Yearly rate multiplier per deprivation decile away from the middle: exp(slope * (5.5 -
    #: decile)), so decile 1 (most deprived) uses about 1.7 times decile 10.
    imd_slope: float = 0.06
    #: Shape of the gamma frailty (mean 1) that makes some people use more all the time.
    frailty_shape: float = 9.0

    # --- Crisis episodes ---
    #: Yearly hazard of starting an episode of each theme at age weight 1 (sickle cell: for
    #: people with the disease, whatever their deprivation or frailty).
    theme_hazard: tuple[float, ...] = (0.00108, 0.00153, 0.00076, 0.00378, 0.00153, 0.00387, 3.0)
    theme_age: tuple[Bands, ...] = field(default_factory=_default_theme_age)
    #: Hazard multiplier for men (stated gender 1) per theme; women get 1.
    theme_male: tuple[float, ...] = (2.0, 0.7, 0.9, 1.1, 0.9, 0.0, 1.0)
    #: Deprivation gradient of the episode hazard: exp(slope * (5.5 - decile)), so decile 1
    #: starts crises about 4 times as often as decile 10.
    theme_imd_slope: float = 0.16
    #: Power of frailty in the episode hazard: frail people have more crises.
    theme_frailty_power: float = 0.7
    #: Lognormal spread of a personal proneness to crises (mean 1) multiplying every theme's
    #: hazard: some people have one crisis after another.
    proneness_sigma: float = 1.0
    #: Mean episode length in days per theme (gamma distributed).
    theme_duration_days: tuple[float, ...] = (60.0, 55.0, 45.0, 50.0, 60.0, 40.0, 9.0)
    episode_duration_shape: float = 2.0
    #: Extra yearly rate during an episode of each theme, per crisis kind (111, ambulance,
    #: walk-in A&E, direct emergency admission), at severity 1, while not in A&E or hospital.
    #: They look high because busy time cuts them short: a crisis admission stops new events
    #: until discharge.
    theme_rates: tuple[PerCrisisKind, ...] = (
        (31.0, 150.0, 124.0, 14.7),  # alcohol
        (83.0, 112.0, 124.0, 25.0),  # mental health
        (62.0, 49.0, 124.0, 10.0),  # pain
        (52.0, 150.0, 52.0, 40.0),  # physical
        (62.0, 199.0, 31.0, 10.0),  # social
        (62.0, 13.0, 83.0, 20.0),  # pregnancy
        (11.5, 23.0, 115.0, 27.6),  # sickle cell: short and intense
    )
    #: Multiplier of the chance that an attendance during an episode ends in admission, per
    #: theme: people in crisis are sicker than their everyday presentations suggest.
    theme_admission_multiplier: tuple[float, ...] = (3.5, 3.5, 2.5, 1.6, 2.5, 1.5, 1.6)
    #: Lognormal spread (sigma of the log) of an episode's severity, which has mean 1.
    severity_sigma: float = 1.3
    #: Episodes may start up to this many days before the simulated period.
    burn_in_days: float = 365.0
    #: Share of adults in persistent high use, and the severity of it (relative to an episode).
    persistent_share: float = 0.0005
    persistent_severity: float = 0.15
    #: Days of raised use before death, and its severity as a physical episode.
    end_of_life_days: float = 90.0
    end_of_life_severity: float = 0.08

    # --- Links between sources ---
    #: Chance that an A&E attendance ends in admission, by age band, before the presentation's
    #: own multiplier; arriving by ambulance multiplies it.
    ed_admission_by_band: Bands = (0.043, 0.048, 0.06, 0.077, 0.1, 0.14, 0.19, 0.22)
    ambulance_admission_multiplier: float = 1.5
    max_admission_probability: float = 0.9
    #: Chance of attending A&E after NHS 111 advised it.
    nhs111_ed_attend: float = 0.65
    #: Ambulance outcome shares (hear and treat, see and treat, see and convey).
    ambulance_outcomes: tuple[float, float, float] = (0.13, 0.30, 0.57)
    ambulance_outcomes_social: tuple[float, float, float] = (0.18, 0.47, 0.35)
    ambulance_outcomes_physical: tuple[float, float, float] = (0.07, 0.20, 0.73)
    #: Outcomes for frequent callers in an alcohol, mental health or pain crisis: more are
    #: dealt with by phone or at the scene.
    ambulance_outcomes_crisis: tuple[float, float, float] = (0.22, 0.36, 0.42)
    #: Chance that a wound presentation needs planned dressing follow-ups, and how many more
    #: than one (Poisson mean).
    wound_follow_up: float = 0.25
    wound_follow_up_extra: float = 0.3
    #: Chance that an unplanned attendance within 7 days of one for the same kind of problem
    #: is recorded as an unplanned follow-up (ECDS category 3).
    unplanned_follow_up: float = 0.6

    # --- Lengths of stay ---
    ed_minutes_median: float = 170.0
    ed_minutes_admitted_median: float = 330.0
    acute_same_day_share: float = 0.3
    acute_nights_median: float = 2.5
    #: Stays that begin in an alcohol, mental health, pain, pregnancy or sickle cell crisis.
    crisis_same_day_share: float = 0.45
    crisis_nights_median: float = 1.5
    mental_health_nights_median: float = 22.0
    elective_day_case_share: float = 0.7

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
