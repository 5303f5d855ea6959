from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "hiu.web.reports"
    label = "reports"
    verbose_name = "Service reports"
