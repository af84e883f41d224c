"""Forms of the notification pages: the e-mail preference."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sauro.notifications.choices import EmailMode


class PreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(
        label=_("Nhận thông báo qua thư điện tử"),
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn một cách nhận thông báo."),
            "invalid_choice": _("Lựa chọn nhận thư không hợp lệ."),
        },
    )
