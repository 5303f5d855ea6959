from django.urls import URLPattern

app_name = "contacts"
urlpatterns: list[URLPattern] = []
