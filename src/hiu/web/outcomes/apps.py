from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "hiu.web.outcomes"
    label = "outcomes"
    verbose_name = "Outcome measures"
