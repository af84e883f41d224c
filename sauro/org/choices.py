from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    COMMITTEE = "committee", _("Cấp ủy")
    STANDING = "standing", _("Thường trực, Ban Thường vụ")
    AGENCY = "agency", _("Cơ quan tham mưu, giúp việc")
    PARTY_COMMITTEE = "party_committee", _("Đảng ủy trực thuộc")
    PRESS = "press", _("Cơ quan báo chí")
    DEPARTMENT = "department", _("Phòng, bộ phận")
    WARD = "ward", _("Đảng ủy phường")
    COMMUNE = "commune", _("Đảng ủy xã")


class Role(models.TextChoices):
    LEADER = "leader", _("Lãnh đạo")
    MONITOR = "monitor", _("Theo dõi, tổng hợp")
    UNIT_HEAD = "unit_head", _("Lãnh đạo đơn vị")
    OFFICER = "officer", _("Chuyên viên")
    INSPECTOR = "inspector", _("Kiểm tra")
    ADMIN = "admin", _("Quản trị hệ thống")


# Roles whose holders see the whole committee they belong to (PRODUCT §2).
COMMITTEE_WIDE_ROLES = frozenset({Role.LEADER, Role.MONITOR, Role.INSPECTOR, Role.ADMIN})
# Roles that may read the audit journal.
AUDIT_READER_ROLES = frozenset({Role.INSPECTOR, Role.ADMIN})
# The order in which a person's roles rank, highest first: the role shown in the header and in lists.
ROLE_PRIORITY = (Role.ADMIN, Role.LEADER, Role.MONITOR, Role.INSPECTOR, Role.UNIT_HEAD, Role.OFFICER)
# Who manages the organisation — units, restructuring, memberships and roles (PRODUCT §2: Văn phòng, the monitor,
# keeps the organisation as it keeps the calendars; the administrator manages units). Everyone else only reads it.
ORG_MANAGER_ROLES = frozenset({Role.MONITOR, Role.ADMIN})
