from django.urls import path

from hiu.web.contacts import views

app_name = "contacts"
urlpatterns = [
    path("clients/<int:client_id>/contacts/", views.client, name="client"),
    path("clients/<int:client_id>/contacts/new/", views.new, name="new"),
    path("clients/<int:client_id>/letters/", views.make, name="make_letter"),
    path("letters/<int:letter_id>/", views.letter, name="letter"),
    path("letter-templates/", views.templates, name="templates"),
    path("letter-templates/service-contact/", views.service_contact, name="service_contact"),
    path("letter-templates/<slug:kind>/", views.template, name="template"),
    path("visits/", views.visits, name="visits"),
    path("clients/<int:client_id>/visits/check-in/", views.check_in_view, name="check_in"),
    path("visits/<int:visit_id>/check-out/", views.check_out_view, name="check_out"),
]
