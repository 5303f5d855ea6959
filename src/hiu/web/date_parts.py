"""Dates typed as the NHS.UK date input asks for them: day, month and year in three boxes.

A form lists its dates in ``date_parts`` ({prefix: DatePart(...)}) and inherits
``DatePartsForm``: each date is read from ``<prefix>_day``, ``<prefix>_month`` and
``<prefix>_year``, checked, and put in ``cleaned_data[prefix]``. A mistake is an error on
``<prefix>_day``, the box the error summary links to (``#<prefix>-day``), in the NHS.UK
wording ("Enter ...", "... must include a month", ...). Templates render the boxes with the
``date_parts`` macro in ``templates/hiu/_date_parts.jinja``.

Forms that keep their own fields (a ``MultiValueField``, or boxes checked in ``clean``) call
``read_date`` directly and put its ``ValidationError`` where their templates show it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.utils import timezone

EARLIEST = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class DatePart:
    """How one date is read and checked.

    ``what`` names the date in messages ("the date of the change"). A date that is not
    ``required`` may be left blank (it reads as ``None``). ``not_future`` refuses a date after
    today. ``earliest``, if given, refuses a date before it with ``too_early`` (by default
    "<What> must be in <year> or later", or "... on or after <day month year>").
    """

    what: str
    required: bool = True
    not_future: bool = True
    earliest: dt.date | None = None
    too_early: str = ""

    @property
    def title(self) -> str:
        """``what`` to begin a sentence: only its first letter changes ("The NHS number")."""
        return self.what[:1].upper() + self.what[1:]

    def too_early_message(self) -> str:
        if self.too_early:
            return self.too_early
        earliest = self.earliest or EARLIEST
        if (earliest.month, earliest.day) == (1, 1):
            return f"{self.title} must be in {earliest.year} or later"
        return f"{self.title} must be on or after {earliest.day} {earliest:%B %Y}"


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


def read_date(data: Mapping[str, Any], prefix: str, spec: DatePart) -> dt.date | None:
    """The date typed in ``<prefix>_day``, ``<prefix>_month`` and ``<prefix>_year`` of ``data``
    (or in ``day``, ``month`` and ``year`` when ``prefix`` is ""), or ``None`` if an optional
    date is blank. Raises a ``ValidationError`` that says what is wrong, with the code
    "required", "incomplete", "invalid", "year", "too_early" or "future".
    """
    parts = {
        name: str(data.get(f"{prefix}_{name}" if prefix else name) or "").strip()
        for name in ("day", "month", "year")
    }
    missing = [name for name, value in parts.items() if not value]
    if len(missing) == len(parts):
        if spec.required:
            raise forms.ValidationError(f"Enter {spec.what}", code="required")
        return None
    if missing:
        raise forms.ValidationError(
            f"{spec.title} must include a {' and a '.join(missing)}", code="incomplete"
        )
    try:
        day = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        raise forms.ValidationError(f"{spec.title} must be a real date", code="invalid") from None
    if len(parts["year"]) != 4:
        raise _year_error(spec)
    if spec.earliest is not None and day < spec.earliest:
        raise forms.ValidationError(spec.too_early_message(), code="too_early")
    if day < EARLIEST:
        raise _year_error(spec)
    if spec.not_future and day > timezone.localdate():
        raise forms.ValidationError(f"{spec.title} must be today or in the past", code="future")
    return day


def _year_error(spec: DatePart) -> forms.ValidationError:
    return forms.ValidationError(
        f"{spec.title} must have a 4-digit year, like {timezone.localdate().year}", code="year"
    )


def initial_parts(prefix: str, day: dt.date | None) -> dict[str, str]:
    """Initial values that show ``day`` in the three boxes."""
    if day is None:
        return {}
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }
