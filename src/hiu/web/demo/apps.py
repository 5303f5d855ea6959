from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hiu.web.demo"
    label = "demo"
    verbose_name = "Demo service and factories"
