from django.contrib.auth.views import LogoutView
from django.urls import path

from hiu.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", LogoutView.as_view(), name="sign_out"),
    path("volunteers/", views.volunteers, name="volunteers"),
    path("users/", views.users, name="users"),
]
