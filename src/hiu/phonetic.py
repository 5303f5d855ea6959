"""Sound-alike keys for names and normalised phone numbers and postcodes, for a search that
forgives spelling ("davis" finds DAVIES, "smyth" finds SMITH).

``soundex`` is American Soundex as the US National Archives describe it: the first letter, then
a digit for each following consonant group (B F P V = 1; C G J K Q S X Z = 2; D T = 3; L = 4;
M N = 5; R = 6), vowels (and Y) separating repeats, H and W not separating them, letters with
the same digit next to each other (the first letter included) written once, padded or cut to
four characters. ``name_key`` gives each word of a name its key, so "Smith-Jones" is found by
"smith" and by "jones".

Pure Python, no Django: the web app stores the keys on the client record.
"""

from __future__ import annotations

import re
import unicodedata

_CODES = {
    **dict.fromkeys("BFPV", "1"),
    **dict.fromkeys("CGJKQSXZ", "2"),
    **dict.fromkeys("DT", "3"),
    "L": "4",
    **dict.fromkeys("MN", "5"),
    "R": "6",
}
_SEPARATORS = set("AEIOUY")  # reset the last code: the same digit either side is written twice
_TRANSPARENT = set("HW")  # do not: the same digit either side is written once


def ascii_letters(text: str) -> str:
    """``text`` in capitals, accents taken off (É -> E), anything not a letter A-Z dropped."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z]", "", plain.upper())


def soundex(word: str) -> str:
    """The Soundex code of ``word`` ("Robert" -> "R163"); "" when it has no letters."""
    letters = ascii_letters(word)
    if not letters:
        return ""
    first = letters[0]
    code = [first]
    last = _CODES.get(first, "")
    for letter in letters[1:]:
        if letter in _TRANSPARENT:
            continue
        if letter in _SEPARATORS:
            last = ""
            continue
        digit = _CODES.get(letter, "")
        if digit and digit != last:
            code.append(digit)
        last = digit
    return ("".join(code) + "000")[:4]


def name_key(name: str) -> str:
    """The Soundex code of each word of ``name`` (split at spaces, hyphens and apostrophes),
    space-separated: "Smith-Jones" -> "S530 J520"."""
    codes = (soundex(word) for word in re.split(r"[\s\-'\u2019.]+", name))
    return " ".join(dict.fromkeys(code for code in codes if code))


def phone_key(text: str) -> str:
    """A UK phone number as its national digits, however written: "07700 900123",
    "+44 7700 900123", "0044 (0)7700-900123" -> "07700900123"; "" when it has no digits."""
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits


POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def postcode_key(text: str) -> str:
    """A postcode in capitals without spaces ("e8 1dy" -> "E81DY")."""
    return re.sub(r"\s+", "", text).upper()


def looks_like_postcode(text: str) -> bool:
    return bool(POSTCODE.match(postcode_key(text)))
