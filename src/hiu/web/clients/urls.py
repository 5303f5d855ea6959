from django.urls import path

from hiu.web.clients import views

app_name = "clients"
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("team/", views.team, name="team"),
    path("tasks/", views.tasks, name="tasks"),
    path("clients/", views.client_list, name="list"),
    path("clients/search/", views.search, name="search"),
    path("clients/<int:client_id>/", views.client_detail, name="detail"),
    path("clients/<int:client_id>/activity/", views.client_activity, name="activity"),
    path("clients/<int:client_id>/details/", views.details_history, name="details_history"),
    path("clients/<int:client_id>/details/change/", views.change_details, name="change_details"),
    path("clients/<int:client_id>/details/extract/", views.extract_choice, name="extract_choice"),
    path("clients/<int:client_id>/allocate/", views.allocate_client, name="allocate"),
]
