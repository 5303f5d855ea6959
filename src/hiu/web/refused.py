"""``Refused``: the one exception the services raise for a change their rules do not allow.

Its message is written for the person who asked. ``field`` names the form field it is about
("" for the form as a whole), and a refusal about more than one field gives the others as
keywords (``Refused("Take out the name", "title", text="Take out the NHS number")``).
``put_on`` turns it into the form's errors, where the page shows them.
"""

from __future__ import annotations

from django import forms


class Refused(ValueError):
    def __init__(self, message: str, field: str | None = "", **more: str) -> None:
        super().__init__(message)
        self.field = field or ""
        self.errors: dict[str, str] = {self.field: message, **more}

    def put_on(self, form: forms.BaseForm, fallback: str | None = None) -> None:
        """Add each message to its field, or to ``fallback`` (``None``: the form as a whole)
        when the form has no such field."""
        for field, message in self.errors.items():
            form.add_error(field if field in form.fields else fallback, message)
