from django.urls import path

from sauro.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
