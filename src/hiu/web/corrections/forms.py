"""The correction forms: every one asks why (the reason is kept in the entry's history)."""

from __future__ import annotations

from typing import Any

from django import forms

MAX_REASON = 1000

REASON_ERRORS = {
    "required": "Enter why you are making this correction",
    "max_length": "The reason must be 1,000 characters or fewer",
}


def reason_field() -> forms.CharField:
    return forms.CharField(max_length=MAX_REASON, error_messages=REASON_ERRORS)


class ReasonForm(forms.Form):
    reason = reason_field()


class NothingToAmendForm(forms.Form):
    """A kind whose entries are kept as made (a letter): corrected only by marking it entered
    in error."""


class MoveForm(forms.Form):
    nhs_number = forms.CharField(
        max_length=20,
        error_messages={
            "required": "Enter the NHS number of the client the entry belongs to",
            "max_length": "Enter the NHS number as 10 digits, like 485 777 3456",
        },
    )
    reason = reason_field()

    def clean_nhs_number(self) -> str:
        digits = "".join(str(self.cleaned_data["nhs_number"]).split())
        if not (digits.isdigit() and len(digits) == 10):
            raise forms.ValidationError("Enter the NHS number as 10 digits, like 485 777 3456")
        return digits


def amend_form(kind_form: type[forms.Form]) -> type[forms.Form]:
    """The kind's own form with the reason added after its fields."""
    attrs: dict[str, Any] = {"reason": reason_field(), "__module__": __name__}
    made: type[forms.Form] = type(f"Amend{kind_form.__name__}", (kind_form,), attrs)
    return made
