"""Scoped queries for import jobs: a data coordinator sees their own service's jobs only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models

from hiu.web.accounts.roles import AnyUser, Role, has_role
from hiu.web.imports.status import MADE_A_BATCH

if TYPE_CHECKING:
    from hiu.web.imports.models import ImportJob  # noqa: F401 - names the queryset's model


def _service_id(user: AnyUser) -> int | None:
    profile = getattr(user, "staff_profile", None)
    return profile.service_id if profile is not None else None


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: AnyUser) -> ImportJobQuerySet:
        """Jobs of the user's own service, for data coordinators; nothing for anyone else.

        Quarantine files hold rows of patient data, so even administrators see no job here.
        """
        service_id = _service_id(user)
        if not has_role(user, Role.DATA_COORDINATOR) or service_id is None:
            return self.none()
        return self.filter(service_id=service_id)

    def that_made(self, batch_ids: Iterable[int]) -> ImportJobQuerySet:
        """The jobs that wrote these batches (not those that found their file already there)."""
        return self.filter(batch_id__in=list(batch_ids), status__in=MADE_A_BATCH)

    def batches_of_other_services(self, user: AnyUser) -> set[int]:
        """Batches that other services' uploads wrote to the shared activity store.

        Only the batch numbers leave this query: they are used to keep those batches (their
        file names, who uploaded them) off this service's pages.
        """
        made = self.filter(status__in=MADE_A_BATCH, batch_id__isnull=False)
        service_id = _service_id(user)
        if service_id is not None:
            made = made.exclude(service_id=service_id)
        return {batch for batch in made.values_list("batch_id", flat=True) if batch is not None}
