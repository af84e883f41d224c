from django.urls import path

from sauro.extraction import views

# Under /van-ban/ (``sauro.urls``), beside the directives' own pages.
app_name = "extraction"
urlpatterns = [
    path("<int:directive_id>/de-xuat/", views.proposals_view, name="proposals"),
    path("<int:directive_id>/de-xuat/tao-du-thao/", views.proposals_create_view, name="create_drafts"),
    path("<int:directive_id>/de-xuat/<int:proposal_id>/sua/", views.proposal_edit_view, name="proposal_edit"),
    path("<int:directive_id>/de-xuat/<int:proposal_id>/bo/", views.proposal_drop_view, name="proposal_drop"),
    path("<int:directive_id>/de-xuat/<int:proposal_id>/gop/", views.proposal_merge_view, name="proposal_merge"),
]
