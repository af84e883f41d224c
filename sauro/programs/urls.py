from django.urls import path

from sauro.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list_view, name="list"),
    path("lap-moi/", views.program_create_view, name="create"),
    path("mau-nhap-excel/", views.template_download_view, name="template"),
    path("<int:program_id>/", views.program_detail_view, name="detail"),
    path("<int:program_id>/sua/", views.program_edit_view, name="edit"),
    path("<int:program_id>/nhap-excel/", views.program_import_view, name="import"),
    path("<int:program_id>/xuat-excel/", views.program_export_view, name="export"),
    path("<int:program_id>/muc/them/", views.item_create_view, name="item_create"),
    path("<int:program_id>/muc/<int:item_id>/sua/", views.item_edit_view, name="item_edit"),
    path("<int:program_id>/muc/<int:item_id>/xoa/", views.item_delete_view, name="item_delete"),
    path("<int:program_id>/muc/<int:item_id>/tao-nhiem-vu/", views.item_create_task_view, name="item_create_task"),
    path("<int:program_id>/muc/<int:item_id>/gan-nhiem-vu/", views.item_link_task_view, name="item_link_task"),
]
