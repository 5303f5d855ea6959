"""The kinds of entry that can be corrected, declared once each (ADR 0019).

A declaration says which model, which form and fields an amendment changes, how the form is
filled from the entry and read back, where the entries are listed, and what a move to another
client re-attaches (the episode open on the right client's record).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from hiu.outcomes import INSTRUMENTS
from hiu.web.casestudies.models import CaseStudy
from hiu.web.clients.models import Client
from hiu.web.contacts.forms import ContactForm, VisitAmendForm
from hiu.web.contacts.models import Contact, Letter, Visit
from hiu.web.contacts.querysets import open_episode_of
from hiu.web.corrections.registry import EntryKind, register
from hiu.web.formatting import format_date, format_datetime
from hiu.web.interventions.forms import SessionForm
from hiu.web.interventions.models import InterventionSession
from hiu.web.meetings.models import Meeting
from hiu.web.outcomes.forms import GoalRatingAmendForm, MeasureWhenForm
from hiu.web.outcomes.models import GoalRating, OutcomeRecord, PremResponse
from hiu.web.plans.forms import AssessmentForm, ConsentAmendForm
from hiu.web.plans.models import (
    ActionPlan,
    Assessment,
    Consent,
    ConsentLevel,
    CrisisPlan,
    EDPlan,
    Need,
)
from hiu.web.refused import Refused
from hiu.web.screening.forms import DecisionNoteForm
from hiu.web.screening.models import ScreeningDecision

# Contacts and attempts -------------------------------------------------------------------


def _contact_initial(contact: Contact) -> dict[str, Any]:
    at = timezone.localtime(contact.at)
    return {
        "at": at.date(),
        "at_time": f"{at:%H:%M}",
        "channel": contact.channel,
        "reached": "yes" if contact.reached else "no",
        "duration": contact.duration_minutes,
        "note": contact.note,
    }


def _contact_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "at": data["at"],
        "channel": data["channel"],
        "reached": data["reached"] == "yes",
        "duration_minutes": data["duration"],
        "note": str(data["note"]).strip(),
    }


def _contact_moved(contact: Contact, to: Client) -> None:
    contact.episode = open_episode_of(to)
    # A contact recorded by a visit's check-out goes with its visit.
    visit = Visit.all_with_errors.filter(contact=contact).first()
    if visit is not None:
        visit.client = to
        visit.episode = contact.episode
        visit.save(update_fields=["client", "episode"])


def _contact_described(contact: Contact) -> str:
    what = "Contact" if contact.reached else "Attempt"
    return f"{what}: {contact.get_channel_display().lower()}, {format_datetime(contact.at)}"


CONTACT = register(
    EntryKind(
        slug="contact",
        label="contact or attempt",
        model=Contact,
        form=ContactForm,
        fields={
            "at": "When",
            "channel": "How",
            "reached": "Reached",
            "duration_minutes": "Minutes",
            "note": "Note",
        },
        fields_template="corrections/fields/contact.jinja",
        initial=_contact_initial,
        values=_contact_values,
        listed_at=lambda contact: reverse("contacts:client", args=[contact.client_id]),
        describe=_contact_described,
        moved=_contact_moved,
    )
)


def _episode_moved(entry: Any, to: Client) -> None:
    entry.episode = open_episode_of(to)


# Lone-working visits ------------------------------------------------------------------------


def _visit_moved(visit: Visit, to: Client) -> None:
    visit.episode = open_episode_of(to)
    # The contact its check-out recorded goes with it.
    if visit.contact_id is not None:
        Contact.all_with_errors.filter(pk=visit.contact_id).update(client=to, episode=visit.episode)


VISIT = register(
    EntryKind(
        slug="visit",
        label="visit",
        model=Visit,
        form=VisitAmendForm,
        fields={
            "place": "Where",
            "escort": "Escort",
            "risk_note": "Risk assessment",
            "outcome_note": "How it went",
        },
        fields_template="corrections/fields/visit.jinja",
        initial=lambda visit: {
            "place": visit.place,
            "escort": "yes" if visit.escort else "no",
            "risk_note": visit.risk_note,
            "outcome_note": visit.outcome_note,
        },
        values=lambda data: {
            "place": str(data["place"]).strip(),
            "escort": data["escort"] == "yes",
            "risk_note": str(data["risk_note"]).strip(),
            "outcome_note": str(data["outcome_note"]).strip(),
        },
        listed_at=lambda visit: reverse("contacts:client", args=[visit.client_id]),
        describe=lambda visit: f"Visit: {visit.place}, {format_datetime(visit.planned_at)}",
        moved=_visit_moved,
    )
)


# Letters ------------------------------------------------------------------------------------

LETTER = register(
    EntryKind(
        slug="letter",
        label="letter",
        model=Letter,
        # A letter is kept as it was made (and perhaps sent): never amended.
        listed_at=lambda letter: reverse("contacts:client", args=[letter.client_id]),
        describe=lambda letter: f"Letter: {letter.title}, {format_datetime(letter.made_at)}",
        moved=_episode_moved,
    )
)


def _consent_check(consent: Consent, values: dict[str, Any]) -> None:
    # The rules of recording consent (hiu.web.plans.services.record_consent) hold for an
    # amendment too.
    if values["level"] == ConsentLevel.WRITTEN and not str(values["witnessed_by"]).strip():
        raise Refused("Enter who witnessed the written consent", "witnessed_by")
    if values["review_on"] <= values["given_on"]:
        raise Refused("The review date must be after the date consent was given", "review_on")


# Questionnaires (outcome measures) ----------------------------------------------------------


def _questionnaire_described(record: OutcomeRecord) -> str:
    instrument = INSTRUMENTS.get(record.instrument)
    name = instrument.name if instrument is not None else record.instrument
    return f"{name} questionnaire completed {format_date(record.completed_on)}"


QUESTIONNAIRE = register(
    EntryKind(
        slug="questionnaire",
        label="questionnaire",
        model=OutcomeRecord,
        form=MeasureWhenForm,
        fields={"completed_on": "Completed", "point": "When in care"},
        fields_template="corrections/fields/questionnaire.jinja",
        initial=lambda record: {"completed_on": record.completed_on, "point": record.point},
        values=lambda data: {"completed_on": data["completed_on"], "point": data["point"]},
        listed_at=lambda entry: reverse("outcomes:client", args=[entry.client_id]),
        describe=_questionnaire_described,
        moved=_episode_moved,
    )
)


# Experience questionnaires (PREMs) ------------------------------------------------------------

PREM = register(
    EntryKind(
        slug="prem",
        label="experience questionnaire",
        model=PremResponse,
        # As a questionnaire: wrong answers are marked in error and recorded again, so what
        # counts as a positive experience is always worked out from the answers given.
        form=MeasureWhenForm,
        fields={"completed_on": "Completed", "point": "When in care"},
        fields_template="corrections/fields/prem.jinja",
        initial=lambda response: {"completed_on": response.completed_on, "point": response.point},
        values=lambda data: {"completed_on": data["completed_on"], "point": data["point"]},
        listed_at=lambda entry: reverse("outcomes:client", args=[entry.client_id]) + "#experience",
        describe=lambda response: (
            f"Experience questionnaire completed {format_date(response.completed_on)}"
        ),
    )
)


# Goal ratings -------------------------------------------------------------------------------


def _goal_rating_moved(rating: GoalRating, to: Client) -> None:
    # The goal belongs to the wrong client's plan: the rating keeps its wording only.
    rating.goal = None


GOAL_RATING = register(
    EntryKind(
        slug="goal_rating",
        label="goal rating",
        model=GoalRating,
        form=GoalRatingAmendForm,
        fields={"rating": "Rating", "rated_on": "Rated on"},
        fields_template="corrections/fields/goal_rating.jinja",
        initial=lambda rating: {"rating": str(rating.rating), "rated_on": rating.rated_on},
        values=lambda data: {"rating": data["rating"], "rated_on": data["rated_on"]},
        listed_at=lambda entry: reverse("outcomes:client", args=[entry.client_id]),
        describe=lambda rating: (
            f"Goal rating of {rating.rating} on {format_date(rating.rated_on)}: {rating.goal_text}"
        ),
        moved=_goal_rating_moved,
    )
)


# Intervention sessions ----------------------------------------------------------------------


SESSION = register(
    EntryKind(
        slug="session",
        label="session",
        model=InterventionSession,
        form=SessionForm,
        fields={"on": "Date", "status": "Session", "note": "Note"},
        fields_template="corrections/fields/session.jinja",
        initial=lambda session: {
            "on": session.on,
            "status": session.status,
            "note": session.note,
        },
        values=lambda data: {
            "on": data["on"],
            "status": data["status"],
            "note": str(data["note"]).strip(),
        },
        listed_at=lambda session: reverse("interventions:detail", args=[session.intervention_id]),
        describe=lambda session: (
            f"Session on {format_date(session.on)}: {session.get_status_display().lower()}"
        ),
        client_field="intervention__client",
        # A session belongs to its intervention: it cannot move to another client alone.
        movable=False,
    )
)


# Screening decisions ------------------------------------------------------------------------


def _release_list_row(decision: ScreeningDecision) -> list[str]:
    """A decision in error lets go of its list row, so the person can be screened again on
    the same list; it keeps the NHS number and the list's date, which find it for history."""
    decision.identified_person = None
    return ["identified_person"]


