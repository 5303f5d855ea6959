from django.urls import path

from hiu.web.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("clients/<int:client_id>/outcomes/", views.client_page, name="client"),
    path("clients/<int:client_id>/outcomes/record/", views.record_measure, name="record"),
    path("clients/<int:client_id>/outcomes/goals/", views.rate_goals, name="goals"),
    path("clients/<int:client_id>/outcomes/experience/", views.record_prem, name="prem"),
    path("service/experience-questionnaire/", views.questionnaire, name="questionnaire"),
    path("outcomes/", views.summary, name="summary"),
]
