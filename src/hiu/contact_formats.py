"""UK phone numbers and postcodes: checked, and normalised so they can be compared and searched.

A phone number is kept as typed (so a worker reads it as the client gave it) beside its digits in
national form (``07700900982``): ``+44 7700 900982``, ``07700 900 982`` and ``(07700) 900-982``
are the same number and are found by the same search. A postcode is kept in capitals with one
space before its last three characters (``sw1a1aa`` is ``SW1A 1AA``).

No Django here: the ingest and the search use these too.
"""

from __future__ import annotations

import re

#: What may separate the parts of a phone number as people write it.
_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
#: A UK number in national form: 0, then 9 or 10 digits (01xxx/02x/03/05/07/08 numbers).
_NATIONAL = re.compile(r"0[1-9]\d{8,9}")
#: The postcode format of the Royal Mail PAF: outward code (area, district) and inward code.
_POSTCODE = re.compile(r"([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})")

PHONE_EXAMPLE = "like 01632 960 001, 07700 900 982 or +44 808 157 0192"
POSTCODE_EXAMPLE = "like SW10 9NH"


class NotAPhoneNumber(ValueError):
    pass


class NotAPostcode(ValueError):
    pass


def phone_digits(text: str) -> str:
    """The number's digits in UK national form (``07700900982``), or ``NotAPhoneNumber``."""
    compact = _PHONE_PUNCTUATION.sub("", text.strip())
    if compact.startswith("+44"):
        compact = "0" + compact[3:].removeprefix("0")
    elif compact.startswith("0044"):
        compact = "0" + compact[4:].removeprefix("0")
    if not _NATIONAL.fullmatch(compact):
        raise NotAPhoneNumber(text)
    return compact


def search_digits(text: str) -> str:
    """Digits to look for in ``phone_digits`` from what someone typed in a search box: a
    leading +44 or 0044 becomes 0, every other non-digit is dropped."""
    compact = re.sub(r"[^\d+]", "", text)
    if compact.startswith("+44"):
        compact = "0" + compact[3:].removeprefix("0")
    elif compact.startswith("0044"):
        compact = "0" + compact[4:].removeprefix("0")
    return compact.replace("+", "")


def postcode(text: str) -> str:
    """The postcode in capitals with one space (``SW10 9NH``), or ``NotAPostcode``."""
    compact = "".join(text.upper().split())
    match = _POSTCODE.fullmatch(compact)
    if match is None:
        raise NotAPostcode(text)
    return f"{match[1]} {match[2]}"
