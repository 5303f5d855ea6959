from django.urls import path

from hiu.web.identification import views

app_name = "identification"
urlpatterns = [
    path("identification/", views.runs, name="runs"),
    path("identification/settings/", views.service_settings, name="settings"),
    path("identification/runs/new/", views.start, name="start"),
    path("identification/runs/<int:run_id>/", views.run, name="run"),
    path("identification/runs/<int:run_id>/excluded/", views.excluded, name="excluded"),
    path("identification/runs/<int:run_id>/list.xlsx", views.download, name="download"),
    path(
        "identification/runs/<int:run_id>/people/<int:person_id>/",
        views.person,
        name="person",
    ),
]
