"""The parameters of the NHS.UK components for a bound Django field.

Each function takes a ``BoundField`` (``form["name"]``, or ``form.name`` in a template) and what
the page says about it (legend or label, hint) and returns the dict the matching
nhsuk-frontend-jinja macro takes: the name and id, the value shown or the items checked, and the
field's error message. The macros in ``templates/hiu/forms.jinja`` call them, so a template
writes ``radios_field(form.kind, "What kind?")`` and never wires an ``errorMessage`` itself.

Ids follow the NHS.UK components: a field's first input has the field's name as its id
(``<name>-day`` for a date), which is where the error summary links (``first_input_id``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.forms.boundfield import BoundField

from hiu.web.forms.dates import PARTS, DateInput

Params = dict[str, Any]


def messages(bound: BoundField) -> list[str]:
    return [str(message) for message in bound.errors]


def error_message(bound: BoundField) -> Params | None:
    texts = messages(bound)
    return {"text": " ".join(texts)} if texts else None


def first_input_id(bound: BoundField) -> str:
    """The id of the field's first input: where the error summary links."""
    if isinstance(bound.field.widget, DateInput):
        return f"{bound.html_name}-day"
    return bound.html_name


def _hint(hint: str) -> Params | None:
    return {"text": hint} if hint else None


def _fieldset(legend: str, size: str) -> Params:
    return {"legend": {"text": legend, "size": size}}


def _with(params: Params, extra: Mapping[str, Any] | None) -> Params:
    return params | dict(extra or {})


def date_input(
    bound: BoundField,
    legend: str,
    hint: str = "",
    size: str = "s",
    extra: Mapping[str, Any] | None = None,
) -> Params:
    """The NHS.UK date input: ``<name>_day``, ``<name>_month`` and ``<name>_year`` boxes with
    ids ``<name>-day``, ...; a date missing only some parts marks just those boxes."""
    widget = bound.field.widget
    assert isinstance(widget, DateInput), f"{bound.name} is not a DateField"
    shown = widget.parts(bound.value())
    in_error = _parts_in_error(bound)
    name = bound.html_name
    items = [
        {
            "id": f"{name}-{part}",
            "name": f"{name}_{part}",
            "label": part.capitalize(),
            "width": 4 if part == "year" else 2,
            "value": shown[part],
            **({"error": True} if part in in_error else {}),
        }
        for part in PARTS
    ]
    params = {
        "id": name,
        "fieldset": _fieldset(legend, size),
        "hint": _hint(hint),
        "errorMessage": error_message(bound),
        "items": items,
    }
    return _with(params, extra)


def _parts_in_error(bound: BoundField) -> set[str]:
    """The boxes a date's error names ("must include a month"); none means all of them."""
    if bound.form.errors.get(bound.name) is None:
        return set()
    named: set[str] = set()
    for error in bound.form.errors.as_data().get(bound.name, []):
        params = error.params if isinstance(error.params, Mapping) else {}
        named.update(params.get("parts", []))
    return named


def _checked(value: Any, chosen: Any) -> bool:
    if isinstance(chosen, list | tuple):
        return str(value) in {str(c) for c in chosen}
    return chosen is not None and str(value) == str(chosen)


def choice_items(
    bound: BoundField,
    hints: Mapping[str, str] | None = None,
    choices: Iterable[tuple[Any, str]] | None = None,
) -> list[Params]:
    """One item a choice (a blank choice is left out), checked as the field's value says."""
    field = bound.field
    listed = choices if choices is not None else getattr(field, "choices", [])
    chosen = bound.value()
    items = []
    for value, text in listed:
        if value in ("", None):
            continue
        item: Params = {"value": value, "text": text, "checked": _checked(value, chosen)}
        if hints and str(value) in hints:
            item["hint"] = {"text": hints[str(value)]}
        items.append(item)
    return items


