from django.urls import path

from sauro.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.duty_list_view, name="list"),
    path("<int:duty_id>/", views.duty_detail_view, name="duty"),
    path("tep/<int:submission_id>/", views.submission_file_view, name="submission_file"),
    path("so-ket-quy/", views.quarterly_view, name="quarterly"),
]
urlpatterns += [path("tiep-dan-don-thu/", views.petitions_report_view, name="petitions")]
