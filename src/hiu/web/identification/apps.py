from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "hiu.web.identification"
    label = "identification"
    verbose_name = "Identification"
