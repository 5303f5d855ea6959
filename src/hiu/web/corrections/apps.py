from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    name = "hiu.web.corrections"
    label = "corrections"
    verbose_name = "Corrections to the record"