def radios(
    bound: BoundField,
    legend: str,
    hint: str = "",
    size: str = "s",
    inline: bool = False,
    hints: Mapping[str, str] | None = None,
    choices: Iterable[tuple[Any, str]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Params:
    params = {
        "idPrefix": bound.html_name,
        "name": bound.html_name,
        "fieldset": _fieldset(legend, size),
        "hint": _hint(hint),
        "items": choice_items(bound, hints, choices),
        "errorMessage": error_message(bound),
    }
    if inline:
        params["classes"] = "nhsuk-radios--inline"
    return _with(params, extra)


def checkboxes(
    bound: BoundField,
    legend: str,
    hint: str = "",
    size: str = "s",
    text: str = "",
    item_hint: str = "",
    hints: Mapping[str, str] | None = None,
    choices: Iterable[tuple[Any, str]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Params:
    """Checkboxes for a ``MultipleChoiceField``, or one checkbox (``text``) for a
    ``BooleanField``, sent as "on"."""
    if isinstance(bound.field, forms.BooleanField):
        value = bound.value()
        item: Params = {"value": "on", "text": text, "checked": value in (True, "on", "True")}
        if item_hint:
            item["hint"] = {"text": item_hint}
        items: list[Params] = [item]
    else:
        items = choice_items(bound, hints, choices)
    params = {
        "idPrefix": bound.html_name,
        "name": bound.html_name,
        "fieldset": _fieldset(legend, size),
        "hint": _hint(hint),
        "items": items,
        "errorMessage": error_message(bound),
    }
    return _with(params, extra)


def select(
    bound: BoundField,
    label: str,
    hint: str = "",
    default: str = "",
    choices: Iterable[tuple[Any, str]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Params:
    """A select of the field's choices; ``default`` is chosen while the field has no value."""
    listed = choices if choices is not None else getattr(bound.field, "choices", [])
    chosen = bound.value()
    if chosen in (None, ""):
        chosen = default
    params = {
        "id": bound.html_name,
        "name": bound.html_name,
        "label": {"text": label},
        "hint": _hint(hint),
        "items": [
            {"value": value, "text": text, "selected": _checked(value, chosen)}
            for value, text in listed
        ],
        "errorMessage": error_message(bound),
    }
    return _with(params, extra)


def _boxed(bound: BoundField, label: str, hint: str, size: str = "") -> Params:
    """What every box that takes typing shares: its name, label, hint and error."""
    return {
        "id": bound.html_name,
        "name": bound.html_name,
        "label": {"text": label, "size": size} if size else {"text": label},
        "hint": _hint(hint),
        "errorMessage": error_message(bound),
    }


def _typed_back(bound: BoundField) -> Any:
    """What the person typed, shown again when the page comes back with an error."""
    value = bound.value()
    return "" if value is None else value


def text_input(
    bound: BoundField,
    label: str,
    hint: str = "",
    classes: str = "",
    size: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Params:
    params = _boxed(bound, label, hint, size)
    params.update(value=_typed_back(bound), classes=classes or None)
    return _with(params, extra)


def password_input(
    bound: BoundField,
    label: str,
    hint: str = "",
    classes: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Params:
    """A password box: what was typed is never sent back to the page."""
    params = _boxed(bound, label, hint)
    params["classes"] = classes or None
    return _with(params, extra)


def textarea(
    bound: BoundField,
    label: str,
    hint: str = "",
    rows: int = 5,
    size: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Params:
    params = _boxed(bound, label, hint, size)
    params.update(rows=rows, value=_typed_back(bound))
    return _with(params, extra)


def character_count(
    bound: BoundField,
    label: str,
    hint: str = "",
    rows: int = 5,
    size: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Params:
    """A textarea that counts down to the field's ``max_length``."""
    params = textarea(bound, label, hint, rows, size)
    max_length = getattr(bound.field, "max_length", None)
    if max_length:
        params["maxlength"] = max_length
    return _with(params, extra)


def file_upload(
    bound: BoundField,
    label: str,
    hint: str = "",
    size: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Params:
    """A file input: no value is shown, since a browser never sends a file back."""
    return _with(_boxed(bound, label, hint, size), extra)


def error_summary(
    form: forms.BaseForm | Mapping[str, list[str]] | None,
    anchors: Mapping[str, str] | None = None,
) -> Params | None:
    """The NHS.UK error summary of a form (or of errors by field name), or ``None``.

    Errors of the form as a whole come first, then those of the fields named in ``anchors``
    (field name -> href, in the order of the page), then the rest in the order they were
    found. A field not in ``anchors`` links to its first input; errors of the form as a whole
    to ``anchors["__all__"]``, or else to ``#form``.
    """
    if not form:
        return None
    anchors = dict(anchors or {})
    if isinstance(form, forms.BaseForm):
        errors = {name: [str(m) for m in found] for name, found in form.errors.items()}
        for name in errors:
            if name in form.fields and name not in anchors:
                anchors[name] = f"#{first_input_id(form[name])}"
    else:
        errors = {name: [str(m) for m in found] for name, found in form.items()}
    if not errors:
        return None
    order = ["__all__", *(name for name in anchors if name != "__all__")]
    order += [name for name in errors if name not in order]
    error_list = [
        {"text": text, "href": anchors.get(name, "#form" if name == "__all__" else f"#{name}")}
        for name in order
        for text in errors.get(name, [])
    ]
    return {"titleText": "There is a problem", "errorList": error_list}
