from django.urls import path

from hiu.web.imports import views

app_name = "imports"
urlpatterns = [
    path("data/", views.data, name="data"),
    path("data/upload/", views.upload, name="upload"),
    path("data/imports/<int:job_id>/", views.job, name="job"),
    path("data/imports/<int:job_id>/quarantine.csv", views.quarantine, name="quarantine"),
    path("data/batches/<int:batch_id>/", views.batch, name="batch"),
]
