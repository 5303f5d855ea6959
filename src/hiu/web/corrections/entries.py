"""What every correctable entry of a client's record shares: the "entered in error" mark and
the two managers (ADR 0019).

``Correctable`` is an abstract model. Its default manager, ``objects``, leaves out entries
marked entered in error, so every figure, list, rule and task built from ``Model.objects`` (and
from the reverse relations such as ``client.contacts``, which use the default manager) follows
the corrected record without each of them remembering to. ``all_with_errors`` is the way to the
whole record: the entry's history, the "show entries marked in error" list and (issue 19)
subject access. Joins across a relation (``Count("sessions")``) use no manager: those say
``current_only("sessions")`` themselves.

This module imports no other app, so every app's models can use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q

M = TypeVar("M", bound=models.Model)

#: The field that marks an entry entered in error (null while it stands).
IN_ERROR_AT = "entered_in_error_at"


class CorrectableQuerySet(models.QuerySet[M]):
    def current(self) -> CorrectableQuerySet[M]:
        """Entries that stand: not marked entered in error."""
        return self.filter(**{f"{IN_ERROR_AT}__isnull": True})

    def in_error(self) -> CorrectableQuerySet[M]:
        """Entries marked entered in error."""
        return self.filter(**{f"{IN_ERROR_AT}__isnull": False})


class CurrentManager(models.Manager[M]):
    """The default manager: entries marked entered in error are not part of the record's
    figures. Build one over a model's own queryset with ``CurrentManager.from_queryset``."""

    def get_queryset(self) -> models.QuerySet[M]:
        return super().get_queryset().filter(**{f"{IN_ERROR_AT}__isnull": True})


def current_only(relation: str) -> Q:
    """The condition, for a join through ``relation``, that leaves out entries in error."""
    return Q(**{f"{relation}__{IN_ERROR_AT}__isnull": True})


class Correctable(models.Model):
    entered_in_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    entered_in_error_reason = models.TextField(blank=True, editable=False)

    # The first manager is the default one (Django orders a model's own managers before its
    # abstract parents', so a model that declares its own ``objects`` must build it with
    # ``CurrentManager.from_queryset``; a test checks every correctable model).
    objects = CurrentManager.from_queryset(CorrectableQuerySet)()
    all_with_errors = CorrectableQuerySet.as_manager()

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        pk: Any

    @property
    def in_error(self) -> bool:
        return self.entered_in_error_at is not None
