"""Case studies: a client's story, written by the team to show what numbers cannot (000 §4.1;
002 EK-F KPI 4.1, two a quarter per lead).

A story reaches a commissioner's report only when all three hold: the team marked it
shareable, the client's consent to share it is recorded (when and how they gave it), and that
consent has not been withdrawn. It must be written without identifiers: saving one that holds
the client's name, NHS number, date of birth, phone or postcode is refused, and the report
checks again before it prints one.

A story filed on the wrong client, or written by mistake, is corrected (ADR 0019): marked
entered in error (it leaves the tab, the service's list and the reports) or moved by the lead
to the right client. Its words are changed with "Change the case study", as a draft is.

``__str__`` names rows by id only: names and NHS numbers never reach logs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hiu.web.clients.models import Client
from hiu.web.corrections.entries import Correctable, CorrectableQuerySet, CurrentManager


class ConsentWay(models.TextChoices):
    WRITTEN = "written", "In writing (signed form)"
    VERBAL = "verbal", "Verbally, recorded by the worker"


class CaseStudyQuerySet(CorrectableQuerySet["CaseStudy"]):
    def shareable(self) -> CaseStudyQuerySet:
        """Stories that may go into a commissioner's report."""
        return self.filter(
            shareable=True,
            consent_given_on__isnull=False,
            consent_withdrawn_on__isnull=True,
        )


class CaseStudy(Correctable):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="case_studies")
    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_studies",
    )
    title = models.CharField(max_length=200)
    # Written to be shared: no names, places, dates of birth or numbers that identify.
    text = models.TextField()
    written_on = models.DateField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_by_username = models.CharField(max_length=150, blank=True)
    # The team's decision that the story is ready to share (the lead or the author).
    shareable = models.BooleanField(default=False)
    # The client's consent to share this story: when and how it was given.
    consent_given_on = models.DateField(null=True, blank=True)
    consent_way = models.CharField(max_length=10, choices=ConsentWay.choices, blank=True)
    consent_withdrawn_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Stories marked entered in error are left out by default (ADR 0019). The stubs see a
    # manager over the case study queryset as a different type from the mixin's.
    objects = CurrentManager.from_queryset(CaseStudyQuerySet)()  # type: ignore[assignment,misc]

    class Meta:
        ordering = ["-written_on", "-id"]
        constraints = [
            # Consent is recorded with how it was given, or not at all.
            models.CheckConstraint(
                condition=Q(consent_given_on__isnull=True, consent_way="")
                | (Q(consent_given_on__isnull=False) & ~Q(consent_way="")),
                name="case_study_consent_with_its_way",
            ),
        ]

    def __str__(self) -> str:
        return f"Case study {self.pk}"

    @property
    def may_be_shared(self) -> bool:
        return (
            self.shareable
            and self.consent_given_on is not None
            and self.consent_withdrawn_on is None
        )
