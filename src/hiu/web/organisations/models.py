"""Organisations by ODS code (GP practices, hospital sites), loaded from NHS Digital's ODS files
so pages and letters show a name where the extracts give a code. ODS data is public and the same
for every service, so the table is shared by the installation."""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    GP_PRACTICE = "gp_practice", "GP practice"
    SITE = "site", "Trust site"


class Organisation(models.Model):
    code = models.CharField("ODS code", max_length=10, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    address_line_1 = models.CharField(max_length=100, blank=True)
    address_line_2 = models.CharField(max_length=100, blank=True)
    address_line_3 = models.CharField(max_length=100, blank=True)
    address_line_4 = models.CharField(max_length=100, blank=True)
    address_line_5 = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"Organisation {self.code}"

    @property
    def address_lines(self) -> list[str]:
        lines = [
            self.address_line_1,
            self.address_line_2,
            self.address_line_3,
            self.address_line_4,
            self.address_line_5,
            self.postcode,
        ]
        return [line for line in lines if line]


def organisation_name(code: str) -> str:
    """The loaded name of an ODS code, or ""."""
    found = Organisation.objects.filter(code=code.strip().upper()).values_list("name", flat=True)
    return found.first() or ""


def names_for(codes: set[str]) -> dict[str, str]:
    """The loaded names of several ODS codes, in one query; unknown codes are left out."""
    wanted = {code.strip().upper() for code in codes if code}
    if not wanted:
        return {}
    return dict(Organisation.objects.filter(code__in=wanted).values_list("code", "name"))


def with_name(code: str, names: dict[str, str]) -> str:
    """``Homerton University Hospital (RQXM1)`` where the code is loaded, else the code."""
    if not code:
        return ""
    name = names.get(code.strip().upper())
    return f"{name} ({code})" if name else code


class OrganisationImport(models.Model):
    """One load of an ODS file: what it added, updated and rejected."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    file_name = models.CharField(max_length=200)
    imported_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"Organisation import {self.pk}"


class RejectedRow(models.Model):
    """A row of an ODS file that was not loaded, and why: its row and column are named so the
    data coordinator can find it in the file. ODS data is public, so the row is kept as read."""

    load = models.ForeignKey(
        OrganisationImport, on_delete=models.CASCADE, related_name="rejections"
    )
    row = models.PositiveIntegerField()
    column = models.PositiveSmallIntegerField(null=True, blank=True)  # 1-based; None: the row
    column_name = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=300)
    text = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["load", "row", "id"]

    def __str__(self) -> str:
        return f"Rejected row {self.row} of import {self.load_id}"
