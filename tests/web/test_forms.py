"""The form layer (hiu.web.forms): the one NHS.UK date field, and the components and error
summary rendered from a bound form by the macros in templates/hiu/forms.jinja."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.template import engines
from django.utils import timezone

from hiu.web.forms import DateField
from hiu.web.forms import components as nhsuk_forms


class ExampleForm(forms.Form):
    held_on = DateField("the date of the meeting")
    review_on = DateField("the review date", required=False, not_future=False)
    kind = forms.ChoiceField(
        choices=[("", "Choose"), ("a", "A"), ("b", "B")],
        error_messages={"required": "Select the kind"},
    )
    note = forms.CharField(max_length=50, widget=forms.Textarea)


def render(source: str, form: forms.Form) -> str:
    engine = engines["jinja2"]
    template = engine.from_string('{% from "hiu/forms.jinja" import ' + source)
    return str(template.render({"form": form}))


def test_a_date_is_read_from_its_three_boxes() -> None:
    form = ExampleForm(
        {"held_on_day": "4", "held_on_month": "9", "held_on_year": "2024", "kind": "a", "note": "x"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == dt.date(2024, 9, 4)
    assert form.cleaned_data["review_on"] is None


def test_a_date_s_errors_are_the_nhs_uk_wording() -> None:
    cases = {
        ("", "", ""): "Enter the date of the meeting",
        ("4", "", "2024"): "The date of the meeting must include a month",
        ("31", "2", "2024"): "The date of the meeting must be a real date",
        ("4", "9", "24"): "The date of the meeting must have a 4-digit year, like",
        ("4", "9", str(timezone.localdate().year + 1)): "must be today or in the past",
    }
    for (day, month, year), message in cases.items():
        form = ExampleForm({"held_on_day": day, "held_on_month": month, "held_on_year": year})
        assert not form.is_valid()
        assert message in " ".join(form.errors["held_on"]), (day, month, year)


def test_the_date_input_marks_only_the_boxes_missing() -> None:
    form = ExampleForm({"held_on_day": "4", "held_on_month": "", "held_on_year": "2024"})
    form.is_valid()
    page = render("date_input %}{{ date_input(form.held_on, 'When?') }}", form)
    assert 'class="nhsuk-date-input"' in page
    assert "nhsuk-form-group--error" in page
    month = page[page.index('id="held_on-month"') - 200 : page.index('id="held_on-month"')]
    day = page[page.index('id="held_on-day"') - 200 : page.index('id="held_on-day"')]
    assert "nhsuk-input--error" in month
    assert "nhsuk-input--error" not in day
    assert 'aria-describedby="held_on-hint held_on-error"' in page
    assert 'value="4"' in page


def test_the_date_input_shows_the_initial_date() -> None:
    form = ExampleForm(initial={"held_on": dt.date(2026, 3, 15)})
    params = nhsuk_forms.date_input(form["held_on"], "When?")
    assert [item["value"] for item in params["items"]] == ["15", "3", "2026"]
    assert params["errorMessage"] is None


def test_the_error_summary_links_each_error_to_its_field_s_first_input() -> None:
    form = ExampleForm({"held_on_day": "", "kind": "", "note": ""})
    form.is_valid()
    form.add_error(None, "Something is wrong")
    summary = nhsuk_forms.error_summary(form)
    assert summary is not None
    assert [(e["text"], e["href"]) for e in summary["errorList"]] == [
        ("Something is wrong", "#form"),
        ("Enter the date of the meeting", "#held_on-day"),
        ("Select the kind", "#kind"),
        ("This field is required.", "#note"),
    ]
    assert nhsuk_forms.error_summary(ExampleForm()) is None


def test_radios_character_count_and_errors_come_from_the_bound_field() -> None:
    form = ExampleForm({"kind": "b", "note": ""})
    form.is_valid()
    page = render(
        "radios_field, character_count %}"
        "{{ radios_field(form.kind, 'What kind?', inline=true) }}"
        "{{ character_count(form.note, 'Note') }}",
        form,
    )
    assert 'id="kind" name="kind" type="radio" value="a"' in page
    assert 'id="kind-2" name="kind" type="radio" value="b" checked' in page
    assert "nhsuk-radios--inline" in page
    assert 'data-maxlength="50"' in page
    assert 'id="note-error"' in page
