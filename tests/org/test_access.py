"""The visibility gate for units and people (ARCHITECTURE rule 2)."""

from __future__ import annotations

import datetime

from sauro.org.access import people_visible_to, units_visible_to
from sauro.org.choices import Role
from sauro.org.models import Membership
from sauro.org.services import membership_create, membership_end


def codes(user) -> set[str]:  # type: ignore[no-untyped-def]
    return set(units_visible_to(user).values_list("code", flat=True))


def usernames(user) -> set[str]:  # type: ignore[no-untyped-def]
    return set(people_visible_to(user).values_list("username", flat=True))


def test_committee_wide_roles_see_the_whole_committee(org):
    everything = set(org.city.__class__.objects.values_list("code", flat=True))
    for user in (org.leader, org.monitor, org.inspector, org.admin):
        assert codes(user) == everything


def test_a_commune_head_sees_their_commune_and_the_chain_above_only(org):
    assert codes(org.phuxuan_head) == {"P-PHUXUAN", "TU"}
    assert "ancuu" not in usernames(org.phuxuan_head)
    assert "cv.ancuu" not in usernames(org.phuxuan_head)
    assert "phuxuan" in usernames(org.phuxuan_head)
    # The leaders above are the people they answer to: the admin holds a role at TU.
    assert "admin" in usernames(org.phuxuan_head)


def test_an_agency_head_sees_the_agency_subtree(org):
    assert codes(org.btc_head) == {"TU", "BTCTU", "BTCTU-TCCB"}
    assert "chuyenvien.btc" in usernames(org.btc_head)
    assert "vanphong" not in usernames(org.btc_head)


def test_an_officer_of_a_department_sees_up_the_chain_not_sideways(org):
    # The Ban's officer also works in Văn phòng: that unit too, but nothing beside either of them.
    assert codes(org.btc_officer) == {"TU", "BTCTU", "BTCTU-TCCB", "VPTU"}
    assert "phuxuan" not in usernames(org.btc_officer)
    assert codes(org.ancuu_officer) == {"TU", "P-ANCUU"}


def test_an_ended_membership_gives_no_access(org):
    m = Membership.objects.get(person=org.ancuu_officer)
    membership_end(acting_user=None, membership=m, valid_to=datetime.date(2025, 8, 1))
    org.ancuu_officer.refresh_from_db()
    assert codes(org.ancuu_officer) == set()
    assert usernames(org.ancuu_officer) == {"cv.ancuu"}
    # Ending one of several roles leaves the others: An Cựu's secretary, no longer its head, keeps Ủy ban Kiểm tra.
    ward = Membership.objects.get(person=org.ancuu_head, unit=org.ancuu)
    membership_end(acting_user=None, membership=ward, valid_to=datetime.date(2025, 8, 1))
    assert codes(org.ancuu_head) == {"TU", "UBKTTU"}


def test_a_second_role_widens_the_scope(org):
    membership_create(
        acting_user=None, person=org.phuxuan_head, unit=org.ancuu, role=Role.OFFICER, valid_from=org.START
    )
    org.phuxuan_head.refresh_from_db()
    assert codes(org.phuxuan_head) == {"P-PHUXUAN", "P-ANCUU", "TU"}


def test_inactive_accounts_see_nothing(org):
    org.phuxuan_head.is_active = False
    assert codes(org.phuxuan_head) == set()
