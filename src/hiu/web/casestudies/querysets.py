"""Queries for case studies. Each starts from a client the caller already opened through
``Client.objects.visible_to`` or from the caller's own service, so none reaches another
service's stories."""

from __future__ import annotations

from hiu.web.accounts.models import Service
from hiu.web.casestudies.models import CaseStudy, CaseStudyQuerySet
from hiu.web.clients.models import Client


def case_studies_of(service: Service) -> CaseStudyQuerySet:
    """The service's case studies, latest written first."""
    return CaseStudy.objects.filter(client__service=service).select_related("client", "written_by")


def case_studies_of_client(client: Client) -> list[CaseStudy]:
    return list(client.case_studies.select_related("written_by"))


def case_study_of(client: Client, case_study_id: int) -> CaseStudy | None:
    return client.case_studies.filter(pk=case_study_id).first()


def case_studies_in_error_of_client(client: Client) -> list[CaseStudy]:
    """The client's case studies marked entered in error (ADR 0019), latest written first."""
    return list(
        CaseStudy.all_with_errors.in_error()
        .filter(client=client)
        .select_related("entered_in_error_by")
        .order_by("-written_on", "-id")
    )
