"""UK phone numbers and postcodes (hiu.contact_formats): checked, and normalised so they can be
compared and searched."""

from __future__ import annotations

import pytest

from hiu import contact_formats


# Formats -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("07700 900982", "07700900982"),
        ("+44 7700 900 982", "07700900982"),
        ("+44 (0)20 7946 0123", "02079460123"),
        ("0044 1632 960001", "01632960001"),
        ("(01632) 960-001", "01632960001"),
        ("0808 157 0192", "08081570192"),
    ],
)
def test_uk_phone_numbers_are_normalised_to_national_digits(typed: str, digits: str) -> None:
    assert contact_formats.phone_digits(typed) == digits


@pytest.mark.parametrize(
    "typed", ["", "12345", "7700 900982", "+1 212 555 0100", "07700 9009822", "0770O 900982"]
)
def test_what_is_not_a_uk_phone_number_is_refused(typed: str) -> None:
    with pytest.raises(contact_formats.NotAPhoneNumber):
        contact_formats.phone_digits(typed)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("  e8  1aa ", "E8 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("cr26xh", "CR2 6XH"),
    ],
)
def test_postcodes_are_capitals_with_one_space(typed: str, shown: str) -> None:
    assert contact_formats.postcode(typed) == shown


@pytest.mark.parametrize("typed", ["", "SW1A", "1AA SW1", "SW1A 1AAA", "E8 1A!"])
def test_what_is_not_a_postcode_is_refused(typed: str) -> None:
    with pytest.raises(contact_formats.NotAPostcode):
        contact_formats.postcode(typed)


@pytest.mark.parametrize(
    ("typed", "digits"),
    [("07700 900 982", "07700900982"), ("+44 7700", "07700"), ("(020) 7946", "0207946")],
)
def test_what_is_typed_in_a_search_becomes_digits_to_look_for(typed: str, digits: str) -> None:
    assert contact_formats.search_digits(typed) == digits
