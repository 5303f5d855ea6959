from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "hiu.web.clients"
    label = "clients"
    verbose_name = "Clients"
