from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AccountsConfig(AppConfig):
    name = "hiu.web.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        # Every app needs it and accounts is the app every other depends on (hiu.web.database).
        from hiu.web.database import configure_connection

        connection_created.connect(configure_connection, dispatch_uid="hiu.web.database")
