"""The Jinja2 environment for hiu.web's templates.

Templates come from ``hiu/web/templates`` first and then from ``nhsuk-frontend-jinja``, whose
component macros render the NHS.UK design system. ``ChainableUndefined`` is what those macros
expect (their parameters are optional and chained, e.g. ``params.label.text``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from hiu.web.accounts.roles import navigation_for, role_of
from hiu.web.formatting import (
    display_name,
    display_username,
    format_count,
    format_date,
    format_datetime,
    format_nhs_number,
    format_size,
)
from hiu.web.forms import components as nhsuk_forms
from hiu.web.notifications.presenters import bell_for


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    # Django passes a FileSystemLoader for the DIRS setting; the NHS.UK macros come after it.
    options["loader"] = ChoiceLoader([options["loader"], PackageLoader("nhsuk_frontend_jinja")])
    options["undefined"] = ChainableUndefined
    options.setdefault("autoescape", True)
    # Tidier HTML from the many macro calls; the NHS.UK macros render the same either way.
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    options["extensions"] = [*options.get("extensions", []), "jinja2.ext.do"]
    env = Environment(**options)  # noqa: S701 - autoescape is set True above
    env.globals.update(
        static=static,
        get_messages=get_messages,
        url=url,
        navigation_for=navigation_for,
        role_of=role_of,
        nhsuk_forms=nhsuk_forms,
        notification_bell=bell_for,
    )
    env.filters.update(
        nhs_number=format_nhs_number,
        date=format_date,
        datetime=format_datetime,
        filesize=format_size,
        count=format_count,
        # People by their full names, in one format: ``user | person`` for a user,
        # ``entry.by_username | person_named`` for a username kept on an entry.
        person=display_name,
        person_named=display_username,
    )
    return env
