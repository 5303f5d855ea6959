from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "hiu.web.organisations"
    label = "organisations"
    verbose_name = "Organisations"
