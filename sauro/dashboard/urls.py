from django.urls import path

from sauro.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("cua-toi/", views.mine_view, name="mine"),
    path("tiep-dan/", views.petitions_view, name="petitions"),
]
