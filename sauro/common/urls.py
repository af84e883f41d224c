from django.urls import path

from sauro.common import views

urlpatterns = [
    path("", views.home, name="home"),
    # Sections still being built: one placeholder page each, replaced by the app when it lands.
    path("nhiem-vu/", views.section_placeholder, {"section": "tasks"}, name="tasks"),
    path("van-ban/", views.section_placeholder, {"section": "directives"}, name="directives"),
    path("chuong-trinh-cong-tac/", views.section_placeholder, {"section": "programs"}, name="programs"),
    path("bao-cao/", views.section_placeholder, {"section": "reports"}, name="reports"),
]
