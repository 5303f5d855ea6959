from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "hiu.web.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"
