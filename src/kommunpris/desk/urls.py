"""URLs of the desk; each part of the workflow adds its own module of routes."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("nomineringar/", include("kommunpris.desk.nominations_urls")),
    path("jury/", include("kommunpris.desk.jury_urls")),
]

auth_urlpatterns = [
    path(
        "logga-in/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
]
