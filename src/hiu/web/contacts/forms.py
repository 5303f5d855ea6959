"""Contact, visit and letter-template forms. Messages follow the NHS.UK error message
guidance: they say what to do and name the field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone

from hiu import contact_formats
from hiu.web.contacts.letters import template_problems
from hiu.web.contacts.models import HOME, NEUTRAL_PREFIX, Channel, LetterKind
from hiu.web.contacts.services import MAX_DURATION_MINUTES, Seen
from hiu.web.forms import DateField

YES_NO = [("yes", "Yes"), ("no", "No")]
NO_CONTACT = "no_contact"  # the make-letter form's value for both no-contact letters

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def parse_time(text: str) -> dt.time | None:
    """A time of day as people type it: ``14:30``, ``14.30``, ``2:30pm``, ``2pm``."""
    match = _TIME.match(text.strip())
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower()
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _choice(required: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        error_messages={"required": required, "invalid_choice": required}, **kwargs
    )


class ContactForm(forms.Form):
    # Today's date may come with a time still to come: ``clean`` checks the two together and
    # puts the moment in ``cleaned_data["at"]``.
    at = DateField("the date of the contact", not_future=False)
    at_time = forms.CharField(required=False, max_length=10)
    channel = _choice("Select how you contacted them or tried to", choices=Channel.choices)
    reached = _choice("Select whether you reached them", choices=YES_NO)
    duration = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
        error_messages={
            "invalid": "Enter the duration in minutes as a whole number, like 20",
            "min_value": "The duration must be between 1 and 600 minutes",
            "max_value": "The duration must be between 1 and 600 minutes",
        },
    )
    note = forms.CharField(
        max_length=5000,
        error_messages={
            "required": "Enter a note about the contact or attempt",
            "max_length": "The note must be 5,000 characters or fewer",
        },
    )

    @classmethod
    def initial_now(cls) -> dict[str, Any]:
        now = timezone.localtime()
        return {"at": now.date(), "at_time": f"{now:%H:%M}"}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day: dt.date | None = cleaned.pop("at", None)
        time_text = str(cleaned.get("at_time") or "").strip()
        time: dt.time | None = None
        if not time_text:
            self.add_error("at_time", "Enter the time of the contact")
        else:
            time = parse_time(time_text)
            if time is None:
                self.add_error("at_time", "Enter the time of the contact like 14:30 or 2:30pm")
        if day is not None and time is not None:
            at = timezone.make_aware(dt.datetime.combine(day, time))
            if at > timezone.now():
                self.add_error(
                    "at_time", "The date and time of the contact must be now or in the past"
                )
            else:
                cleaned["at"] = at
        return cleaned


class CheckInForm(forms.Form):
    place = _choice(
        "Select where the visit is", choices=[("home", HOME), ("neutral", "A neutral place")]
    )
    neutral_place = forms.CharField(required=False, max_length=150)
    back_time = forms.CharField(required=False, max_length=10)
    escort = _choice("Select whether someone is going with you", choices=YES_NO)
    called_ahead = forms.BooleanField(required=False)
    risk_note = forms.CharField(
        max_length=5000,
        error_messages={
            "required": "Enter what the risk assessment found, or that there are no known risks",
            "max_length": "The risk note must be 5,000 characters or fewer",
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("place") == "neutral":
            where = str(cleaned.get("neutral_place") or "").strip()
            if not where:
                self.add_error("neutral_place", "Enter where the neutral place is")
            else:
                cleaned["place_text"] = NEUTRAL_PREFIX + where
        elif cleaned.get("place") == "home":
            cleaned["place_text"] = HOME
        text = str(cleaned.get("back_time") or "").strip()
        if not text:
            self.add_error("back_time", "Enter the time you expect to be back")
        else:
            time = parse_time(text)
            if time is None:
                self.add_error("back_time", "Enter the time you expect to be back like 15:30")
            else:
                back = timezone.make_aware(dt.datetime.combine(timezone.localdate(), time))
                if back <= timezone.now():
                    self.add_error(
                        "back_time", "The time you expect to be back must be later than now"
                    )
                else:
                    cleaned["expected_back_at"] = back
        return cleaned


class CheckOutForm(forms.Form):
    seen = _choice(
        "Select whether you saw them",
        choices=[
            (Seen.YES, "Yes"),
            (Seen.NO, "No, they were not there"),
            (Seen.NOT_LOGGED, "Do not add the visit to the contact log"),
        ],
    )
    outcome_note = forms.CharField(
        required=False,
        max_length=5000,
        error_messages={"max_length": "The note must be 5,000 characters or fewer"},
    )


class TemplateForm(forms.Form):
    title = forms.CharField(
        required=False,
        max_length=200,
        error_messages={"max_length": "The letter's title must be 200 characters or fewer"},
    )
    body = forms.CharField(
        required=False,
        max_length=20000,
        error_messages={"max_length": "The letter's wording must be 20,000 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "title" in cleaned and "body" in cleaned:
            for field, message in template_problems(cleaned["title"], cleaned["body"]).items():
                self.add_error(field, message)
        return cleaned


class MakeLetterForm(forms.Form):
    kind = _choice(
        "Select which letter to make",
        choices=[(NO_CONTACT, "Both no-contact letters"), *LetterKind.choices],
    )


class VisitAmendForm(forms.Form):
    """Amending a lone-working visit (ADR 0019): where, the escort, and what was noted."""

    place = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter where the visit was",
            "max_length": "Where the visit was must be 200 characters or fewer",
        },
    )
    escort = _choice("Select whether someone went with you", choices=YES_NO)
    risk_note = forms.CharField(
        max_length=5000,
        error_messages={
            "required": "Enter what the risk assessment found, or that there are no known risks",
            "max_length": "The risk note must be 5,000 characters or fewer",
        },
    )
    outcome_note = forms.CharField(
        required=False,
        max_length=5000,
        error_messages={"max_length": "The note must be 5,000 characters or fewer"},
    )


def _optional(max_length: int, what: str) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=max_length,
        error_messages={"max_length": f"{what} must be {max_length} characters or fewer"},
    )


class ServiceContactForm(forms.Form):
    """The service's address, phone and email as letters print them."""

    address_line_1 = _optional(100, "Address line 1")
    address_line_2 = _optional(100, "Address line 2")
    town = _optional(100, "The town or city")
    postcode = _optional(10, "The postcode")
    phone = _optional(30, "The phone number")
    email = forms.EmailField(
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )

    def clean_postcode(self) -> str:
        text = str(self.cleaned_data.get("postcode") or "")
        if not text.strip():
            return ""
        try:
            return contact_formats.postcode(text)
        except contact_formats.NotAPostcode:
            raise forms.ValidationError(
                f"Enter a real postcode, {contact_formats.POSTCODE_EXAMPLE}"
            ) from None

    def clean_phone(self) -> str:
        text = " ".join(str(self.cleaned_data.get("phone") or "").split())
        if text:
            try:
                contact_formats.phone_digits(text)
            except contact_formats.NotAPhoneNumber:
                raise forms.ValidationError(
                    f"Enter a UK phone number, {contact_formats.PHONE_EXAMPLE}"
                ) from None
        return text

    def values(self) -> dict[str, str]:
        return {
            name: " ".join(str(self.cleaned_data.get(name) or "").split())
            for name in ("address_line_1", "address_line_2", "town", "postcode", "phone", "email")
        }
