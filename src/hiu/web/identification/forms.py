"""Identification forms. Messages follow the NHS.UK error message guidance: say what to do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from hiu.web.accounts.models import ListFrequency
from hiu.web.forms import DateField
from hiu.web.identification.rulesets import RuleSetChoice
from hiu.web.identification.status import Mark

EARLIEST_AS_OF = dt.date(2000, 1, 1)


class SettingsForm(forms.Form):
    rule_set = forms.ChoiceField(
        error_messages={
            "required": "Select the rule set your service uses",
            "invalid_choice": "Select the rule set your service uses",
        }
    )
    list_frequency = forms.ChoiceField(
        choices=ListFrequency.choices,
        error_messages={
            "required": "Select how often lists are made",
            "invalid_choice": "Select how often lists are made",
        },
    )

    def __init__(self, *args: Any, rule_sets: list[RuleSetChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rule_set"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(choice.name, choice.title) for choice in rule_sets]


class StartRunForm(forms.Form):
    """The as-of date, as the NHS.UK date input asks for it: day, month and year."""

    as_of = DateField("the as-of date", earliest=EARLIEST_AS_OF)


MARK_CHOICES = [("", "New, continuing or dropped"), *Mark.choices]


class ListFilterForm(forms.Form):
    """The filters above a list, sent with GET so a filtered list has an address of its own."""

    mark = forms.ChoiceField(
        required=False,
        choices=MARK_CHOICES,
        error_messages={"invalid_choice": "Select new, continuing or dropped"},
    )
    threshold = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Select a threshold from the list"}
    )
    min_ed_90d = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=9999,
        error_messages={
            "invalid": "Enter the fewest A&E attendances as a whole number, like 5",
            "min_value": "Enter the fewest A&E attendances as a whole number, like 5",
            "max_value": "Enter a number of A&E attendances under 10,000",
        },
    )
    q = forms.CharField(required=False, max_length=100, strip=True)

    def __init__(self, *args: Any, thresholds: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["threshold"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Any threshold"), *thresholds.items()]

    def filters(self) -> dict[str, Any]:
        """The filters that are valid, by name; a filter with a mistake is left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: data[name]
            for name in ("mark", "threshold", "min_ed_90d", "q")
            if name in data and data[name] not in (None, "")
        }
