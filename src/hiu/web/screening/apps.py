from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "hiu.web.screening"
    label = "screening"
    verbose_name = "Screening and referrals"
