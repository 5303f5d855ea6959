from django.urls import path

from hiu.web.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("evaluation/", views.overview, name="overview"),
    path("evaluation/runs/new/", views.start, name="start"),
    path("evaluation/runs/<int:run_id>/", views.run, name="run"),
    path("evaluation/runs/<int:run_id>/evaluation.json", views.download_json, name="json"),
    path("evaluation/runs/<int:run_id>/evaluation.html", views.download_html, name="html"),
    path("evaluation/unit-costs/", views.unit_costs, name="unit_costs"),
]
