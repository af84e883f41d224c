"""The rows of the petitions' lists — the letters' register, the reception register and the hot spots — drawn in
Python (``common.rows``: why, and the helpers), with the markup the templates had (tests/petitions/test_rows.py
compares them). Every value from the database is escaped here, once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from sauro.common.rows import RowUrl, cell_labels, choice_label, dmy, esc
from sauro.common.text import highlight, truncate
from sauro.petitions.choices import HotSpotReason, LetterKind, LetterState, ReceiverKind, Topic

if TYPE_CHECKING:
    from sauro.petitions.identity import IdentityShown
    from sauro.petitions.models import HotSpot, Letter, Reception

register = template.Library()

SUMMARY_CHARS = 120  # a letter's summary in the register
VISIT_SUMMARY_CHARS = 100  # a visit's summary in the reception register


def _name(unit: object) -> str:
    return esc(getattr(unit, "name", "") or "—")


LETTER_ROW = """<tr data-letter="{pk}" data-state="{state}">
  <td data-label="{l_received}" class="nowrap"><time datetime="{iso}">{day}</time></td>
  <td data-label="{l_kind}">{kind}</td>
  <td data-label="{l_summary}"><a class="letter-summary" href="{url}">{summary}</a></td>
  <td data-label="{l_topic}">{topic}</td>
  <td data-label="{l_commune}">{commune}</td>
  <td data-label="{l_unit}">{unit}</td>
  <td data-label="{l_state}"><span class="badge">{state_label}</span></td>
</tr>"""


@register.simple_tag
def letter_rows(letters: Iterable[Letter], marked: Sequence[str] = ()) -> SafeString:
    """The ``<tr>`` of each letter of the register (``petitions/letter_list.html``), with ``unit`` and ``commune``
    selected and the derived ``state`` annotated (``selectors.letter_page``). ``marked``: the folded words of a
    search, marked in each summary (``common.text.highlight``, which escapes)."""
    fixed = cell_labels(
        {
            "l_received": _("Ngày nhận"),
            "l_kind": _("Phân loại"),
            "l_summary": _("Nội dung"),
            "l_topic": _("Lĩnh vực"),
            "l_commune": _("Nơi phát sinh"),
            "l_unit": _("Đơn vị nhận"),
            "l_state": _("Tình trạng"),
        }
    )
    url = RowUrl("petitions:letter_detail")
    rows = []
    for x in letters:
        state = getattr(x, "state", "") or ""
        summary = truncate(x.summary, SUMMARY_CHARS)
        rows.append(
            LETTER_ROW.format(
                **fixed,
                pk=int(x.pk),
                state=esc(state),
                iso=x.received_on.isoformat(),
                day=dmy(x.received_on),
                kind=esc(choice_label(LetterKind, x.kind)),
                url=url(x.pk),
                summary=highlight(summary, marked) if marked else esc(summary),
                topic=esc(choice_label(Topic, x.topic)),
                commune=_name(x.commune),
                unit=esc(x.unit.name),
                state_label=esc(choice_label(LetterState, state)) if state else "",
            )
        )
    return SafeString("\n".join(rows))


HOTSPOT_ROW = """<tr data-hotspot="{pk}" data-reason="{reason}"{ended_class}>
  <td data-label="{l_raised}" class="nowrap"><time datetime="{iso}">{day}</time>{ended}</td>
  <td data-label="{l_reason}"><span class="badge">{reason_label}</span></td>
  <td data-label="{l_commune}">{commune}</td>
  <td data-label="{l_topic}">{topic}</td>
  <td data-label="{l_detail}"><a class="hotspot-link" href="{url}">{detail}</a></td>
  <td class="num" data-label="{l_count}">{count}</td>
</tr>"""


@register.simple_tag
def hotspot_list_rows(spots: Iterable[HotSpot]) -> SafeString:
    """The ``<tr>`` of each flag of the hot-spot list (``petitions/hotspot_list.html``), with ``commune`` selected
    and ``letter_count`` annotated (``hotspots.hotspot_page``)."""
    fixed = cell_labels(
        {
            "l_raised": _("Ngày cảnh báo"),
            "l_reason": _("Lý do"),
            "l_commune": _("Phường, xã"),
            "l_topic": _("Lĩnh vực"),
            "l_detail": _("Chi tiết"),
            "l_count": _("Số đơn"),
        }
    )
    see_letters = esc(_("Xem các đơn"))
    url = RowUrl("petitions:hotspot_detail")
    rows = []
    for s in spots:
        ended = ""
        if s.ended_on:
            ended = f' <span class="meta">{esc(_("hết %(day)s") % {"day": dmy(s.ended_on)})}</span>'
        rows.append(
            HOTSPOT_ROW.format(
                **fixed,
                pk=int(s.pk),
                reason=esc(s.reason),
                ended_class=' class="is-ended"' if s.ended_on else "",
                iso=s.raised_on.isoformat(),
                day=dmy(s.raised_on),
                ended=ended,
                reason_label=esc(choice_label(HotSpotReason, s.reason)),
                commune=_name(s.commune),
                topic=esc(choice_label(Topic, s.topic)) if s.topic else "—",
                url=url(s.pk),
                detail=esc(s.detail) if s.detail else see_letters,
                count=int(getattr(s, "letter_count", 0) or 0),
            )
        )
    return SafeString("\n".join(rows))


RECEPTION_ROW = """<tr data-reception="{pk}">
  <td data-label="{l_day}" class="nowrap">{day}</td>
  <td data-label="{l_citizen}"><a href="{url}">{citizen}</a>{group}</td>
  <td class="num" data-label="{l_people}">{people}</td>
  <td data-label="{l_summary}">{summary}</td>
  <td data-label="{l_receiver}">{receiver}</td>
  <td data-label="{l_unit}">{unit}</td>
</tr>"""


@register.simple_tag
def reception_rows(receptions: Iterable[tuple[Reception, IdentityShown]]) -> SafeString:
    """The ``<tr>`` of each visit of the reception register (``petitions/reception_list.html``): the visit, with
    ``unit`` and ``receiving_leader`` selected, and what a list shows of its citizen (``identity.identity_listed``:
    the name, or "đã được giữ bí mật")."""
    fixed = cell_labels(
        {
            "l_day": _("Ngày tiếp"),
            "l_citizen": _("Công dân"),
            "l_people": _("Số người"),
            "l_summary": _("Nội dung"),
            "l_receiver": _("Người tiếp"),
            "l_unit": _("Đơn vị"),
        }
    )
    masked, group = esc(_("đã được giữ bí mật")), f' <span class="badge">{esc(_("đoàn đông người"))}</span>'
    url = RowUrl("petitions:reception_detail")
    rows = []
    for r, listed in receptions:
        if listed.hidden:
            citizen = f'<span class="identity-masked" data-identity="{esc(listed.state)}">{masked}</span>'
        else:
            citizen = esc(listed.sender.name)
        if r.receiving_leader is not None:
            receiver = r.receiving_leader.get_full_name()
        else:
            receiver = choice_label(ReceiverKind, r.receiver_kind)
        rows.append(
            RECEPTION_ROW.format(
                **fixed,
                pk=int(r.pk),
                day=dmy(r.received_on),
                url=url(r.pk),
                citizen=citizen,
                group=group if r.is_group else "",
                people=int(r.people_count),
                summary=esc(truncate(r.summary, VISIT_SUMMARY_CHARS)),
                receiver=esc(receiver),
                unit=esc(r.unit.name),
            )
        )
    return SafeString("\n".join(rows))
