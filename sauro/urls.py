from django.contrib import admin
from django.urls import include, path

from sauro.api import api

urlpatterns = [
    path("", include("sauro.web.urls")),
    path("", include("sauro.accounts.urls")),
    path("to-chuc/", include("sauro.org.urls")),
    path("nhat-ky/", include("sauro.audit.urls")),
    path("van-ban/", include("sauro.directives.urls")),
    path("nhiem-vu/", include("sauro.tasks.urls")),
    path("tong-hop/", include("sauro.dashboard.urls")),
    path("chuong-trinh-cong-tac/", include("sauro.programs.urls")),
    path("bao-cao/", include("sauro.reports.urls")),
    path("", include("sauro.monitoring.urls")),
    path("", include("sauro.discussions.urls")),
    path("thong-bao/", include("sauro.notifications.urls")),
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
]
