"""Forms for case studies: writing one, the client's consent to share it and its withdrawal,
and the team's decision to share it. Messages follow the NHS.UK error message guidance. The
rules beyond the shape of an answer (no identifiers, consent after the story was written)
live in ``services`` and come back to the form as ``Refused``."""

from __future__ import annotations

from django import forms

from hiu.web.casestudies.models import ConsentWay
from hiu.web.forms import DateField

MAX_TITLE = 200
MAX_TEXT = 20_000


class CaseStudyForm(forms.Form):
    title = forms.CharField(
        max_length=MAX_TITLE,
        strip=True,
        error_messages={
            "required": "Enter a title",
            "max_length": f"The title must be {MAX_TITLE} characters or fewer",
        },
    )
    text = forms.CharField(
        max_length=MAX_TEXT,
        strip=True,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter the case study",
            "max_length": f"The case study must be {MAX_TEXT:,} characters or fewer",
        },
    )
    written_on = DateField("the date it was written")


class ConsentForm(forms.Form):
    given_on = DateField("the date consent was given")
    way = forms.ChoiceField(
        choices=ConsentWay.choices,
        error_messages={
            "required": "Select how the client gave consent",
            "invalid_choice": "Select how the client gave consent",
        },
    )


class WithdrawForm(forms.Form):
    withdrawn_on = DateField("the date consent was withdrawn")


class SharingForm(forms.Form):
    shareable = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        error_messages={
            "required": "Select whether the case study is ready to share",
            "invalid_choice": "Select whether the case study is ready to share",
        },
    )
