from django.urls import path

from hiu.web.meetings import views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.record_meeting, name="new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="detail"),
    path(
        "meetings/<int:meeting_id>/entered-in-error/",
        views.meeting_in_error,
        name="in_error",
    ),
]
