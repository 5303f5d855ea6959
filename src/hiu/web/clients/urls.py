from django.urls import path

from hiu.web.clients import allocation_views, task_views, views

app_name = "clients"
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("team/", views.team, name="team"),
    path("tasks/", views.tasks, name="tasks"),
    path("team/workers/<int:user_id>/", allocation_views.worker_caseload, name="worker"),
    path("team/leaver/", allocation_views.leaver, name="leaver"),
    path("team/leaver/<int:user_id>/", allocation_views.move_caseload, name="move_caseload"),
    path("clients/", views.client_list, name="list"),
    path("clients/export.<slug:file_format>", views.export_clients, name="export"),
    path("clients/search/", views.search, name="search"),
    path("clients/<int:client_id>/", views.client_detail, name="detail"),
    path("clients/<int:client_id>/activity/", views.client_activity, name="activity"),
    path("clients/<int:client_id>/details/", views.details_history, name="details_history"),
    path("clients/<int:client_id>/details/change/", views.change_details, name="change_details"),
    path("clients/<int:client_id>/details/extract/", views.extract_choice, name="extract_choice"),
    path("clients/<int:client_id>/allocate/", views.allocate_client, name="allocate"),
    path("clients/<int:client_id>/tasks/", task_views.client_tasks, name="client_tasks"),
    path("clients/<int:client_id>/tasks/new/", task_views.new_task, name="new_task"),
    path("clients/<int:client_id>/tasks/<slug:ref>/", task_views.task, name="task"),
    path("clients/<int:client_id>/tasks/<slug:ref>/edit/", task_views.edit_task, name="edit_task"),
    path(
        "clients/<int:client_id>/tasks/<slug:ref>/<slug:action>/",
        task_views.task_action,
        name="task_action",
    ),
]
