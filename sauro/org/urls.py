from django.urls import path

from sauro.org import views

app_name = "org"
urlpatterns = [
    path("", views.unit_tree_view, name="unit_tree"),
    path("don-vi/<int:unit_id>/", views.unit_detail_view, name="unit_detail"),
    path("nguoi/<int:person_id>/", views.person_detail_view, name="person_detail"),
    # The office's pages (Văn phòng, the administrator): restructuring and memberships.
    path("sap-nhap/", views.units_merge_view, name="units_merge"),
    path("don-vi/<int:unit_id>/doi-ten/", views.unit_rename_view, name="unit_rename"),
    path("don-vi/<int:unit_id>/chuyen/", views.unit_move_view, name="unit_move"),
    path("don-vi/<int:unit_id>/can-bo/", views.unit_staff_view, name="unit_staff"),
    path("vai-tro/<int:membership_id>/thay-doi/", views.membership_change_view, name="membership_change"),
    path("vai-tro/<int:membership_id>/ket-thuc/", views.membership_end_view, name="membership_end"),
]
