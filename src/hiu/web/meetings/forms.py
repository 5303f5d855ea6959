"""The form for recording a team meeting. Messages follow the NHS.UK error message guidance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from hiu.web.forms import DateField
from hiu.web.meetings.models import MeetingKind

MAX_ORGANISATIONS_TEXT = 5000


class MeetingForm(forms.Form):
    """When the meeting was held, which kind, the organisations represented (one a line) and
    the clients discussed (``clients``: the ids offered by the page, none allowed)."""

    held_on = DateField("the date of the meeting")
    kind = forms.ChoiceField(
        choices=MeetingKind.choices,
        error_messages={
            "required": "Select the kind of meeting",
            "invalid_choice": "Select the kind of meeting",
        },
    )
    organisations = forms.CharField(
        required=False,
        max_length=MAX_ORGANISATIONS_TEXT,
        strip=True,
        widget=forms.Textarea,
        error_messages={
            "max_length": f"The organisations must be {MAX_ORGANISATIONS_TEXT:,} characters "
            "or fewer"
        },
    )

    def __init__(self, *args: Any, choices: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clients"] = forms.MultipleChoiceField(
            required=False,
            choices=list(choices),
            error_messages={
                "invalid_choice": "Select clients from the list: one of them no longer has an "
                "open episode"
            },
        )

    def client_ids(self) -> list[int]:
        return sorted({int(value) for value in self.cleaned_data.get("clients") or []})
