from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hiu.web.notifications"
    label = "notifications"
    verbose_name = "Notifications"
