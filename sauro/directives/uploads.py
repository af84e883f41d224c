"""What a directive adds to the checks every upload gets (``sauro.common.uploads``): how many files it may hold.

Whether a file may be attached at all — its size, its true type, ZIP bombs, macros, embedded programs, active
PDFs — is decided by ``common.uploads.check_upload``, the one home of those checks for every upload point.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MAX_ATTACHMENTS_PER_DIRECTIVE = 30

ERR_TOO_MANY_FILES = _("Mỗi văn bản có tối đa {limit} tệp đính kèm.")
