from django.urls import path

from sauro.identity import sso

app_name = "identity"

urlpatterns = [
    path("dang-nhap/mot-lan/", sso.sso_start, name="sso_start"),
    path("dang-nhap/mot-lan/xong/", sso.sso_callback, name="sso_callback"),
]
