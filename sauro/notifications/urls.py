from django.urls import path

from sauro.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("cai-dat/", views.notification_preferences_view, name="preferences"),
    path("doc-tat-ca/", views.notification_read_all_view, name="read_all"),
    path("<int:notification_id>/mo/", views.notification_open_view, name="open"),
    path("<int:notification_id>/da-doc/", views.notification_read_view, name="read"),
]
