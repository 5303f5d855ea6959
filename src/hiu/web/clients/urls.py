from django.urls import path

from hiu.web.clients import views

app_name = "clients"
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("team/", views.team, name="team"),
    path("clients/", views.client_list, name="list"),
    path("clients/<int:client_id>/", views.client_detail, name="detail"),
]
