"""How values look on screen, in one place, so every page shows them the same way."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def format_nhs_number(value: str | None) -> str:
    """NHS numbers are shown 3-3-4 (``943 476 5919``), as the NHS.UK service manual asks."""
    if not value:
        return ""
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    if len(digits) != 10:
        return str(value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def format_date(value: dt.date | None) -> str:
    """Dates as the NHS.UK style guide writes them: ``5 March 2026``."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: dt.datetime | None) -> str:
    """Date and time in UK local time: ``5 March 2026, 2:05pm``."""
    if value is None:
        return ""
    return format_local_datetime(timezone.localtime(value))


def format_local_datetime(value: dt.datetime | None) -> str:
    """A date and time already in UK local time, as extracts record them (no time zone)."""
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{format_date(value.date())}, {hour}:{value:%M}{suffix}"


def format_size(size_bytes: int) -> str:
    """File sizes in binary units, as people read them off their file manager: ``5.2 GB``.

    One decimal place below 10 units (``4.5 MB``), none above, and never ``4.0``: a limit of
    4096 MB reads ``4 GB``.
    """
    if size_bytes < 1024:
        return "1 byte" if size_bytes == 1 else f"{size_bytes} bytes"
    size = float(size_bytes)
    for unit in ("KB", "MB", "GB", "TB"):
        size /= 1024
        text = f"{size:.1f}" if size < 10 else f"{size:.0f}"
        if float(text) < 1024 or unit == "TB":  # 1023.7 MB reads 1 GB, not 1024 MB
            break
    return f"{text.removesuffix('.0')} {unit}"


def format_count(value: int | None) -> str:
    """Whole numbers with thousands separators, as the NHS.UK style guide writes them."""
    return "" if value is None else f"{value:,}"


def display_name(user: object) -> str:
    """How every page names a person: "Sam Carter" (given name, family name), or the username
    when no name has been recorded. ``None`` is "Not recorded"."""
    if user is None:
        return "Not recorded"
    first = str(getattr(user, "first_name", "") or "").strip()
    last = str(getattr(user, "last_name", "") or "").strip()
    full = f"{first} {last}".strip()
    if full:
        return full
    username = getattr(user, "username", None)
    return str(username) if username else "Not recorded"


def display_username(username: str | None) -> str:
    """The full name of the user with this username (entries keep the username as it was
    when they were saved); the username itself when no such user is left."""
    if not username:
        return "Not recorded"
    from django.contrib.auth.models import User  # here: formatting is imported before the apps load

    user = (
        User.objects.filter(username=username).only("first_name", "last_name", "username").first()
    )
    return display_name(user) if user is not None else username
