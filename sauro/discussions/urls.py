from django.urls import path

from sauro.discussions import views

app_name = "discussions"
urlpatterns = [
    path("nhiem-vu/<int:task_id>/trao-doi/", views.thread_view, name="thread"),
    path("nhiem-vu/<int:task_id>/trao-doi/gui/", views.comment_post_view, name="post"),
    path("trao-doi/<int:comment_id>/sua/", views.comment_edit_view, name="edit"),
    path("trao-doi/<int:comment_id>/xoa/", views.comment_delete_view, name="delete"),
    path("trao-doi/tep/<int:file_id>/", views.comment_file_view, name="file"),
]
