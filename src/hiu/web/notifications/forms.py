from __future__ import annotations

from django import forms

from hiu.web.notifications.models import Kind


class PreferencesForm(forms.Form):
    email = forms.MultipleChoiceField(
        required=False,
        choices=Kind.choices,
        error_messages={"invalid_choice": "Select kinds of notification from the list"},
    )
