"""Dates typed as the NHS.UK date input asks for them: day, month and year in three boxes.

``DateField`` is the one date field of every form: its boxes are named ``<name>_day``,
``<name>_month`` and ``<name>_year`` (ids ``<name>-day``, ...), it cleans to a
``datetime.date`` (or ``None`` when an optional date is left blank), and its errors, in the
NHS.UK wording ("Enter ...", "... must include a month", ...), belong to the date as a whole.
Templates render it with ``date_input(form.<name>, legend)`` from ``templates/hiu/forms.jinja``.

``read_date`` reads and checks the three parts on their own, for the field and its tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
        # ``parts`` names the boxes in error, for the date input to mark.
        raise forms.ValidationError(
            f"{spec.title} must include a {' and a '.join(missing)}",
            code="incomplete",
            params={"parts": missing},
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


PARTS = ("day", "month", "year")


class DateInput(forms.MultiWidget):
    """Day, month and year boxes: the data arrive as ``<name>_day``, ``<name>_month`` and
    ``<name>_year``. The NHS.UK markup is the ``date_input`` macro's; this widget reads the
    data and says what the boxes show."""

    def __init__(self) -> None:
        super().__init__({part: forms.TextInput() for part in PARTS})

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def parts(self, value: Any) -> dict[str, str]:
        """The day, month and year to show: as typed (a list) or from a date."""
        shown = list(value) if isinstance(value, list | tuple) else self.decompress(value)
        shown += [None] * (len(PARTS) - len(shown))
        return {part: "" if v is None else str(v) for part, v in zip(PARTS, shown, strict=False)}


class DateField(forms.MultiValueField):
    """A date typed in the three boxes of the NHS.UK date input, checked as ``DatePart`` says:
    ``DateField("the date of the meeting")``, ``DateField("the review date", required=False,
    not_future=False)``, ``DateField("the date of birth", earliest=dt.date(1900, 1, 1))``."""

    widget = DateInput

    def __init__(
        self,
        what: str,
        *,
        required: bool = True,
        not_future: bool = True,
        earliest: dt.date | None = None,
        too_early: str = "",
        **kwargs: Any,
    ) -> None:
        self.spec = DatePart(
            what, required=required, not_future=not_future, earliest=earliest, too_early=too_early
        )
        super().__init__(
            [forms.CharField(required=False) for _ in PARTS],
            require_all_fields=False,
            required=required,
            error_messages={"required": f"Enter {what}", "incomplete": f"Enter {what}"},
            **kwargs,
        )

    def compress(self, data_list: list[Any]) -> dt.date | None:
        return read_date(dict(zip(PARTS, data_list or [], strict=False)), "", self.spec)
