"""A form's errors as plain text by field name: what the NHS.UK error summary and each field's
error message are drawn from (``templates/hiu/_errors.jinja``)."""

from __future__ import annotations

from django import forms


def error_texts(form: forms.BaseForm) -> dict[str, list[str]]:
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}
