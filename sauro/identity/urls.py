from django.urls import path

from sauro.identity import sso, views

app_name = "identity"

urlpatterns = [
    path("dang-nhap/mot-lan/", sso.sso_start, name="sso_start"),
    path("dang-nhap/mot-lan/xong/", sso.sso_callback, name="sso_callback"),
    path("xac-thuc-hai-buoc/", views.verify_view, name="2fa_verify"),
    path("xac-thuc-hai-buoc/thiet-lap/", views.setup_view, name="2fa_setup"),
    path("xac-thuc-hai-buoc/ma-khoi-phuc/", views.new_codes_view, name="2fa_codes"),
    path(
        "xac-thuc-hai-buoc/khoa/dang-ky/tuy-chon/", views.passkey_register_options_view, name="passkey_register_options"
    ),
    path("xac-thuc-hai-buoc/khoa/dang-ky/", views.passkey_register_view, name="passkey_register"),
    path("xac-thuc-hai-buoc/khoa/tuy-chon/", views.passkey_auth_options_view, name="passkey_auth_options"),
    path("xac-thuc-hai-buoc/khoa/", views.passkey_auth_view, name="passkey_auth"),
    path("tai-khoan/bao-mat/", views.security_view, name="security"),
]
