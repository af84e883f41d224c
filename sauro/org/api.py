"""API of the organisation: units and people, always through the visibility gate (``org.selectors``), and the
caller's own roles (``/me``)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema

from sauro.accounts.models import User
from sauro.common.api import ApiId, auth_user, cursor_param, error_responses, limit_param
from sauro.common.pagination import Key, Keyset
from sauro.org import selectors
from sauro.org.choices import Role, UnitKind
from sauro.org.models import Membership, Unit

router = Router(tags=["Tổ chức"])

# The order in which a person's roles are ranked to pick the one shown (as ``selectors.primary_membership``).
# username is unique, so the order is total (keyset pagination)
PEOPLE_ORDER = Keyset("org.api.people", Key("full_name", str), Key("username", str))


class MembershipOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    role: Role
    position: str = Field(description="Chức vụ (có thể rỗng).")


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    roles: list[MembershipOut] = Field(description="Các vai trò đang hiệu lực, theo thứ tự cây đơn vị.")
    primary_unit: MembershipOut | None = Field(description="Vai trò chính: vai trò cao nhất ở đơn vị cấp cao nhất.")


def _membership_out(membership: Membership) -> MembershipOut:
    return MembershipOut(
        unit_id=membership.unit.pk,
        unit_code=membership.unit.code,
        unit_name=membership.unit.name,
        role=Role(membership.role),
        position=membership.position,
    )


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: UnitKind = Field(description="Loại đơn vị.")
    parent_id: int | None = Field(description="Đơn vị cấp trên (null với đơn vị gốc).")
    depth: int = Field(description="Cấp trong cây (0 là gốc).")
    valid_from: datetime.date = Field(description="Hiệu lực từ ngày.")
    valid_to: datetime.date | None = Field(description="Hiệu lực đến ngày (null nếu còn hoạt động).")
    successor_id: int | None = Field(description="Đơn vị kế thừa, nếu đơn vị đã sáp nhập, chia tách hay giải thể.")


class PersonOut(Schema):
    id: int
    username: str
    full_name: str
    role: Role | None = Field(
        description="Vai trò tại đơn vị đã lọc (unit_id); nếu không lọc, vai trò chính của người đó "
        "trong các đơn vị bạn được xem. Null nếu không có vai trò nào đang hiệu lực."
    )
    unit_id: int | None = Field(description="Đơn vị nơi người đó giữ vai trò trên.")

    @classmethod
    def from_person(cls, person: User) -> PersonOut:
        """From a person annotated by ``org.selectors.people_list`` (``role``, ``role_unit_id``)."""
        return cls(
            id=person.pk,
            username=person.username,
            full_name=person.full_name,
            role=getattr(person, "role", None),
            unit_id=getattr(person, "role_unit_id", None),
        )


class PeoplePage(Schema):
    items: list[PersonOut]
    next_cursor: str | None = Field(description="Truyền vào tham số cursor để lấy trang sau; null ở trang cuối.")


@router.get(
    "/me",
    # Kept under the accounts tag and operation id it was published with (it moved here from accounts.api).
    tags=["Xác thực và tài khoản"],
    operation_id="sauro_accounts_api_me",
    response={200: MeOut, **error_responses(401)},
    summary="Thông tin của tôi",
    description="Người đang gọi API, các vai trò đang hiệu lực và vai trò chính.",
)
def me(request: HttpRequest) -> MeOut:
    user = auth_user(request)
    memberships = selectors.person_memberships(user=user, person=user)
    primary = selectors.primary_membership(user=user)
    return MeOut(
        id=user.pk,
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        roles=[_membership_out(m) for m in memberships],
        primary_unit=_membership_out(primary) if primary else None,
    )


@router.get(
    "/units",
    response={200: list[UnitOut], **error_responses(401, 422)},
    summary="Danh sách đơn vị",
    description=(
        "Mọi đơn vị bạn được xem, theo thứ tự cây (đơn vị cấp trên đứng trước các đơn vị trực thuộc). "
        "Cả thành phố chỉ khoảng 250 đơn vị nên danh sách trả về đầy đủ trong một lần, không phân trang; "
        "thứ tự ổn định giữa các lần gọi."
    ),
)
def unit_list(
    request: HttpRequest,
    kind: UnitKind | None = None,
    include_former: bool = False,
) -> QuerySet[Unit]:
    return selectors.unit_list(user=auth_user(request), include_former=include_former, kind=kind)


@router.get(
    "/units/{unit_id}",
    response={200: UnitOut, **error_responses(401, 404, 422)},
    summary="Một đơn vị",
    description="Đơn vị ngoài phạm vi bạn được xem trả về 404, như đơn vị không tồn tại.",
)
def unit_detail(request: HttpRequest, unit_id: ApiId) -> Unit:
    return selectors.unit_get(user=auth_user(request), unit_id=unit_id)


@router.get(
    "/people",
    response={200: PeoplePage, **error_responses(401, 404, 422)},
    summary="Danh sách người",
    description=(
        "Những người bạn được xem; với unit_id, những người đang giữ vai trò tại đơn vị đó "
        "(đơn vị ngoài phạm vi bạn được xem trả về 404). Sắp theo họ tên; phân trang bằng con trỏ: "
        "gọi lại với cursor = next_cursor cho đến khi next_cursor là null."
    ),
)
def people_list(
    request: HttpRequest,
    unit_id: ApiId | None = None,
    cursor: str | None = cursor_param(),
    limit: int = limit_param(),
) -> PeoplePage:
    user = auth_user(request)
    people = selectors.people_list(user=user, unit_id=unit_id)
    page = PEOPLE_ORDER.page(people, cursor=cursor, limit=limit)
    return PeoplePage(
        items=[PersonOut.from_person(person) for person in page.items],
        next_cursor=page.next_cursor,
    )
