"""The comment forms of a task's discussion. They only shape what was typed; the rules (who may write, whom a
comment may mention, what a file may be) are the services' (``discussions.services``), whose Vietnamese messages
are shown next to the fields they name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sauro.accounts.models import User
from sauro.common.fields import MultipleFileField, MultipleFileInput
from sauro.common.uploads import ACCEPT_ATTRIBUTE, MAX_UPLOAD_BYTES, human_size
from sauro.common.widgets import SearchableSelectMultiple
from sauro.discussions import services

# Which service field each form field shows the message of.
SERVICE_FIELDS = {"body": "body", "files": "attachments", "file": "attachments", "mentions": "mentions"}


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Ý kiến trao đổi"),
        max_length=services.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Gõ @tên_đăng_nhập để nhắc đến một người được xem nhiệm vụ; người đó sẽ nhận được thông báo."),
    )
    mentions = forms.TypedMultipleChoiceField(
        label=_("Nhắc đến"),
        required=False,
        coerce=int,
        widget=SearchableSelectMultiple,
        help_text=_("Gõ vài chữ để tìm, chọn một hoặc nhiều người."),
    )
    attachments = MultipleFileField(
        label=_("Tệp đính kèm"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        help_text=_("Tối đa %(count)s tệp, mỗi tệp không quá %(size)s; PDF, Word, Excel, OpenDocument, ảnh JPG, PNG.")
        % {"count": services.MAX_FILES, "size": human_size(MAX_UPLOAD_BYTES)},
    )

    def __init__(self, *args: Any, candidates: Iterable[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentions"]
        if isinstance(field, forms.TypedMultipleChoiceField):
            field.choices = [(p.pk, f"{p.get_full_name()} (@{p.username})") for p in candidates]

    def add_service_error(self, fields: dict[str, str], message: str) -> None:
        placed = False
        for name, text in fields.items():
            target = SERVICE_FIELDS.get(name)
            if target is not None:
                self.add_error(target, text)
                placed = True
        if not placed:
            self.add_error(None, message)


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label=_("Ý kiến trao đổi"), max_length=services.MAX_BODY, widget=forms.Textarea(attrs={"rows": 5})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def add_service_error(self, fields: dict[str, str], message: str) -> None:
        if "body" in fields:
            self.add_error("body", fields["body"])
        else:
            self.add_error(None, message)
