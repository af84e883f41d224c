from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from sauro.api import api

# The administration site's titles (Django's own read "Trang web admin Django", "Trang quản trị cho Django").
admin.site.site_header = _("Quản trị hệ thống Sáu Rõ")
admin.site.site_title = _("Quản trị Sáu Rõ")
admin.site.index_title = _("Quản trị hệ thống")

urlpatterns = [
    path("", include("sauro.web.urls")),
    path("", include("sauro.accounts.urls")),
    path("", include("sauro.identity.urls")),
    path("to-chuc/", include("sauro.org.urls")),
    path("nhat-ky/", include("sauro.audit.urls")),
    path("van-ban/", include("sauro.directives.urls")),
    path("van-ban/", include("sauro.extraction.urls")),
    path("nhiem-vu/", include("sauro.tasks.urls")),
    path("tong-hop/", include("sauro.dashboard.urls")),
    path("chuong-trinh-cong-tac/", include("sauro.programs.urls")),
    path("bao-cao/", include("sauro.reports.urls")),
    path("hoi-hop/", include("sauro.meetings.urls")),
    path("", include("sauro.petitions.urls")),  # /don-thu/, /tiep-cong-dan/
    path("", include("sauro.monitoring.urls")),
    path("", include("sauro.discussions.urls")),
    path("thong-bao/", include("sauro.notifications.urls")),
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
]
