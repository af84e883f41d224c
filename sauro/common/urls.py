from django.urls import path

from sauro.common import views

urlpatterns = [
    path("", views.home, name="home"),
    # Sections still being built: one placeholder page each, replaced by the app when it lands.
    path("chuong-trinh-cong-tac/", views.section_placeholder, {"section": "programs"}, name="programs"),
    path("bao-cao/", views.section_placeholder, {"section": "reports"}, name="reports"),
]
