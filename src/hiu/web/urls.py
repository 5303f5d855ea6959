"""URL routes. Every page needs a signed-in user (LoginRequiredMiddleware) unless marked."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from hiu.web import errors

urlpatterns = [
    path("", include("hiu.web.accounts.urls")),
    path("", include("hiu.web.clients.urls")),
    path("", include("hiu.web.audit.urls")),
    path("", include("hiu.web.imports.urls")),
    path("", include("hiu.web.identification.urls")),
    path("", include("hiu.web.episodes.urls")),
    path("", include("hiu.web.screening.urls")),
    path("", include("hiu.web.contacts.urls")),
    path("", include("hiu.web.corrections.urls")),
    path("", include("hiu.web.plans.urls")),
    path("", include("hiu.web.interventions.urls")),
    path("", include("hiu.web.outcomes.urls")),
    path("", include("hiu.web.evaluation.urls")),
    path("", include("hiu.web.meetings.urls")),
    path("", include("hiu.web.casestudies.urls")),
    path("", include("hiu.web.reports.urls")),
    path("", include("hiu.web.diary.urls")),
    path("", include("hiu.web.organisations.urls")),
    path("", include("hiu.web.notifications.urls")),
    path("", include("hiu.web.risk.urls")),
]
# Closed unless HIU_DJANGO_ADMIN is set (settings.py): users are administered in the app.
if settings.DJANGO_ADMIN:
    urlpatterns.append(path("django-admin/", admin.site.urls))

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
