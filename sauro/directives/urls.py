from django.urls import path

from sauro.directives import views

app_name = "directives"
urlpatterns = [
    path("", views.directive_list_view, name="list"),
    path("dang-ky/", views.directive_create_view, name="create"),
    path("so-de-xuat/", views.directive_number_view, name="number_field"),
    path("nhiem-ky/", views.terms_view, name="terms"),
    path("nhiem-ky/<int:term_id>/ket-thuc/", views.term_close_view, name="term_close"),
    path("<int:directive_id>/", views.directive_detail_view, name="detail"),
    path("<int:directive_id>/sua/", views.directive_edit_view, name="edit"),
    path("<int:directive_id>/tep/", views.attachment_upload_view, name="attachment_upload"),
    path("<int:directive_id>/tep/<int:attachment_id>/", views.attachment_download_view, name="attachment_download"),
    path("<int:directive_id>/tep/<int:attachment_id>/go/", views.attachment_delete_view, name="attachment_delete"),
]
