"""Screening and referral forms. Messages follow the NHS.UK error message guidance: they say
what to do ("Select ...", "Enter ...")."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone

from hiu.web.clients.models import Sex
from hiu.web.episodes.phases import Complexity
from hiu.web.formatting import display_name
from hiu.web.forms import DateField, NhsNumberField
from hiu.web.forms.nhs_number import INVALID
from hiu.web.screening.models import Decision, DeclineReason
from hiu.web.screening.services import CONSENT_REFUSED, ReferralDetails, Screening

NOTE_LENGTH = 2000
EARLIEST_BIRTH = dt.date(1900, 1, 1)


def staff_name(user: User) -> str:
    return display_name(user)


class ScreeningForm(forms.Form):
    """Accept (with a complexity tier, and perhaps a case manager) or decline (with a reason).

    Both sets of fields are on the page (no JavaScript): only the set for the chosen decision
    is read.
    """

    decision = forms.ChoiceField(
        choices=Decision.choices,
        error_messages={
            "required": "Select whether to accept or decline this person",
            "invalid_choice": "Select whether to accept or decline this person",
        },
    )
    complexity = forms.ChoiceField(
        required=False,
        choices=[("", ""), *Complexity.choices],
        error_messages={"invalid_choice": "Select the complexity tier"},
    )
    case_manager = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Select a case manager from the list"}
    )
    reason = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "Select why the person is not being offered support"},
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE_LENGTH,
        strip=True,
        widget=forms.Textarea,
        error_messages={"max_length": f"The note must be {NOTE_LENGTH:,} characters or fewer"},
    )

    def __init__(
        self,
        *args: Any,
        reasons: list[DeclineReason],
        staff: list[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.reasons = {str(reason.pk): reason for reason in reasons}
        self.staff = {str(user.pk): user for user in staff}
        reason_field = self.fields["reason"]
        assert isinstance(reason_field, forms.ChoiceField)
        reason_field.choices = [("", ""), *((pk, r.label) for pk, r in self.reasons.items())]
        staff_field = self.fields["case_manager"]
        assert isinstance(staff_field, forms.ChoiceField)
        staff_field.choices = [
            ("", "Not allocated yet"),
            *((pk, staff_name(user)) for pk, user in self.staff.items()),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        decision = cleaned.get("decision")
        if decision == Decision.ACCEPT and not cleaned.get("complexity"):
            self.add_error("complexity", "Select the complexity tier")
        if decision == Decision.DECLINE and not cleaned.get("reason"):
            self.add_error("reason", "Select why the person is not being offered support")
        return cleaned

    def screening(self) -> Screening:
        data = self.cleaned_data
        decision = Decision(data["decision"])
        if decision == Decision.ACCEPT:
            return Screening(
                decision=decision,
                complexity=data["complexity"],
                case_manager=self.staff.get(data.get("case_manager") or ""),
                note=data.get("note", ""),
            )
        return Screening(
            decision=decision, reason=self.reasons.get(data["reason"]), note=data.get("note", "")
        )


class AddReasonForm(forms.Form):
    label = forms.CharField(
        max_length=200,
        strip=True,
        error_messages={
            "required": "Enter the reason",
            "max_length": "The reason must be 200 characters or fewer",
        },
    )


class RenameReasonForm(forms.Form):
    reason = forms.ChoiceField(
        error_messages={
            "required": "Select the reason to change",
            "invalid_choice": "Select the reason to change",
        }
    )
    label = forms.CharField(
        max_length=200,
        strip=True,
        error_messages={
            "required": "Enter the new wording",
            "max_length": "The reason must be 200 characters or fewer",
        },
    )

    def __init__(self, *args: Any, reasons: list[DeclineReason], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reasons = {str(reason.pk): reason for reason in reasons}
        field = self.fields["reason"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "Choose a reason"),
            *((pk, r.label) for pk, r in self.reasons.items()),
        ]

    def chosen(self) -> DeclineReason:
        return self.reasons[self.cleaned_data["reason"]]


# Referrals ---------------------------------------------------------------------------------


TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


class ReferralForm(forms.Form):
    nhs_number = NhsNumberField(
        error_messages={"required": "Enter the person's NHS number", "max_length": INVALID}
    )
    given_name = forms.CharField(
        max_length=100,
        error_messages={
            "required": "Enter the person's given name",
            "max_length": "The given name must be 100 characters or fewer",
        },
    )
    family_name = forms.CharField(
        max_length=100,
        error_messages={
            "required": "Enter the person's family name",
            "max_length": "The family name must be 100 characters or fewer",
        },
    )
    date_of_birth = DateField("the person's date of birth", earliest=EARLIEST_BIRTH)
    sex = forms.ChoiceField(
        required=False,
        choices=Sex.choices,
        error_messages={"invalid_choice": "Select the person's sex"},
    )
    phone = forms.CharField(
        required=False,
        max_length=20,
        error_messages={"max_length": "The phone number must be 20 characters or fewer"},
    )
    postcode = forms.CharField(
        required=False,
        max_length=8,
        error_messages={"max_length": "Enter a real postcode, like SW10 9NH"},
    )
    gp_practice_code = forms.CharField(
        required=False,
        max_length=10,
        error_messages={"max_length": "Enter a GP practice code, like E85001"},
    )
    referring_organisation = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter who referred the person",
            "max_length": "The referring organisation must be 200 characters or fewer",
        },
    )
    referrer_name = forms.CharField(
        required=False,
        max_length=200,
        error_messages={"max_length": "The referrer's name must be 200 characters or fewer"},
    )
    referrer_contact = forms.CharField(
        required=False,
        max_length=200,
        error_messages={"max_length": "The referrer's contact must be 200 characters or fewer"},
    )
    reason = forms.CharField(
        max_length=NOTE_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why the person was referred",
            "max_length": f"The reason must be {NOTE_LENGTH:,} characters or fewer",
        },
    )
    vulnerability = forms.BooleanField(required=False)
    consent_to_refer = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        error_messages={
            "required": "Select whether the person agreed to be referred",
            "invalid_choice": "Select whether the person agreed to be referred",
        },
    )
    # The date may be today and the time still to come: ``_received_at`` checks them together.
    received = DateField("the date the referral came in", not_future=False)
    received_time = forms.CharField(required=False, max_length=10)

    def clean_postcode(self) -> str:
        return " ".join(str(self.cleaned_data["postcode"]).upper().split())

    def clean_gp_practice_code(self) -> str:
        code = "".join(str(self.cleaned_data["gp_practice_code"]).upper().split())
        if code and not code.isalnum():
            raise forms.ValidationError("Enter a GP practice code, like E85001")
        return code

    def clean_consent_to_refer(self) -> bool:
        if self.cleaned_data["consent_to_refer"] != "yes":
            raise forms.ValidationError(CONSENT_REFUSED)
        return True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        received_on = cleaned.get("received")
        if received_on is not None:
            try:
                cleaned["received_at"] = self._received_at(received_on)
            except forms.ValidationError as error:
                self.add_error("received", error)
        return cleaned

    def _received_at(self, day: dt.date) -> dt.datetime:
        text = str(self.data.get("received_time") or "").strip().lower()
        if not text:
            raise forms.ValidationError("Enter the time the referral came in")
        match = TIME.match(text)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            raise forms.ValidationError(
                "Enter the time the referral came in as hours and minutes, like 14:30"
            )
        received = timezone.make_aware(
            dt.datetime.combine(day, dt.time(int(match[1]), int(match[2])))
        )
        if received > timezone.now() + dt.timedelta(minutes=1):
            raise forms.ValidationError(
                "The date and time the referral came in must be in the past"
            )
        return received

    def details(self) -> ReferralDetails:
        data = self.cleaned_data
        return ReferralDetails(
            nhs_number=data["nhs_number"],
            given_name=data["given_name"].strip(),
            family_name=data["family_name"].strip(),
            date_of_birth=data["date_of_birth"],
            sex=data.get("sex") or Sex.NOT_KNOWN,
            phone=data.get("phone", "").strip(),
            postcode=data.get("postcode", ""),
            gp_practice_code=data.get("gp_practice_code", ""),
            referring_organisation=data["referring_organisation"].strip(),
            referrer_name=data.get("referrer_name", "").strip(),
            referrer_contact=data.get("referrer_contact", "").strip(),
            reason=data["reason"].strip(),
            vulnerability=bool(data.get("vulnerability")),
            consent_to_refer=bool(data["consent_to_refer"]),
            received_at=data["received_at"],
        )

    @staticmethod
    def initial_now() -> dict[str, Any]:
        now = timezone.localtime()
        return {"received": now.date(), "received_time": f"{now:%H:%M}"}


class DecisionNoteForm(forms.Form):
    """Amending a screening decision (ADR 0019): its note. A wrong decision itself is marked
    entered in error, and the person screened again."""

    note = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"max_length": "The note must be 5,000 characters or fewer"},
    )
