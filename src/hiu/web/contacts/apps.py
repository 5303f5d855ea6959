from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "hiu.web.contacts"
    label = "contacts"
    verbose_name = "Contacts and letters"
