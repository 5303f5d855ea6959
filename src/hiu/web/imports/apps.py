from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "hiu.web.imports"
    label = "imports"
    verbose_name = "Activity imports"
