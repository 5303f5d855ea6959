from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "hiu.web.interventions"
    label = "interventions"
    verbose_name = "Interventions"
