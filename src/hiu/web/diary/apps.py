from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "hiu.web.diary"
    label = "diary"
    verbose_name = "Diary"
