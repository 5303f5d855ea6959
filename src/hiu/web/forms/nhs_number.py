"""An NHS number typed by a person: spaces and dashes allowed, ten digits, a valid check digit."""

from __future__ import annotations

from typing import Any

from django import forms
from nhs_number.validate import is_valid as is_valid_nhs_number

INVALID = "Enter a valid NHS number, 10 digits like 485 777 3456"


class NhsNumberField(forms.CharField):
    """Cleans to the ten digits, or "" when an optional number is left blank."""

    def __init__(self, *, required: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "error_messages",
            {"required": "Enter the NHS number", "max_length": INVALID},
        )
        super().__init__(required=required, **kwargs)

    def clean(self, value: Any) -> str:
        text: str = super().clean(value)
        digits = "".join(text.replace("-", " ").split())
        if not digits:
            return ""
        if len(digits) != 10 or not digits.isdigit() or not is_valid_nhs_number(digits):
            raise forms.ValidationError(INVALID, code="invalid")
        return digits
