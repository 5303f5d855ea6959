"""Episode forms: moving between phases, holding checks, follow-ups, relapses, the pathway."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from hiu.web.episodes.models import Pathway
from hiu.web.episodes.phases import Complexity, Phase
from hiu.web.forms import DateField

REASON_MAX = 2000


class MoveForm(forms.Form):
    to = forms.ChoiceField(
        error_messages={
            "required": "Select the phase the client is moving to",
            "invalid_choice": "Select the phase the client is moving to",
        }
    )
    on = DateField("the date of the change")
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        error_messages={"max_length": f"Why must be {REASON_MAX:,} characters or fewer"},
    )
    # Stepping down: make the plan letter to the GP and the letter to the client.
    letters = forms.BooleanField(required=False)

    def __init__(self, *args: Any, moves: list[Phase], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(phase.value, phase.label) for phase in moves]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("to") == Phase.CLOSED and not str(cleaned.get("reason") or "").strip():
            self.add_error("reason", "Enter why the episode is closing")
        return cleaned


class ComplexityForm(forms.Form):
    complexity = forms.ChoiceField(
        choices=Complexity.choices,
        error_messages={
            "required": "Select the complexity tier",
            "invalid_choice": "Select the complexity tier",
        },
    )


class HoldingCheckForm(forms.Form):
    checked_on = DateField("the date of the check")
    note = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        error_messages={"max_length": f"The note must be {REASON_MAX:,} characters or fewer"},
    )


class FollowUpForm(forms.Form):
    done_on = DateField("the date of the follow-up")
    note = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        error_messages={"max_length": f"The note must be {REASON_MAX:,} characters or fewer"},
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        error_messages={
            "required": "Enter why the case is re-opening",
            "max_length": f"Why must be {REASON_MAX:,} characters or fewer",
        },
    )


class DismissForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        error_messages={
            "required": "Enter why the alert needs no re-opening",
            "max_length": f"Why must be {REASON_MAX:,} characters or fewer",
        },
    )


class PathwayForm(forms.ModelForm[Pathway]):
    follow_up_text = forms.CharField(
        max_length=40,
        error_messages={"required": "Enter the follow-up months, like 3, 6, 12"},
    )

    class Meta:
        model = Pathway
        fields = [
            "holding_weeks",
            "support_weeks",
            "contact_attempts_before_letter",
            "first_contact_hours",
            "consent_review_months",
            "plan_review_weeks",
            "caseload_cap",
            "new_per_quarter_cap",
            "weight_high",
            "weight_medium",
            "weight_low",
        ]

    LIMITS: ClassVar[dict[str, tuple[int, int, str]]] = {
        "holding_weeks": (0, 52, "the holding weeks"),
        "support_weeks": (1, 104, "the support weeks"),
        "contact_attempts_before_letter": (1, 10, "the contact attempts before the letters"),
        "first_contact_hours": (1, 168, "the first-contact hours"),
        "consent_review_months": (1, 36, "the consent review months"),
        "plan_review_weeks": (1, 52, "the plan review weeks"),
        "caseload_cap": (1, 500, "the caseload cap"),
        "new_per_quarter_cap": (1, 200, "the new clients a quarter"),
        "weight_high": (1, 10, "the weight of a high-complexity client"),
        "weight_medium": (1, 10, "the weight of a medium-complexity client"),
        "weight_low": (1, 10, "the weight of a low-complexity client"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (low, high, what) in self.LIMITS.items():
            field = self.fields[name]
            message = f"Enter {what} as a whole number from {low} to {high}"
            field.error_messages.update(
                {
                    "required": message,
                    "invalid": message,
                    "min_value": message,
                    "max_value": message,
                }
            )
        if self.instance.pk and not self.is_bound:
            self.initial["follow_up_text"] = ", ".join(
                str(m) for m in self.instance.follow_up_months
            )

    def clean_follow_up_text(self) -> list[int]:
        text = self.cleaned_data["follow_up_text"]
        try:
            months = sorted({int(part) for part in text.replace(" ", "").split(",") if part})
        except ValueError:
            raise forms.ValidationError(
                "Enter the follow-up months as numbers, like 3, 6, 12"
            ) from None
        if not months or any(m < 1 or m > 60 for m in months):
            raise forms.ValidationError("Enter follow-up months from 1 to 60, like 3, 6, 12")
        return months

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, (low, high, what) in self.LIMITS.items():
            value = cleaned.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, f"Enter {what} as a whole number from {low} to {high}")
        return cleaned

    def save(self, commit: bool = True) -> Pathway:
        pathway: Pathway = super().save(commit=False)
        pathway.follow_up_months = self.cleaned_data["follow_up_text"]
        if commit:
            pathway.save()
        return pathway
