"""The audit log: one row per event, never changed or deleted.

Append-only is enforced twice: the model refuses updates and deletes, and a database trigger
(see migration 0002) refuses them from any other client too, on SQLite and PostgreSQL alike.
Rows name people by user id and username and records by type and id; they never carry NHS
numbers, names or other row values, so the log itself can be shown to an IG lead safely.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_OUT = "sign_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    VIEW_CLIENT = "view_client", "Viewed client record"
    CREATE_CLIENT = "create_client", "Created client record"
    UPDATE_CLIENT = "update_client", "Changed client record"
    UPLOAD_EXTRACT = "upload_extract", "Uploaded an activity extract"
    DOWNLOAD_QUARANTINE = "download_quarantine", "Downloaded a quarantine file"
    CHANGE_IDENTIFICATION_SETTINGS = (
        "change_identification_settings",
        "Changed identification settings",
    )
    START_IDENTIFICATION = "start_identification", "Started an identification run"
    VIEW_IDENTIFIED_LIST = "view_identified_list", "Viewed an identified list"
    VIEW_PERSON_ACTIVITY = "view_person_activity", "Viewed a person's activity"
    DOWNLOAD_IDENTIFIED_LIST = "download_identified_list", "Downloaded an identified list"
    SCREEN_PERSON = "screen_person", "Screened a person on an identified list"
    SEARCH_CLIENTS = "search_clients", "Searched for clients"
    DOWNLOAD_LETTER = "download_letter", "Downloaded a letter"
    CHANGE_SERVICE_SETTINGS = "change_service_settings", "Changed the service's casework settings"
    VIEW_BEFRIENDING_REFERRAL = "view_befriending_referral", "Viewed a befriending referral"
    RECORD_OUTCOME = "record_outcome", "Recorded an outcome measure"
    CHANGE_OUTCOME_SETTINGS = (
        "change_outcome_settings",
        "Changed the service's experience questionnaire",
    )
    VIEW_OUTCOME_SUMMARY = "view_outcome_summary", "Viewed the service's outcome summary"
    RUN_EVALUATION = "run_evaluation", "Ran the service evaluation"
    VIEW_EVALUATION = "view_evaluation", "Viewed the service evaluation"
    CHANGE_UNIT_COSTS = "change_unit_costs", "Changed the unit costs"
    RECORD_MEETING = "record_meeting", "Recorded a team meeting"
    VIEW_MEETING = "view_meeting", "Viewed a team meeting"
    WRITE_CASE_STUDY = "write_case_study", "Wrote or changed a case study"
    VIEW_REPORT = "view_report", "Viewed a service report"
    DOWNLOAD_REPORT = "download_report", "Downloaded a service report"
    ISSUE_REPORT = "issue_report", "Issued a service report to commissioners"
    CHANGE_TARGETS = "change_targets", "Changed the service's targets"
    EXPORT_CLIENTS = "export_clients", "Exported the client list"
    DOWNLOAD_CALENDAR = "download_calendar", "Downloaded a diary week as a calendar file"
    CHANGE_CALENDAR_FEED = "change_calendar_feed", "Regenerated or revoked a calendar feed"
    READ_CALENDAR_FEED = "read_calendar_feed", "A calendar app read a private calendar feed"
    RAISE_RISK_ALERT = "raise_risk_alert", "A risk answer raised a risk alert"
    REVIEW_RISK_ALERT = "review_risk_alert", "Recorded the review of a risk alert"
    CREATE_USER = "create_user", "Added a user"
    CHANGE_USER = "change_user", "Changed a user's details, roles or service"
    DEACTIVATE_USER = "deactivate_user", "Switched off a user's account"
    REACTIVATE_USER = "reactivate_user", "Switched a user's account back on"
    RESET_PASSWORD = "reset_password", "Set a new password for a user"
    SEARCH_AUDIT_LOG = "search_audit_log", "Searched the audit log by NHS number"
    EXPORT_AUDIT_LOG = "export_audit_log", "Downloaded entries of the audit log"
    CHANGE_NOTIFICATION_PREFERENCES = (
        "change_notification_preferences",
        "Changed their notification preferences",
    )


class AppendOnlyError(RuntimeError):
    pass


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    # The username as typed or as it was then: failed sign-ins have no user, and usernames change.
    actor_username = models.CharField(max_length=150, blank=True)
    # One of ``Action``, checked in ``save``. Not given as the field's choices: every new action
    # would then be a migration that writes out the whole list again (there were eleven).
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        if self.action not in Action.values:
            raise ValueError(f"Not an audit action: {self.action!r}")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")

    @property
    def action_label(self) -> str:
        """The action in words ("Viewed client record")."""
        return Action(self.action).label