def _decision_listed_at(decision: ScreeningDecision) -> str:
    if decision.identified_person_id is not None:
        return reverse("screening:person", args=[decision.identified_person_id])
    return reverse("episodes:client", args=[decision.client_id])


SCREENING_DECISION = register(
    EntryKind(
        slug="screening_decision",
        label="screening decision",
        model=ScreeningDecision,
        form=DecisionNoteForm,
        fields={"note": "Note"},
        fields_template="corrections/fields/screening_decision.jinja",
        initial=lambda decision: {"note": decision.note},
        values=lambda data: {"note": str(data["note"]).strip()},
        listed_at=_decision_listed_at,
        describe=lambda decision: (
            f"{decision.get_decision_display()} at screening, "
            f"{format_datetime(decision.decided_at)}"
        ),
        # A decision is about the person on the list: it is not moved, it is marked in error
        # and the right person screened.
        movable=False,
        in_error_also=_release_list_row,
    )
)


# Consent ------------------------------------------------------------------------------------

CONSENT = register(
    EntryKind(
        slug="consent",
        label="consent",
        model=Consent,
        form=ConsentAmendForm,
        fields={
            "level": "Consent",
            "given_on": "Given on",
            "witnessed_by": "Witnessed by",
            "review_on": "Review date",
        },
        fields_template="corrections/fields/consent.jinja",
        initial=lambda consent: {
            "level": consent.level,
            "given_on": consent.given_on,
            "witnessed_by": consent.witnessed_by,
            "review_on": consent.review_on,
        },
        values=lambda data: {
            "level": data["level"],
            "given_on": data["given_on"],
            "witnessed_by": data["witnessed_by"],
            "review_on": data["review_on"],
        },
        listed_at=lambda consent: reverse("plans:consent", args=[consent.client_id]),
        describe=lambda consent: (
            f"{consent.get_level_display()} given on {format_date(consent.given_on)}"
        ),
        check=_consent_check,
        moved=_episode_moved,
    )
)


