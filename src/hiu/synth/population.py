"""The synthetic people: who they are, where they live, and when they die.

The geography is made once per population (the "world"): small areas (LSOAs, about 1,200
adults each) with a deprivation decile drawn so that each decile holds about a tenth of the
areas, as the Index of Multiple Deprivation does by construction; postcode districts grouping
20 areas; GP practices of about 7,000 adults; and the nearest of three acute trusts.

People are made in chunks. Each person has an age at the start (ONS age structure of English
adults), a stated gender, an area, a care home flag (about 14% of people aged 85+), a gamma
frailty (mean 1) that raises all their use, a sickle cell disease flag, and a time of death
drawn from a Gompertz hazard (about 1% of adults die each year; care home residents three times
as often as others of their age).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from hiu.synth import names
from hiu.synth.codes import TRUST_SHARES
from hiu.synth.nhs_number import CAPACITY
from hiu.synth.parameters import AGE_BAND_EDGES, ModelParameters
from hiu.synth.timeline import DAYS_PER_YEAR, MINUTES_PER_DAY, Timeline

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
SmallArray = npt.NDArray[np.uint8]

#: Stated gender codes (NHS Data Dictionary "person stated gender code").
SEX_CODES: tuple[str, ...] = ("1", "2", "9", "X")
SEX_MALE, SEX_FEMALE = 0, 1

# English postcode areas; a synthetic catchment uses the first few, a national run them all.
_POSTCODE_AREAS: tuple[str, ...] = names.words(
    """
    LS M B S L NE BS NG LE CV SO PO BN EX PL YO HU DN WF BD HX HD OL BL WN PR BB LA CA DH
    SR TS DL HG ST WS WV DY TF HR WR GL OX RG SL HP MK NN PE CB IP NR CO CM SS ME CT TN RH
    GU KT SM CR BR DA RM IG EN HA UB TW WD AL SG LU SN BA TA DT BH SP E N SE SW W NW
    """
)
# Letters that may end a postcode (the inward code never uses C, I, K, M, O or V).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_PRACTICE_LETTERS = "ABCDEFGHJKLMNPY"
_NO_DEATH = np.iinfo(np.int64).max


@dataclass(frozen=True)
class World:
    """The fixed geography of one population."""

    lsoa_imd: SmallArray
    lsoa_trust: SmallArray
    lsoa_practice: IntArray
    #: Code of each area (E01 and six digits).
    lsoa_codes: pl.Series
    #: Postcode of each area up to the unit letters: district, space and sector digit.
    postcode_prefix: pl.Series
    practice_codes: pl.Series
    nhs_offset: int

    @property
    def lsoa_count(self) -> int:
        return int(self.lsoa_imd.size)


def make_world(adults: int, parameters: ModelParameters, rng: np.random.Generator) -> World:
    """The geography for a population of ``adults``."""
    n_lsoa = max(1, round(adults / parameters.adults_per_lsoa))
    n_district = max(1, -(-n_lsoa // parameters.lsoas_per_district))
    n_practice = max(1, round(adults / parameters.adults_per_practice))
    imd = rng.integers(1, 11, n_lsoa).astype(np.uint8)
    first_lsoa = int(rng.integers(1, 999_999 - n_lsoa)) if n_lsoa < 999_000 else 1
    areas_used = max(1, min(len(_POSTCODE_AREAS), -(-n_district // 25)))
    district_codes = tuple(
        f"{_POSTCODE_AREAS[d % areas_used]}{d // areas_used + 1}" for d in range(n_district)
    )
    practice_numbers = rng.choice(100_000, size=n_practice, replace=n_practice > 100_000)
    practice_letters = rng.integers(0, len(_PRACTICE_LETTERS), n_practice)
    practice_codes = tuple(
        f"{_PRACTICE_LETTERS[int(letter)]}{int(number):05d}"
        for letter, number in zip(practice_letters, practice_numbers, strict=True)
    )
    # Practices sit among the areas they serve: area k's practices are those nearest to it
    # in the ordering, so neighbours share practices.
    lsoa_practice = (np.arange(n_lsoa, dtype=np.int64) * n_practice) // n_lsoa
    lsoa_numbers = np.arange(first_lsoa, first_lsoa + n_lsoa, dtype=np.int64)
    district = np.arange(n_lsoa, dtype=np.int64) // parameters.lsoas_per_district
    sector = rng.integers(0, 10, n_lsoa)
    return World(
        lsoa_imd=imd,
        lsoa_trust=rng.choice(len(TRUST_SHARES), size=n_lsoa, p=TRUST_SHARES).astype(np.uint8),
        lsoa_practice=lsoa_practice,
        lsoa_codes=pl.Series([f"E01{number:06d}" for number in lsoa_numbers]),
        postcode_prefix=pl.Series(
            [f"{district_codes[d]} {k}" for d, k in zip(district, sector, strict=True)]
        ),
        practice_codes=pl.Series(practice_codes),
        nhs_offset=int(rng.integers(0, CAPACITY)),
    )


@dataclass(frozen=True)
class People:
    """One chunk of people, as arrays with one entry per person."""

    index: IntArray
    age: FloatArray
    band: IntArray
    sex: IntArray
    lsoa: IntArray
    imd: SmallArray
    care_home: BoolArray
    sickle_cell: BoolArray
    frailty: FloatArray
    #: Personal proneness to crises (lognormal, mean 1).
    proneness: FloatArray
    #: Minute of death since the start, or the largest int64 if alive at the end.
    death_minute: IntArray

    @property
    def size(self) -> int:
        return int(self.index.size)


def make_people(
    first_index: int,
    count: int,
    world: World,
    timeline: Timeline,
    parameters: ModelParameters,
    rng: np.random.Generator,
) -> People:
    """The people numbered ``first_index`` to ``first_index + count - 1``."""
    shares = np.asarray(parameters.age_band_shares)
    band = rng.choice(len(shares), size=count, p=shares / shares.sum())
    low = np.array(AGE_BAND_EDGES, dtype=np.float64)[band]
    high = np.array((*AGE_BAND_EDGES[1:], 95), dtype=np.float64)[band]
    age = low + rng.random(count) * (high - low)
    oldest = band == len(AGE_BAND_EDGES) - 1
    # Ages 85+ thin out quickly: an exponential tail instead of a flat band.
    age[oldest] = np.minimum(85.0 + rng.exponential(5.5, int(oldest.sum())), 104.9)
    sex = rng.choice(4, size=count, p=np.asarray(parameters.sex_shares)).astype(np.int64)
    lsoa = rng.integers(0, world.lsoa_count, count)
    care_home = rng.random(count) < np.asarray(parameters.care_home_by_band)[band]
    sickle_cell = (rng.random(count) < parameters.sickle_cell_share) & (age < 65)
    frailty = rng.gamma(parameters.frailty_shape, 1.0 / parameters.frailty_shape, count)
    sigma = parameters.proneness_sigma
    proneness = rng.lognormal(-0.5 * sigma**2, sigma, count)

    # Gompertz hazard h(t) = h0 * exp(b * t) from age a: invert its cumulative hazard at an
    # exponential draw to get the time of death.
    hazard = np.exp(parameters.mortality_intercept + parameters.mortality_slope * age)
    hazard *= np.where(care_home, parameters.care_home_mortality, 1.0)
    hazard *= np.sqrt(frailty)
    slope = parameters.mortality_slope
    years_to_death = np.log1p(slope * rng.exponential(1.0, count) / hazard) / slope
    minutes = years_to_death * DAYS_PER_YEAR * MINUTES_PER_DAY
    death_minute = np.where(minutes < timeline.minutes, minutes.astype(np.int64), _NO_DEATH).astype(
        np.int64
    )

    return People(
        index=np.arange(first_index, first_index + count, dtype=np.int64),
        age=age,
        band=band.astype(np.int64),
        sex=sex,
        lsoa=lsoa.astype(np.int64),
        imd=world.lsoa_imd[lsoa],
        care_home=care_home,
        sickle_cell=sickle_cell,
        frailty=frailty,
        proneness=proneness,
        death_minute=death_minute,
    )


_GIVEN_NAMES = pl.Series(
    [*names.GIVEN_NAMES_MALE, *names.GIVEN_NAMES_FEMALE, *names.GIVEN_NAMES_ANY]
)
_FAMILY_NAMES = pl.Series(names.FAMILY_NAMES)
# Every pair of closing letters of an inward code, and every phone number in Ofcom's range for
# drama (07700 900000 to 07700 900999), so rows are made by lookup, not string building.
_UNIT_LETTERS = pl.Series([a + b for a in _INWARD_LETTERS for b in _INWARD_LETTERS])
_PHONES = pl.Series([f"07700 900{n:03d}" for n in range(1000)])
_SEXES = pl.Series(SEX_CODES)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _zipf_choice(count: int, exponent: float, size: int, rng: np.random.Generator) -> IntArray:
    cdf = np.cumsum(names.zipf_weights(count, exponent))
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), count - 1)


def people_frame(
    people: People,
    world: World,
    timeline: Timeline,
    nhs_numbers: IntArray,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """The ``people.csv`` rows of a chunk, in the documented column order."""
    n = people.size
    n_male, n_female = len(names.GIVEN_NAMES_MALE), len(names.GIVEN_NAMES_FEMALE)
    n_any = len(names.GIVEN_NAMES_ANY)
    given = np.select(
        [people.sex == SEX_MALE, people.sex == SEX_FEMALE],
        [_zipf_choice(n_male, 0.9, n, rng), n_male + _zipf_choice(n_female, 0.9, n, rng)],
        n_male + n_female + _zipf_choice(n_any, 0.9, n, rng),
    )
    family = _zipf_choice(len(names.FAMILY_NAMES), 0.7, n, rng)

    start_ordinal = timeline.start.toordinal()
    age_days = np.floor(people.age * DAYS_PER_YEAR).astype(np.int64)
    unit = rng.integers(0, _UNIT_LETTERS.len(), n)
    practice = np.minimum(
        world.lsoa_practice[people.lsoa] + rng.integers(0, 2, n), world.practice_codes.len() - 1
    )
    phone = _PHONES.gather(rng.integers(0, _PHONES.len(), n))
    phone = phone.scatter(np.flatnonzero(rng.random(n) >= 0.92), None)

    alive = people.death_minute == _NO_DEATH
    death_days = np.where(alive, 0, people.death_minute // MINUTES_PER_DAY)
    death = pl.Series(start_ordinal + death_days - _EPOCH_ORDINAL).scatter(
        np.flatnonzero(alive), None
    )

    return pl.DataFrame(
        {
            "nhs_number": nhs_numbers,
            "given_name": _GIVEN_NAMES.gather(given),
            "family_name": _FAMILY_NAMES.gather(family),
            "date_of_birth": pl.Series(start_ordinal - age_days - _EPOCH_ORDINAL).cast(pl.Date),
            "sex": _SEXES.gather(people.sex),
            "postcode": world.postcode_prefix.gather(people.lsoa) + _UNIT_LETTERS.gather(unit),
            "lsoa_code": world.lsoa_codes.gather(people.lsoa),
            "imd_decile": people.imd,
            "gp_practice_code": world.practice_codes.gather(practice),
            "phone": phone,
            "care_home": people.care_home,
            "date_of_death": death.cast(pl.Date),
        }
    )
