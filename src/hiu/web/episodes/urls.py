from django.urls import path

from hiu.web.episodes import views

app_name = "episodes"
urlpatterns = [
    path("clients/<int:client_id>/episodes/", views.client_episodes, name="client"),
    path("clients/<int:client_id>/episodes/move/", views.move, name="move"),
    path("clients/<int:client_id>/episodes/complexity/", views.complexity, name="complexity"),
    path(
        "clients/<int:client_id>/episodes/holding-check/", views.holding_check, name="holding_check"
    ),
    path("clients/<int:client_id>/episodes/reopen/", views.reopen, name="reopen"),
    path("follow-ups/<int:follow_up_id>/", views.follow_up, name="follow_up"),
    path("relapse-alerts/<int:alert_id>/dismiss/", views.dismiss, name="dismiss"),
    path("service/pathway/", views.pathway, name="pathway"),
]
