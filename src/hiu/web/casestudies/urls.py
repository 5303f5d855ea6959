from django.urls import path

from hiu.web.casestudies import views

app_name = "casestudies"
urlpatterns = [
    path("clients/<int:client_id>/case-studies/", views.client_page, name="client"),
    path("clients/<int:client_id>/case-studies/new/", views.write, name="new"),
    path("clients/<int:client_id>/case-studies/<int:case_study_id>/edit/", views.edit, name="edit"),
    path(
        "clients/<int:client_id>/case-studies/<int:case_study_id>/consent/",
        views.consent,
        name="consent",
    ),
    path(
        "clients/<int:client_id>/case-studies/<int:case_study_id>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path(
        "clients/<int:client_id>/case-studies/<int:case_study_id>/sharing/",
        views.sharing,
        name="sharing",
    ),
    path("case-studies/", views.case_study_list, name="list"),
]
