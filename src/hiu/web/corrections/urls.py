from django.urls import path

from hiu.web.corrections import views

app_name = "corrections"

_ENTRY = "clients/<int:client_id>/entries/<slug:kind>/<int:entry_id>/"

urlpatterns = [
    path(_ENTRY, views.entry, name="entry"),
    path(f"{_ENTRY}amend/", views.amend_view, name="amend"),
    path(f"{_ENTRY}entered-in-error/", views.in_error_view, name="in_error"),
    path(f"{_ENTRY}move/", views.move_view, name="move"),
]
