from django.urls import path

from hiu.web.interventions import views

app_name = "interventions"
urlpatterns = [
    path("services/interventions/", views.catalogue, name="catalogue"),
    path("services/interventions/new/", views.new_type, name="new_type"),
    path("services/interventions/<int:type_id>/", views.edit_type, name="type"),
    path("clients/<int:client_id>/interventions/", views.client, name="client"),
    path("clients/<int:client_id>/interventions/new/", views.new, name="new"),
    path("clients/<int:client_id>/onward-referrals/new/", views.onward, name="onward"),
    path("interventions/<int:intervention_id>/", views.detail, name="detail"),
    path("interventions/<int:intervention_id>/sessions/", views.new_session, name="add_session"),
    path("interventions/<int:intervention_id>/end/", views.end, name="end"),
    path("interventions/<int:intervention_id>/befriending/", views.referral, name="referral"),
    path("befriending/", views.befriending, name="befriending"),
    path("befriending/<int:intervention_id>/", views.befriending_detail, name="befriending_detail"),
]
