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
    path("users/add/", views.add_user, name="add_user"),
    path("users/<int:user_id>/", views.change_user, name="change_user"),
    path("users/<int:user_id>/password/", views.user_password, name="user_password"),
    path("users/<int:user_id>/active/", views.user_active, name="user_active"),
]
