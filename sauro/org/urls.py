from django.urls import path

from sauro.org import views

app_name = "org"
urlpatterns = [
    path("", views.unit_tree_view, name="unit_tree"),
    path("don-vi/<int:unit_id>/", views.unit_detail_view, name="unit_detail"),
    path("nguoi/<int:person_id>/", views.person_detail_view, name="person_detail"),
]
