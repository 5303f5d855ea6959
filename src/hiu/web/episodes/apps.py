from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "hiu.web.episodes"
    label = "episodes"
    verbose_name = "Episodes of support"
