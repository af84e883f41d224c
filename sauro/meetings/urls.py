from django.urls import path

from sauro.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list_view, name="list"),
    path("vao-so/", views.meeting_create_view, name="create"),
    path("<int:meeting_id>/", views.meeting_detail_view, name="detail"),
    path("<int:meeting_id>/sua/", views.meeting_edit_view, name="edit"),
    path("<int:meeting_id>/xoa/", views.meeting_delete_view, name="delete"),
    path("<int:meeting_id>/ket-luan/", views.conclusion_create_view, name="conclusion_create"),
    path("<int:meeting_id>/ket-luan/gan/", views.conclusion_link_view, name="conclusion_link"),
]
