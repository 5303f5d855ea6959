"""Recording the review of a risk alert. Thin: the client is opened in the user's own service
(``record_views``), the alert looked up among that client's, the change made by the service."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from hiu.outcomes import INSTRUMENTS
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required
from hiu.web.accounts.roles import Role
from hiu.web.record_views import bind, open_record, record_form, record_page
from hiu.web.risk import services
from hiu.web.risk.forms import ReviewForm
from hiu.web.risk.models import RiskAlert

CASEWORK = (Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR)


@role_required(*CASEWORK)
def review(request: AuthenticatedHttpRequest, client_id: int, alert_id: int) -> HttpResponse:
    client = open_record(request, client_id, "review_risk")
    alert = get_object_or_404(
        RiskAlert.objects.select_related("raised_by", "reviewed_by"), pk=alert_id, client=client
    )
    form = bind(request, ReviewForm, lambda: {"reviewed_on": timezone.localdate()})
    if not alert.is_open and request.method == "POST":
        form = ReviewForm()  # nothing to save: show what was recorded
    return record_form(
        request,
        form,
        save=lambda form: services.record_review(
            alert,
            by=request.user,
            reviewed_on=form.cleaned_data["reviewed_on"],
            what_was_done=form.cleaned_data["what_was_done"],
            crisis_plan_updated=form.cleaned_data["crisis_plan_updated"],
            request=request,
        ),
        saved="Risk review recorded: the risk alert is closed",
        then=redirect("clients:detail", client_id=client.pk),
        show=lambda form: record_page(
            request,
            client,
            "review_risk",
            "risk/review.jinja",
            form=form,
            alert=alert,
            instrument=INSTRUMENTS[alert.instrument].name,
        ),
        fallback="what_was_done",
    )
