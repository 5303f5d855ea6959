"""What letters say: the placeholders a template may use and each kind's default wording.

Placeholders are written ``{client_name}``. They are filled in by plain substitution, never by
``str.format``: a template is text a service edits, and must not reach into Python objects.

The default wording is what a new service starts with; the service lead edits it on the letter
templates page. Letters to the client never say "discharge" (001 §4: people hear rejection).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from hiu.web.contacts.models import LetterKind

PLACEHOLDERS: dict[str, str] = {
    "client_name": "The client's full name",
    "client_given_name": "The client's given name",
    "date_of_birth": "The client's date of birth, like 5 March 1970",
    "nhs_number": "The client's NHS number, like 999 000 0018",
    "gp_practice": "The client's GP practice, by name where the service has loaded it",
    "worker_name": "The client's case manager (or whoever makes the letter, if none)",
    "service_name": "Your service's name",
    "service_phone": "Your service's phone number (Service contact details)",
    "service_address": "Your service's address (Service contact details)",
    "today": "The day the letter is made",
    "phase": "Where the client is in the pathway, like contacting or holding",
}

# Anything in single braces: a placeholder, or a mistake the service must put right.
_BRACED = re.compile(r"\{([^{}\n]*)\}")


def unknown_placeholders(text: str) -> list[str]:
    """The ``{names}`` in ``text`` that are not placeholders, in the order they appear."""
    unknown: list[str] = []
    for match in _BRACED.finditer(text):
        name = match.group(1)
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    return unknown


def placeholder_problem(text: str) -> str | None:
    """The message to show when ``text`` uses a placeholder letters do not know, else None."""
    unknown = unknown_placeholders(text)
    if not unknown:
        return None
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    named = " and ".join(f"{{{name}}}" for name in unknown)
    verb = "is not a placeholder" if len(unknown) == 1 else "are not placeholders"
    return f"{named} {verb} letters know. Use one of {known}"


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each known placeholder replaced by its value."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return values[name] if name in values else match.group(0)

    return _BRACED.sub(replace, text)


_SIGN_OFF = "{worker_name}\n{service_name}"

_GP_REFERENCE = "Re: {client_name}, born {date_of_birth}, NHS number {nhs_number}"

DEFAULTS: dict[str, tuple[str, str]] = {
    LetterKind.CLIENT_NO_CONTACT: (
        "We have been trying to reach you",
        "Dear {client_given_name},\n\n"
        "We are {service_name}, a small team that works alongside the hospital and your GP. "
        "We support people who have needed A&E or the ambulance service a lot lately, and we "
        "have been trying to get in touch with you by phone to offer you some support.\n\n"
        "We have not managed to speak to you, so we are writing instead. We are sorry if our "
        "calls came at a difficult time.\n\n"
        "There is nothing you need to do. If you would like to talk, now or later, please call "
        "us and ask for {worker_name}. It is up to you, and we would be glad to hear from you.\n\n"
        "We have let your GP know that we have written to you.\n\n"
        "With best wishes,\n\n" + _SIGN_OFF,
    ),
    LetterKind.GP_NO_CONTACT: (
        "We have not been able to reach your patient",
        "Dear colleague,\n\n" + _GP_REFERENCE + "\n\n"
        "Your patient was accepted by {service_name}, the High Intensity Use service, which "
        "supports people who use urgent and emergency care often. We have tried to contact them "
        "several times but have not been able to speak to them.\n\n"
        "We have written to them today, offering support and inviting them to get in touch "
        "whenever they are ready. If they contact you, or you can help us reach them, we would "
        "be grateful if you would let us know or encourage them to call us.\n\n"
        "They can be referred back to us at any time.\n\n"
        "Kind regards,\n\n" + _SIGN_OFF,
    ),
    LetterKind.GP_ACCEPTED: (
        "Your patient is now supported by {service_name}",
        "Dear colleague,\n\n" + _GP_REFERENCE + "\n\n"
        "We are writing to let you know that your patient has been accepted by {service_name}, "
        "the High Intensity Use service. We work with people who attend A&E or call for help "
        "often, to understand what lies behind it and to connect them with support in their "
        "community.\n\n"
        "{worker_name} will be their named worker. We would welcome any information that would "
        "help us support them, such as their current health problems, medication and the other "
        "services involved in their care.\n\n"
        "We will keep you updated. Please contact us with any questions or concerns.\n\n"
        "Kind regards,\n\n" + _SIGN_OFF,
    ),
    LetterKind.GP_STEP_DOWN: (
        "Your patient's plan as our support steps down",
        "Dear colleague,\n\n" + _GP_REFERENCE + "\n\n"
        "Your patient has been working with {service_name} and is now ready to carry on with "
        "less support from us. We have agreed a plan together, which is enclosed: it sets out "
        "what helps them, who they can turn to, and what to do when things get difficult.\n\n"
        "We will keep an eye on their use of urgent care for the months ahead. If they need us "
        "again, they can contact us directly, or you can refer them back, and we will respond "
        "quickly.\n\n"
        "Thank you for your support.\n\n"
        "Kind regards,\n\n" + _SIGN_OFF,
    ),
    LetterKind.CLIENT_STEP_DOWN: (
        "Carrying on with your plan",
        "Dear {client_given_name},\n\n"
        "It has been good working with you. You have made real changes, and you now have people "
        "and places around you that you can turn to.\n\n"
        "From now on we will be in touch less often. Your plan is enclosed: keep it somewhere "
        "handy. We have sent a copy to your GP so that they know what helps you.\n\n"
        "If things become difficult, you can call us at any time and ask for {worker_name}. You "
        "do not need to go to A&E to get our support: we are still here for you.\n\n"
        "With best wishes,\n\n" + _SIGN_OFF,
    ),
}
