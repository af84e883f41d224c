from django.urls import path

from sauro.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("kho-khan-vuong-mac/", views.obstacle_list_view, name="obstacles"),
    path("tien-do/tep/<int:attachment_id>/", views.progress_attachment_download_view, name="progress_attachment"),
]
