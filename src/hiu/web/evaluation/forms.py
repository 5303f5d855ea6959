"""The unit-cost form: for each activity its cost, price year and source (DESIGN §7: "year and
source on every figure"), and the service's running costs for a year. Messages follow the
NHS.UK error message guidance: say what to do."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from hiu.evaluate import wording
from hiu.evaluate.unit_costs import UnitCost, UnitCosts

MAX_POUNDS = Decimal("9999999999")
PENCE = Decimal("0.01")


def _field(activity: str, part: str) -> str:
    return f"{activity}__{part}"


class UnitCostForm(forms.Form):
    running_costs = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_value=MAX_POUNDS,
        decimal_places=2,
        error_messages={
            "invalid": "Enter the running costs as a number of pounds, like 185000",
            "min_value": "Running costs must be 0 or more",
            "max_value": "Running costs must be less than £10 billion",
            "max_decimal_places": "Enter the running costs in pounds and pence at most",
        },
    )

    def __init__(self, *args: Any, activities: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activities = activities
        for activity in activities:
            words = wording.activity_words(activity)
            self.fields[_field(activity, "unit_cost")] = forms.DecimalField(
                min_value=Decimal(0),
                max_value=MAX_POUNDS,
                decimal_places=2,
                error_messages={
                    "required": f"Enter the unit cost of {words}",
                    "invalid": f"Enter the unit cost of {words} as a number of pounds",
                    "min_value": f"The unit cost of {words} must be 0 or more",
                    "max_value": f"The unit cost of {words} must be less than £10 billion",
                    "max_decimal_places": f"Enter the unit cost of {words} in pounds and pence",
                },
            )
            self.fields[_field(activity, "price_year")] = forms.CharField(
                max_length=20,
                error_messages={
                    "required": f"Enter the price year of the unit cost of {words}, like 2023/24",
                    "max_length": "Price year must be 20 characters or fewer",
                },
            )
            self.fields[_field(activity, "source")] = forms.CharField(
                max_length=1000,
                error_messages={
                    "required": f"Enter where the unit cost of {words} comes from",
                    "max_length": "Source must be 1000 characters or fewer",
                },
            )

    @staticmethod
    def initial_from(costs: UnitCosts, running_costs: Decimal | None) -> dict[str, Any]:
        initial: dict[str, Any] = {"running_costs": running_costs}
        for item in costs.items:
            initial[_field(item.activity, "unit_cost")] = Decimal(str(item.unit_cost)).quantize(
                PENCE
            )
            initial[_field(item.activity, "price_year")] = item.price_year
            initial[_field(item.activity, "source")] = item.source
        return initial

    def items(self) -> list[UnitCost]:
        data = self.cleaned_data
        return [
            UnitCost(
                activity=activity,
                unit_cost=float(data[_field(activity, "unit_cost")]),
                price_year=data[_field(activity, "price_year")].strip(),
                source=data[_field(activity, "source")].strip(),
            )
            for activity in self.activities
        ]

    def rows(self) -> list[dict[str, Any]]:
        """Each activity's three fields, for the template."""
        return [
            {
                "activity": activity,
                "label": wording.activity_label(activity),
                "unit_cost": self[_field(activity, "unit_cost")],
                "price_year": self[_field(activity, "price_year")],
                "source": self[_field(activity, "source")],
            }
            for activity in self.activities
        ]
