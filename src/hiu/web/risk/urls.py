from django.urls import path

from hiu.web.risk import views

app_name = "risk"
urlpatterns = [
    path(
        "clients/<int:client_id>/risk-alerts/<int:alert_id>/review/",
        views.review,
        name="review",
    ),
]
