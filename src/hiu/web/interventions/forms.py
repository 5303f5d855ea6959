"""Intervention forms. Messages follow the NHS.UK error message guidance: say what to do.

Dates are ``hiu.web.forms.DateField``s, refused in the future and before 2000.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from hiu.web.forms import DateField
from hiu.web.interventions.models import (
    EndReason,
    InterventionType,
    Kind,
    OnwardKind,
    SessionStatus,
)

EARLIEST = dt.date(2000, 1, 1)
MOST_SESSIONS = 99


def _sessions_field(what: str) -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MOST_SESSIONS,
        error_messages={
            "invalid": f"Enter the {what} as a whole number, like 6",
            "min_value": f"Enter the {what} as a whole number, like 6",
            "max_value": f"Enter {what} under 100",
        },
    )


class InterventionTypeForm(forms.Form):
    name = forms.CharField(
        max_length=200, error_messages={"required": "Enter the name of the intervention"}
    )
    kind = forms.ChoiceField(
        choices=Kind.choices,
        error_messages={
            "required": "Select the kind of intervention",
            "invalid_choice": "Select the kind of intervention",
        },
    )
    provider = forms.CharField(
        max_length=200,
        required=False,
        error_messages={"max_length": "The provider must be 200 characters or fewer"},
    )
    planned_sessions = _sessions_field("planned sessions")
    max_sessions = _sessions_field("most sessions")
    active = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No, retire it")],
        error_messages={
            "required": "Select whether the intervention is offered",
            "invalid_choice": "Select whether the intervention is offered",
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        planned, most = cleaned.get("planned_sessions"), cleaned.get("max_sessions")
        if planned is not None and most is not None and most < planned:
            self.add_error(
                "max_sessions",
                "The most sessions must be the same as or more than the planned sessions",
            )
        if cleaned.get("kind") == Kind.ENGAGEMENT_PLAN and (planned or most):
            self.add_error("planned_sessions", "An engagement plan has no sessions: leave blank")
        return cleaned


class InterventionForm(forms.Form):
    type = forms.ChoiceField(
        error_messages={
            "required": "Select the intervention",
            "invalid_choice": "Select the intervention",
        }
    )
    provider = forms.CharField(
        max_length=200,
        required=False,
        error_messages={"max_length": "The provider must be 200 characters or fewer"},
    )
    referred_on = DateField("the date of referral", earliest=EARLIEST)
    started_on = DateField("the start date", required=False, earliest=EARLIEST)
    note = forms.CharField(required=False, widget=forms.Textarea)
    befriending_note = forms.CharField(required=False, widget=forms.Textarea)
    risk_note = forms.CharField(required=False, widget=forms.Textarea)

    def __init__(
        self, *args: Any, types: list[InterventionType], opened_on: dt.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.types = {str(t.pk): t for t in types}
        self.opened_on = opened_on
        field = self.fields["type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(t.pk), t.name) for t in types]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = self.types.get(str(cleaned.get("type", "")))
        cleaned["intervention_type"] = chosen
        referred, started = cleaned.get("referred_on"), cleaned.get("started_on")
        if referred is not None and referred < self.opened_on:
            self.add_error(
                "referred_on", "The date of referral must be on or after the day the episode opened"
            )
        if referred is not None and started is not None and started < referred:
            self.add_error("started_on", "The start date must be on or after the date of referral")
        if chosen is not None and chosen.kind == Kind.BEFRIENDING:
            if not str(cleaned.get("befriending_note", "")).strip():
                self.add_error(
                    "befriending_note", "Enter what the person would like from a volunteer"
                )
            if not str(cleaned.get("risk_note", "")).strip():
                self.add_error(
                    "risk_note", "Enter the risk assessment for the befriending referral"
                )
        return cleaned


class SessionForm(forms.Form):
    on = DateField("the date of the session", earliest=EARLIEST)
    status = forms.ChoiceField(
        choices=SessionStatus.choices,
        error_messages={
            "required": "Select whether the session was attended, missed or cancelled",
            "invalid_choice": "Select whether the session was attended, missed or cancelled",
        },
    )
    note = forms.CharField(required=False, widget=forms.Textarea)


class VisitForm(SessionForm):
    on = DateField("the date of the visit", earliest=EARLIEST)
    status = forms.ChoiceField(
        choices=SessionStatus.choices,
        error_messages={
            "required": "Select whether the visit happened, was missed or was cancelled",
            "invalid_choice": "Select whether the visit happened, was missed or was cancelled",
        },
    )


class EndForm(forms.Form):
    ended_on = DateField("the end date", earliest=EARLIEST)
    end_reason = forms.ChoiceField(
        choices=EndReason.choices,
        error_messages={
            "required": "Select why the intervention ended",
            "invalid_choice": "Select why the intervention ended",
        },
    )
    end_note = forms.CharField(required=False, widget=forms.Textarea)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("end_reason") == EndReason.OTHER and not cleaned.get("end_note", "").strip():
            self.add_error("end_note", "Enter why the intervention ended")
        return cleaned


class OnwardForm(forms.Form):
    kind = forms.ChoiceField(
        choices=OnwardKind.choices,
        error_messages={
            "required": "Select whether the client was signposted or referred",
            "invalid_choice": "Select whether the client was signposted or referred",
        },
    )
    organisation = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter the organisation",
            "max_length": "The organisation must be 200 characters or fewer",
        },
    )
    reason = forms.CharField(
        widget=forms.Textarea, error_messages={"required": "Enter why the client was sent there"}
    )
    on = DateField("the date", earliest=EARLIEST)
    outcome = forms.CharField(required=False, widget=forms.Textarea)


class VolunteerForm(forms.Form):
    volunteer_name = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter the name of the volunteer",
            "max_length": "The volunteer's name must be 200 characters or fewer",
        },
    )


class BefriendingReferralForm(forms.Form):
    befriending_note = forms.CharField(
        widget=forms.Textarea,
        error_messages={"required": "Enter what the person would like from a volunteer"},
    )
    risk_note = forms.CharField(
        widget=forms.Textarea,
        error_messages={"required": "Enter the risk assessment for the befriending referral"},
    )
