from django.apps import AppConfig


class CaseStudiesConfig(AppConfig):
    name = "hiu.web.casestudies"
    label = "casestudies"
    verbose_name = "Case studies"