# Assessments --------------------------------------------------------------------------------

ASSESSMENT_FIELDS = {
    "assessed_on": "Assessed on",
    "own_account": "The client's own account",
    "needs": "Needs",
    "primary_need": "Main need",
    "needs_note": "About the needs",
    "readiness": "Readiness to engage",
    "risk_to_self": "Risk to themselves",
    "risk_to_others": "Risk to others",
    "risk_to_staff": "Risk to staff",
    "risk_note": "About the risks",
}


def _assessment_values(data: dict[str, Any]) -> dict[str, Any]:
    # As when recording one (hiu.web.plans.services.assess): a main need not ticked is ticked,
    # and needs are kept in the list's order.
    primary = data["primary_need"]
    ticked = set(data["needs"]) | ({primary} if primary else set())
    values = {name: data[name] for name in ASSESSMENT_FIELDS}
    values["needs"] = [code for code in Need.values if code in ticked]
    for name in ("own_account", "needs_note", "risk_note"):
        values[name] = str(values[name]).strip()
    return values


def _assessment_check(assessment: Assessment, values: dict[str, Any]) -> None:
    if values["assessed_on"] > timezone.localdate():
        raise Refused("The date of the assessment must be today or in the past", "assessed_on")


def _needs_text(codes: list[str]) -> str:
    labels = dict(Need.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes) or "None recorded"


