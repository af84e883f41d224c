from django.urls import path

from sauro.petitions import views

app_name = "petitions"
urlpatterns = [
    path("don-thu/", views.letter_list_view, name="letters"),
    path("don-thu/vao-so/", views.letter_create_view, name="letter_create"),
    path("don-thu/<int:letter_id>/", views.letter_detail_view, name="letter_detail"),
    path("don-thu/<int:letter_id>/sua/", views.letter_edit_view, name="letter_edit"),
    path("don-thu/<int:letter_id>/xu-ly/", views.letter_decide_view, name="letter_decide"),
    path("don-thu/xem-danh-tinh/", views.identity_views_view, name="identity_views"),
    path("tiep-cong-dan/", views.reception_list_view, name="receptions"),
    path("tiep-cong-dan/vao-so/", views.reception_create_view, name="reception_create"),
    path("tiep-cong-dan/<int:reception_id>/", views.reception_detail_view, name="reception_detail"),
    path("tiep-cong-dan/<int:reception_id>/sua/", views.reception_edit_view, name="reception_edit"),
    path("tiep-cong-dan/lich-tiep/", views.reception_day_list_view, name="reception_days"),
    path(
        "tiep-cong-dan/lich-tiep/<int:day_id>/tinh-trang/", views.reception_day_state_view, name="reception_day_state"
    ),
    path("diem-nong/", views.hotspot_list_view, name="hotspots"),
    path("diem-nong/<int:hotspot_id>/", views.hotspot_detail_view, name="hotspot_detail"),
]
