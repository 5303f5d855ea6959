"""The responsive table macro (templates/hiu/tables.jinja): NHS.UK's responsive table, each
cell with its column's heading for phones, and what a cell shows escaped like any template."""

from __future__ import annotations

from django.template import engines
from tables_support import without_phone_headings

TEMPLATE = """{% from "hiu/tables.jinja" import responsive_table, table_row, table_cell %}
{% call responsive_table("Clients", ["Name", {"text": "Days", "numeric": true},
                                     {"text": "Actions", "hidden": true}]) %}
{% call table_row() %}{% call table_cell("Month", header=true) %}May{% endcall %}
{% call table_cell("Name") %}{{ name }}{% endcall %}
{% call table_cell("Days", numeric=true) %}3{% endcall %}
{% call table_cell() %}<a href="#">Change</a>{% endcall %}{% endcall %}
{% endcall %}"""


def render(**context: object) -> str:
    return str(engines["jinja2"].from_string(TEMPLATE).render(context))


def test_the_table_is_nhsuks_responsive_table_with_its_roles() -> None:
    html = render(name="Ada")
    assert '<table class="nhsuk-table nhsuk-table--responsive" role="table">' in html
    assert '<thead class="nhsuk-table__head" role="rowgroup">' in html
    assert html.count('role="row"') == 2
    assert (
        '<th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric"'
        ' role="columnheader">Days</th>'
    ) in html
    assert '<span class="nhsuk-u-visually-hidden">Actions</span></th>' in html


def test_each_cell_carries_its_heading_hidden_from_screen_readers() -> None:
    html = render(name="Ada")
    assert (
        '<td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading"'
        ' aria-hidden="true">Name </span><div class="hiu-table-value">Ada</div></td>'
    ) in html
    assert '<th class="nhsuk-table__header" scope="row" role="rowheader">' in html
    # A cell without a heading (a column of actions) has no heading span.
    assert '<td class="nhsuk-table__cell" role="cell"><a href="#">Change</a></td>' in html
    assert (
        '<td class="nhsuk-table__cell nhsuk-table__cell--numeric" role="cell">3</td>'
        in without_phone_headings(html)
    )


def test_what_a_cell_shows_is_escaped() -> None:
    html = render(name="<script>alert(1)</script>")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
