"""The reports namespace: the service's report targets, and (in their own block) the report
pages themselves."""

from django.urls import path

from hiu.web.reports import target_views, views

app_name = "reports"

# -- Report targets (the service lead's KPI targets) --------------------------------------------
urlpatterns = [
    path("service/report-targets/", target_views.target_list, name="targets"),
    path("service/report-targets/<str:kpi>/", target_views.change_target, name="target"),
]
# -- End of report targets ----------------------------------------------------------------------

# -- Report pages: Reports, drafts, issuing, issued reports and their files ---------------------
urlpatterns += [
    path("reports/", views.report_list, name="list"),
    path("reports/draft/", views.draft, name="draft"),
    path(
        "reports/draft/<str:period_key>/<str:file_format>/",
        views.draft_download,
        name="draft_download",
    ),
    path("reports/issue/", views.issue, name="issue"),
    path("reports/issued/<int:report_id>/", views.issued, name="issued"),
    path(
        "reports/issued/<int:report_id>/<str:file_format>/",
        views.issued_download,
        name="issued_download",
    ),
]
# -- End of report pages ------------------------------------------------------------------------