ASSESSMENT = register(
    EntryKind(
        slug="assessment",
        label="assessment",
        model=Assessment,
        form=AssessmentForm,
        fields=ASSESSMENT_FIELDS,
        fields_template="corrections/fields/assessment.jinja",
        initial=lambda assessment: {name: getattr(assessment, name) for name in ASSESSMENT_FIELDS},
        values=_assessment_values,
        listed_at=lambda assessment: reverse("plans:client", args=[assessment.client_id]),
        describe=lambda assessment: f"Assessment of {format_date(assessment.assessed_on)}",
        check=_assessment_check,
        moved=_episode_moved,
        shown_as={"needs": _needs_text},
    )
)


# Team meetings ------------------------------------------------------------------------------

MEETING = register(
    EntryKind(
        slug="meeting",
        label="team meeting",
        model=Meeting,
        # A meeting holds a date, a kind, the organisations and the clients discussed: one
        # recorded wrongly is marked in error and recorded again, not amended.
        listed_at=lambda meeting: reverse("meetings:detail", args=[meeting.pk]),
        describe=lambda meeting: (
            f"{meeting.get_kind_display()} held on {format_date(meeting.held_on)}"
        ),
        # The service's, naming several clients: on no one client's record, so never moved
        # (a client wrongly listed is the meeting marked in error and recorded again).
        client_field="",
        movable=False,
        unattached_audit=("record_meeting", "meeting"),
    )
)


# Case studies -------------------------------------------------------------------------------

CASE_STUDY = register(
    EntryKind(
        slug="case_study",
        label="case study",
        model=CaseStudy,
        # A story's words are changed by "Change the case study" (audited WRITE_CASE_STUDY), as
        # a draft is redrafted: the corrections are marking it in error and moving it.
        listed_at=lambda case_study: reverse("casestudies:client", args=[case_study.client_id]),
        describe=lambda case_study: (
            f"Case study: {case_study.title}, written {format_date(case_study.written_on)}"
        ),
        moved=_episode_moved,
    )
)


# Plan versions ------------------------------------------------------------------------------
# A plan is amended by saving a new version (each keeps who made it and when), so a version is
# never amended in place: the corrections are marking one entered in error (the one before it
# becomes current again). Nor is one moved: its number belongs to the client's run of
# versions, so one filed on the wrong client is marked in error and the plan written on the
# right client's record.


def _plan_kind(
    slug: str, label: str, model: type[ActionPlan | CrisisPlan | EDPlan], listed: str
) -> EntryKind:
    return register(
        EntryKind(
            slug=slug,
            label=label,
            model=model,
            listed_at=lambda plan: reverse(listed, args=[plan.client_id]),
            describe=lambda plan: (
                f"{label[0].upper()}{label[1:]} {plan.version}, "
                f"made {format_datetime(plan.made_at)}"
            ),
            movable=False,
        )
    )


ACTION_PLAN = _plan_kind("action_plan", "action plan version", ActionPlan, "plans:plan_history")
CRISIS_PLAN = _plan_kind("crisis_plan", "crisis plan version", CrisisPlan, "plans:crisis")
ED_PLAN = _plan_kind("ed_plan", "ED plan version", EDPlan, "plans:ed_plan")
