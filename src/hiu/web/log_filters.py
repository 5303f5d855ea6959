"""Log filters that keep patient data out of logs.

Django attaches the request to records from ``django.request`` and ``django.server``, and their
messages quote the path ("Not Found: /clients/search?q=9434765919"). Exception messages can quote
row values too. We keep what a developer needs — the status, the logger, the exception type and
the stack of file names and line numbers — and drop the path, the query string, the request and
the exception's message.
"""

from __future__ import annotations

import logging
import traceback


class RedactRequestFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request") or record.name in {"django.request", "django.server"}:
            status = getattr(record, "status_code", "")
            record.msg = f"HTTP {status} ({record.name}); path withheld"
            record.args = ()
            if hasattr(record, "request"):
                record.request = None
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            stack = "".join(traceback.format_tb(tb))
            record.exc_text = (
                f"Traceback (most recent call last):\n{stack}{kind.__name__}: (message withheld)"
            )
            record.exc_info = None
        return True
