"""The petitions' lists draw their rows in Python (``petitions.templatetags.petition_rows``): the markup is the one
the templates drew (kept in ``former_*_rows.html``), for every kind of row — a summary cut at its length, marked
words, a letter with no commune and no state, a protected denouncer, a visit received by a leader or by the office,
an ended flag, a flag with no topic or no detail — and every value is escaped."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.template import engines
from django.utils import timezone

from sauro.common.text import search_words
from sauro.petitions import identity, selectors, services
from sauro.petitions.hotspots import HotSpotFilters, hotspot_list
from sauro.petitions.models import HotSpot, Letter
from sauro.petitions.selectors import LetterFilters
from tests.conftest import Org
from tests.petitions.conftest import letter_input, reception_input
from tests.tasks.conftest import Clock

pytestmark = pytest.mark.django_db
HERE = Path(__file__).parent
LONG = "Đề nghị <b>xem xét</b> & giải quyết " + "việc bồi thường khi thu hồi đất làm đường, " * 5


def render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def former(name: str, **context: object) -> str:
    return render((HERE / f"former_{name}_rows.html").read_text(encoding="utf-8"), **context)


def _spaces(markup: str) -> str:
    return " ".join(markup.split())


def test_letter_rows_are_those_of_the_former_template(org: Org, today: Clock) -> None:
    services.letter_create(acting_user=org.monitor, data=letter_input(org, summary=LONG))
    services.letter_create(
        acting_user=org.monitor,
        data=letter_input(org, summary="Phản ánh ngắn", topic="environment", address="", signer_address=""),
    )
    services.letter_create(acting_user=org.monitor, data=letter_input(org, kind="to_cao", summary="Tố cáo cán bộ"))
    letters = list(selectors.letter_page(user=org.monitor, filters=LetterFilters()).items)
    assert len(letters) == 3
    bare = Letter.objects.select_related("unit", "commune").get(summary="Phản ánh ngắn")  # no state annotated
    for marked in ([], search_words("bồi thường"), search_words("xem xet")):
        rows = [*letters, bare]
        ours = render("{% load petition_rows %}{% letter_rows letters marked %}", letters=rows, marked=marked)
        assert _spaces(ours) == _spaces(former("letter", letters=rows, marked=marked))
    ours = render("{% load petition_rows %}{% letter_rows letters %}", letters=letters)
    assert "&lt;b&gt;xem xét&lt;/b&gt; &amp;" in ours and "<b>" not in ours
    assert "…" in ours  # the long summary is cut


def test_reception_rows_are_those_of_the_former_template(org: Org, today: Clock) -> None:
    services.reception_create(acting_user=org.monitor, data=reception_input(org, summary=LONG))
    services.reception_create(
        acting_user=org.monitor,
        data=reception_input(
            org,
            citizen_name="<Lê> Văn A",
            is_group=False,
            people_count=1,
            representatives="",
            receiver_kind="leader",
            receiving_leader_id=org.leader.pk,
        ),
    )
    services.reception_create(acting_user=org.monitor, data=reception_input(org, kind="to_cao", is_group=False))
    receptions = [(r, identity.identity_listed(r)) for r in selectors.reception_page(user=org.monitor).items]
    assert len(receptions) == 3
    assert any(listed.hidden for _r, listed in receptions)  # the denouncer is masked
    ours = render("{% load petition_rows %}{% reception_rows receptions %}", receptions=receptions)
    assert _spaces(ours) == _spaces(former("reception", receptions=receptions))
    assert "&lt;Lê&gt; Văn A" in ours and "đã được giữ bí mật" in ours


def test_hotspot_rows_are_those_of_the_former_template(org: Org, today: Clock) -> None:
    letter = services.letter_create(acting_user=org.monitor, data=letter_input(org))
    now = timezone.now()
    day = datetime.date(2026, 2, 27)
    open_flag = HotSpot.objects.create(
        key="crowd:L1",
        reason="crowd",
        commune=org.ancuu,
        topic="land",
        detail="6 người <ký> đơn",
        raised_on=day,
        raised_at=now,
    )
    open_flag.letters.add(letter)
    ended = HotSpot.objects.create(
        key="complex:L1", reason="complex", raised_on=day, raised_at=now, ended_on=datetime.date(2026, 3, 1)
    )
    ended.letters.add(letter)  # no commune, no topic, no detail
    spots = list(hotspot_list(user=org.monitor, filters=HotSpotFilters(include_ended=True)))
    assert len(spots) == 2
    ours = render("{% load petition_rows %}{% hotspot_list_rows spots %}", spots=spots)
    assert _spaces(ours) == _spaces(former("hotspot", spots=spots))
    assert "6 người &lt;ký&gt; đơn" in ours and "hết 01/03/2026" in ours and "Xem các đơn" in ours
