from django.urls import path

from hiu.web.plans import views

app_name = "plans"
urlpatterns = [
    path("clients/<int:client_id>/consent/", views.consent, name="consent"),
    path("clients/<int:client_id>/consent/new/", views.record_consent, name="record_consent"),
    path(
        "clients/<int:client_id>/consent/withdraw/",
        views.withdraw_consent,
        name="withdraw_consent",
    ),
    path("clients/<int:client_id>/plans/", views.client_plans, name="client"),
    path("clients/<int:client_id>/plans/assessment/", views.assess, name="assess"),
    path("clients/<int:client_id>/plans/action-plan/", views.edit_plan, name="edit_plan"),
    path(
        "clients/<int:client_id>/plans/action-plan/versions/",
        views.plan_history,
        name="plan_history",
    ),
    path("clients/<int:client_id>/plans/crisis/", views.crisis, name="crisis"),
    path("clients/<int:client_id>/plans/ed/", views.ed_plan, name="ed_plan"),
    path("clients/<int:client_id>/plans/alert/", views.alert, name="alert"),
]
