from django.urls import path

from sauro.common import views

urlpatterns = [
    path("", views.home, name="home"),
]
