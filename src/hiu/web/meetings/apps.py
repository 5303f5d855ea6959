from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "hiu.web.meetings"
    label = "meetings"
    verbose_name = "Team meetings"
