from __future__ import annotations

from django import forms

from hiu.web.forms import DateField


class ReviewForm(forms.Form):
    reviewed_on = DateField("the date of the review")
    what_was_done = forms.CharField(
        max_length=5000,
        strip=True,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter what was done",
            "max_length": "What was done must be 5000 characters or fewer",
        },
    )
    crisis_plan_updated = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        error_messages={
            "required": "Select whether the crisis plan was updated",
            "invalid_choice": "Select whether the crisis plan was updated",
        },
    )
