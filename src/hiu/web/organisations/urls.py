from django.urls import path

from hiu.web.organisations import views

app_name = "organisations"
urlpatterns = [
    path("organisations/", views.organisations, name="list"),
    path("organisations/import/", views.upload, name="upload"),
    path("organisations/imports/<int:load_id>/", views.load, name="load"),
]
