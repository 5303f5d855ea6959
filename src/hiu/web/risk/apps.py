from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "hiu.web.risk"
    label = "risk"
    verbose_name = "Risk alerts"
