"""A worker's bookings as iCalendar (RFC 5545): the week's download and the private feed.

Why no client names: a calendar file or feed leaves the NHS network. Calendar apps sync it to
phones and to cloud services (Google, Apple, Microsoft) that are not approved to hold patient
data, and show it on lock screens. So each event carries only what the worker needs to know
something is booked: the kind ("Home visit"), the client's initials, the time, and a link back
into the app (where signing in shows the rest). No name, NHS number, address, phone, notes or
"with whom": a home visit's location would be the client's address.

Written by hand (a few lines of text), not with a library: lines end CRLF, text is escaped
(backslash, semicolon, comma, newline) and folded at 75 octets, times are UTC. The tests read
the output back with the ``icalendar`` package.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from hiu.web.diary.models import Booking, Kind, Status

PRODUCT = "-//NHS High Intensity Use service//hiu diary//EN"


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    url: str
    cancelled: bool
    stamp: dt.datetime


def initials(given: str, family: str) -> str:
    return "".join(f"{part[:1].upper()}." for part in (given.strip(), family.strip()) if part)


def event_of(booking: Booking, url: str, domain: str) -> Event:
    """The booking as an event that names no one: "Home visit (A.B.)"."""
    who = initials(booking.client.given_name, booking.client.family_name)
    summary = Kind(booking.kind).label + (f" ({who})" if who else "")
    return Event(
        # Stable across downloads and changes to the booking: a calendar app updates the event
        # it already has rather than adding a second.
        uid=f"booking-{booking.pk}@{domain}",
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        summary=summary,
        url=url,
        cancelled=booking.status in (Status.CANCELLED, Status.DID_NOT_ATTEND),
        stamp=booking.changed_at or booking.created_at,
    )


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> list[str]:
    """A content line folded into lines of at most 75 octets (RFC 5545 §3.1), never splitting
    a UTF-8 character."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return out


def calendar(events: Iterable[Event], name: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{_utc(event.stamp)}",
            f"DTSTART:{_utc(event.starts_at)}",
            f"DTEND:{_utc(event.ends_at)}",
            f"SUMMARY:{_escape(event.summary)}",
            f"URL:{event.url}",
            f"DESCRIPTION:{_escape('Details in the HIU app: ' + event.url)}",
            f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
            "CLASS:PRIVATE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(folded + "\r\n" for line in lines for folded in _fold(line))
