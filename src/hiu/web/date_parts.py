"""Dates typed as the NHS.UK date input asks for them: day, month and year in three boxes.

A form lists its dates in ``date_parts`` ({prefix: DatePart(...)}) and inherits
``DatePartsForm``: each date is read from ``<prefix>_day``, ``<prefix>_month`` and
``<prefix>_year``, checked, and put in ``cleaned_data[prefix]``. A mistake is an error on
``<prefix>_day``, the box the error summary links to (``#<prefix>-day``), in the NHS.UK
wording ("Enter ...", "... must include a month", ...). Templates render the boxes with the
``date_parts`` macro in ``templates/hiu/_date_parts.jinja``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.utils import timezone

EARLIEST = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class DatePart:
    what: str  # how messages name the date: "the date of the change"
    required: bool = True
    not_future: bool = True


class DatePartsForm(forms.Form):
    date_parts: ClassVar[dict[str, DatePart]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for prefix in self.date_parts:
            for part, width in (("day", 2), ("month", 2), ("year", 4)):
                self.fields[f"{prefix}_{part}"] = forms.CharField(required=False, max_length=width)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for prefix, spec in self.date_parts.items():
            try:
                cleaned[prefix] = read_date(cleaned, prefix, spec)
            except forms.ValidationError as error:
                # The error is the day box's: the summary links to it, the macro shows it.
                self.add_error(f"{prefix}_day", error)
        return cleaned


def read_date(data: dict[str, Any], prefix: str, spec: DatePart) -> dt.date | None:
    parts = {
        name: str(data.get(f"{prefix}_{name}") or "").strip() for name in ("day", "month", "year")
    }
    missing = [name for name, value in parts.items() if not value]
    if len(missing) == len(parts):
        if spec.required:
            raise forms.ValidationError(f"Enter {spec.what}", code="required")
        return None
    if missing:
        raise forms.ValidationError(
            f"{spec.what.capitalize()} must include a {' and a '.join(missing)}", code="incomplete"
        )
    try:
        day = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        raise forms.ValidationError(
            f"{spec.what.capitalize()} must be a real date", code="invalid"
        ) from None
    if len(parts["year"]) != 4 or day < EARLIEST:
        raise forms.ValidationError(
            f"{spec.what.capitalize()} must have a 4-digit year, like {timezone.localdate().year}",
            code="year",
        )
    if spec.not_future and day > timezone.localdate():
        raise forms.ValidationError(
            f"{spec.what.capitalize()} must be today or in the past", code="future"
        )
    return day


def initial_parts(prefix: str, day: dt.date | None) -> dict[str, str]:
    """Initial values that show ``day`` in the three boxes."""
    if day is None:
        return {}
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }
