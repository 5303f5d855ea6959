from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "hiu.web.plans"
    label = "plans"
    verbose_name = "Consent, assessment and plans"
