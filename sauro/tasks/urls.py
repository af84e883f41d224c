from django.urls import path

from sauro.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list_view, name="list"),
    path("xuat-excel/", views.task_export_view, name="export"),
    path("so-luong/", views.task_counts_view, name="counts"),
    path("cua-toi/", views.my_tasks_view, name="mine"),
    path("don-vi/", views.unit_inbox_view, name="inbox"),
    path("tao-moi/", views.task_create_view, name="create"),
    path("kiem-tra-6-ro/", views.six_clears_check_view, name="check"),
    path("lua-chon-theo-don-vi/", views.lead_options_view, name="lead_options"),
    path("<int:task_id>/", views.task_detail_view, name="detail"),
    path("<int:task_id>/sua/", views.task_edit_view, name="edit"),
    path("san-pham/tep/<int:file_id>/", views.submission_file_download_view, name="submission_file"),
    path("<int:task_id>/giao/", views.task_action_view, {"action": "issue"}, name="issue"),
    path("<int:task_id>/tiep-nhan/", views.task_action_view, {"action": "accept"}, name="accept"),
    path("<int:task_id>/gui-san-pham/", views.task_action_view, {"action": "submit"}, name="submit"),
    path("<int:task_id>/duyet/", views.task_action_view, {"action": "approve"}, name="approve"),
    path("<int:task_id>/tra-lai/", views.task_action_view, {"action": "return"}, name="return"),
    path("<int:task_id>/dung/", views.task_action_view, {"action": "cancel"}, name="cancel"),
    path("<int:task_id>/trong-tam/", views.task_action_view, {"action": "set_focus"}, name="set_focus"),
    path(
        "<int:task_id>/de-nghi-gia-han/",
        views.task_action_view,
        {"action": "request_extension"},
        name="request_extension",
    ),
    path(
        "<int:task_id>/de-nghi-dieu-chinh/",
        views.task_action_view,
        {"action": "request_reassignment"},
        name="request_reassignment",
    ),
    path(
        "<int:task_id>/quyet-dinh-gia-han/",
        views.task_action_view,
        {"action": "decide_extension"},
        name="decide_extension",
    ),
    path(
        "<int:task_id>/quyet-dinh-dieu-chinh/",
        views.task_action_view,
        {"action": "decide_reassignment"},
        name="decide_reassignment",
    ),
    # Monitoring's actions on the task page (registered by the monitoring app: a 404 without it).
    path("<int:task_id>/cap-nhat-tien-do/", views.task_action_view, {"action": "progress"}, name="progress"),
    path(
        "<int:task_id>/bao-cao-vuong-mac/", views.task_action_view, {"action": "raise_obstacle"}, name="raise_obstacle"
    ),
    path(
        "<int:task_id>/tra-loi-vuong-mac/",
        views.task_action_view,
        {"action": "answer_obstacle"},
        name="answer_obstacle",
    ),
    path(
        "<int:task_id>/danh-gia-kha-nang/",
        views.task_action_view,
        {"action": "rate_confidence"},
        name="rate_confidence",
    ),
]
