"""Services (the HIU teams) and the staff who work in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

#: The rule set a new service identifies with until its lead chooses another (DESIGN §6).
DEFAULT_RULE_SET = "hackney"


class ListFrequency(models.TextChoices):
    """How often a service's identified list is made without anyone asking for it."""

    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ON_DEMAND = "on_demand", "Only when someone starts one"


class Service(models.Model):
    """One HIU service: the team, its host organisation and its area.

    Every client belongs to exactly one service and staff see only their own service's clients.
    """

    name = models.CharField(max_length=200, unique=True)
    organisation_code = models.CharField(
        max_length=10, help_text="ODS code of the host organisation, e.g. RQX"
    )
    area = models.CharField(max_length=200, blank=True)
    # Identification settings (hiu.web.identification): the rule set's name, shipped or the
    # service's own in $HIU_DATA_DIR/rulesets, and how often lists are made without asking.
    rule_set = models.CharField(max_length=100, default=DEFAULT_RULE_SET)
    list_frequency = models.CharField(
        max_length=20, choices=ListFrequency.choices, default=ListFrequency.ON_DEMAND
    )
    # How clients and GPs reach the service: printed on every letter (hiu.web.contacts.letters)
    # and kept by the lead on the letters' "Service contact details" page.
    address_line_1 = models.CharField(max_length=100, blank=True)
    address_line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def address_lines(self) -> list[str]:
        return [
            line
            for line in (self.address_line_1, self.address_line_2, self.town, self.postcode)
            if line
        ]


class StaffProfile(models.Model):
    """What a user is to the service: which service they work in and their job title.

    Their roles are Django groups (see ``roles.py``); this holds what groups cannot.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="staff", null=True, blank=True
    )
    job_title = models.CharField(max_length=200, blank=True)
    # The organisation that employs them, which may not be the service's host: HIU teams are
    # often made up of staff from several trusts ("Homerton Healthcare", "East London NHS
    # Foundation Trust"). The team view counts open cases by it.
    organisation = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.service or 'no service'})"
