"""Forms for consent, assessment and plans. Messages follow the NHS.UK error message guidance:
they say what to do ("Enter ...", "Select ..."). The rules that are more than the shape of an
answer (a witness for written consent, no sharing after withdrawal) live in ``services`` and
come back to the form as ``Refused``."""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.utils import timezone

from hiu.web.forms import DateField
from hiu.web.plans.models import (
    CONSENT_STATEMENTS,
    ConsentLevel,
    Need,
    Progress,
    Readiness,
    RiskLevel,
)

#: Blank goal rows offered under the current goals.
BLANK_GOALS = 3
MAX_GOALS = 40


def _choice_errors(what: str) -> dict[str, str]:
    return {"required": f"Select {what}", "invalid_choice": f"Select {what}"}


class ConsentForm(forms.Form):
    level = forms.ChoiceField(
        choices=ConsentLevel.choices, error_messages=_choice_errors("verbal or written consent")
    )
    statements = forms.MultipleChoiceField(
        required=False,
        choices=[(name, text) for name, text in CONSENT_STATEMENTS.items()],
        error_messages={"invalid_choice": "Select statements from the consent form"},
    )
    given_on = DateField("the date consent was given")
    witnessed_by = forms.CharField(required=False, max_length=200, strip=True)
    review_on = DateField("the review date", required=False, not_future=False)


class ConsentAmendForm(forms.Form):
    """Amending a consent (ADR 0019): how and when it was given, its witness and review date.
    Different statements are a new consent, recorded as one."""

    level = forms.ChoiceField(
        choices=ConsentLevel.choices, error_messages=_choice_errors("verbal or written consent")
    )
    given_on = DateField("the date consent was given")
    witnessed_by = forms.CharField(required=False, max_length=200, strip=True)
    review_on = DateField("the review date", not_future=False)


class WithdrawConsentForm(forms.Form):
    withdrawn_on = DateField("the date consent was withdrawn")
    note = forms.CharField(required=False, max_length=5000, strip=True, widget=forms.Textarea)


RISK_FIELDS = ("risk_to_self", "risk_to_others", "risk_to_staff")


class AssessmentForm(forms.Form):
    assessed_on = DateField("the date of the assessment")
    own_account = forms.CharField(
        max_length=10000,
        strip=True,
        widget=forms.Textarea,
        error_messages={"required": "Enter the client's own account of why they attend"},
    )
    needs = forms.MultipleChoiceField(
        required=False,
        choices=Need.choices,
        error_messages={"invalid_choice": "Select needs from the list"},
    )
    # The need most behind the attendances: the quarterly report counts new clients by it.
    primary_need = forms.ChoiceField(
        required=False,
        choices=Need.choices,
        error_messages={"invalid_choice": "Select the main need from the list"},
    )
    needs_note = forms.CharField(
        required=False, max_length=10000, strip=True, widget=forms.Textarea
    )
    readiness = forms.ChoiceField(
        choices=Readiness.choices,
        error_messages=_choice_errors("how ready the client is to engage"),
    )
    risk_to_self = forms.ChoiceField(
        choices=RiskLevel.choices, error_messages=_choice_errors("the risk to the client")
    )
    risk_to_others = forms.ChoiceField(
        choices=RiskLevel.choices, error_messages=_choice_errors("the risk to others")
    )
    risk_to_staff = forms.ChoiceField(
        choices=RiskLevel.choices, error_messages=_choice_errors("the risk to staff")
    )
    risk_note = forms.CharField(required=False, max_length=10000, strip=True, widget=forms.Textarea)


class PlanForm(forms.Form):
    """The plan's summary, review date and a fixed number of goal rows (the current goals and
    three blank ones). ``rows`` says how many rows the page showed."""

    summary = forms.CharField(
        max_length=10000,
        strip=True,
        widget=forms.Textarea,
        error_messages={"required": "Enter a summary of the plan"},
    )
    review_on = DateField("the review date", not_future=False)
    rows = forms.IntegerField(min_value=1, max_value=MAX_GOALS, widget=forms.HiddenInput)

    def __init__(self, *args: Any, rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            with contextlib.suppress(TypeError, ValueError):
                rows = int(self.data.get("rows", rows))
        self.row_count = max(1, min(rows, MAX_GOALS))
        for i in range(self.row_count):
            self.fields[f"goal_{i}_description"] = forms.CharField(
                required=False, max_length=2000, strip=True
            )
            self.fields[f"goal_{i}_progress"] = forms.ChoiceField(
                required=False,
                choices=Progress.choices,
                error_messages={"invalid_choice": "Select the progress of the goal"},
            )
            self.fields[f"goal_{i}_note"] = forms.CharField(
                required=False, max_length=5000, strip=True
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        review_on = cleaned.get("review_on")
        if review_on is not None and review_on < timezone.localdate():
            self.add_error("review_on", "The review date must be today or in the future")
        described = 0
        for i in range(self.row_count):
            if cleaned.get(f"goal_{i}_description"):
                described += 1
            elif cleaned.get(f"goal_{i}_note"):
                self.add_error(f"goal_{i}_description", f"Enter goal {i + 1}, or clear its note")
        if described == 0 and not self.has_error(f"goal_{0}_description"):
            self.add_error("goal_0_description", "Enter at least one goal")
        return cleaned

    def goal_lines(self) -> list[tuple[str, str, str]]:
        """(description, progress, note) of each row with a goal, in order."""
        lines = []
        for i in range(self.row_count):
            description = self.cleaned_data.get(f"goal_{i}_description") or ""
            if description:
                progress = self.cleaned_data.get(f"goal_{i}_progress") or Progress.NOT_STARTED
                lines.append(
                    (description, str(progress), self.cleaned_data.get(f"goal_{i}_note") or "")
                )
        return lines


class CrisisPlanForm(forms.Form):
    triggers = forms.CharField(required=False, max_length=10000, strip=True)
    early_warning_signs = forms.CharField(required=False, max_length=10000, strip=True)
    what_helps = forms.CharField(required=False, max_length=10000, strip=True)
    who_to_contact = forms.CharField(required=False, max_length=10000, strip=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(name) for name in self.fields):
            self.add_error("triggers", "Enter at least one part of the crisis plan")
        return cleaned


class EDPlanForm(forms.Form):
    response = forms.CharField(
        max_length=10000,
        strip=True,
        error_messages={"required": "Enter how ED and urgent care should respond"},
    )
    agreed_with = forms.CharField(required=False, max_length=200, strip=True)
    shared_on = DateField("the date the plan was shared with ED", required=False)


class AlertForm(forms.Form):
    active = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        error_messages=_choice_errors("whether the HIU alert is on"),
    )
    note = forms.CharField(required=False, max_length=5000, strip=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("active") == "yes" and not cleaned.get("note"):
            self.add_error("note", "Enter why the HIU alert is set")
        return cleaned
