from django.urls import path

from hiu.web.diary import views

app_name = "diary"
urlpatterns = [
    path("clients/<int:client_id>/diary/", views.client, name="client"),
    path("clients/<int:client_id>/diary/book/", views.new, name="book"),
    path("diary/bookings/<int:booking_id>/change/", views.edit, name="change"),
    path("diary/bookings/<int:booking_id>/cancel/", views.cancel_view, name="cancel"),
    path("diary/", views.my_week, name="week"),
    path("diary/team/", views.team_week, name="team_week"),
    path("diary/workers/<int:user_id>/", views.worker_week_view, name="worker_week"),
    path("diary/week.ics", views.week_calendar, name="week_calendar"),
    path("diary/calendar-feed/", views.feed_settings, name="feed_settings"),
    path("diary/calendar-feed/new/", views.feed_regenerate, name="feed_regenerate"),
    path("diary/calendar-feed/off/", views.feed_revoke, name="feed_revoke"),
    path("diary/feed/<str:token>.ics", views.feed, name="feed"),
]
