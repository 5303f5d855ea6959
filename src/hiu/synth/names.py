"""Short lists of common given and family names in England and Wales.

Made up for this project from general knowledge of which names are common across generations
(ONS publishes baby-name and surname rankings; these lists follow their shape, not their
figures). Names are drawn with Zipf-like weights, so a few are common and most are rarer, and
no combination describes a real person: everything else about each person is random.
"""

from __future__ import annotations


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


GIVEN_NAMES_FEMALE: tuple[str, ...] = words(
    """
    Margaret Susan Sarah Elizabeth Emma Jennifer Patricia Karen Helen Linda Julie Claire
    Emily Laura Rebecca Jessica Sophie Hannah Olivia Amelia Charlotte Lucy Rachel Nicola
    Joanne Michelle Amanda Deborah Gillian Jacqueline Pauline Christine Barbara Jean Dorothy
    Joan Sandra Angela Lisa Kelly Gemma Chloe Megan Grace Ellie Aisha Fatima Priya Zainab
    Amina Chantelle Kirsty Samantha Victoria Katie Natalie Louise Anne Maureen Irene
    """
)

GIVEN_NAMES_MALE: tuple[str, ...] = words(
    """
    David John Michael Paul Andrew Mark James Robert Peter Richard Stephen Christopher
    Daniel Thomas Matthew Anthony Ian Gary Steven Kevin Simon Darren Lee Craig Jason Adam
    Ben Jack Oliver Harry George Joshua Samuel Liam Ryan Callum Connor Jamie Alan Brian
    Keith Kenneth Raymond Terence Derek William Charles Mohammed Ahmed Ali Hassan Imran
    Tariq Rajesh Sanjay Kwame Tomasz Piotr Patrick Sean
    """
)

#: For people whose stated gender is indeterminate or not known.
GIVEN_NAMES_ANY: tuple[str, ...] = words(
    """
    Alex Sam Jo Charlie Jordan Robin Jamie Frankie Morgan Kit Ashley Casey
    """
)

FAMILY_NAMES: tuple[str, ...] = words(
    """
    Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
    Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson
    Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan
    Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell
    Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan
    Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb
    Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes
    Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Okafor
    Mensah Nowak Kowalski O'Brien Ahmed
    """
)


def zipf_weights(count: int, exponent: float = 0.9) -> list[float]:
    """Weights ``1 / rank**exponent`` normalised to sum to one."""
    raw = [1.0 / (rank**exponent) for rank in range(1, count + 1)]
    total = sum(raw)
    return [weight / total for weight in raw]
