from django.contrib.auth import views as auth_views
from django.urls import path

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
]
