"""Every read of directives, through the visibility gate in ``directives.access``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from sauro.accounts.models import User
from sauro.common import clock
from sauro.common.errors import PermissionDeniedError, ValidationFailed
from sauro.common.pagination import Key, Keyset, Page
from sauro.common.text import search_words
from sauro.directives.access import can_register_directives, directives_visible_to
from sauro.directives.models import Directive, DirectiveAttachment, Term
from sauro.directives.numbering import (
    ISSUER_CODE_RE,
    NumberSymbol,
    SymbolError,
    kind_from_code,
    next_number,
    normalize_issuer_code,
    parse_number_symbol,
)
from sauro.org.access import units_visible_to
from sauro.org.choices import UnitKind
from sauro.org.models import Unit

ERR_DIRECTIVE_NOT_FOUND = _("Không tìm thấy văn bản.")
ERR_TERM_NOT_FOUND = _("Không tìm thấy nhiệm kỳ.")
ERR_ATTACHMENT_NOT_FOUND = _("Không tìm thấy tệp đính kèm.")
ERR_NO_RIGHT_TO_NUMBER = _("Chỉ người đăng ký văn bản (Văn phòng, lãnh đạo) mới cần lấy số văn bản.")
ERR_UNIT_UNKNOWN = _("Không tìm thấy cơ quan ban hành trong phạm vi bạn được xem.")
ERR_NO_TERM = _(
    "Chưa khai báo nhiệm kỳ nào của cấp ủy bao gồm ngày {day} nên chưa thể đánh số văn bản. "
    "Hãy đề nghị Văn phòng hoặc quản trị hệ thống khai báo nhiệm kỳ."
)

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# Directives nest a few levels (Congress resolution → action program → agency plan → department plan); the walk
# up the tree stops here whatever the data says.
MAX_TREE_DEPTH = 12
# Newest issued first, then newest registered: a total order (keyset pages).
DIRECTIVE_ORDER = Keyset(
    "directives", Key("issued_on", datetime.date, descending=True), Key("id", int, descending=True)
)


@dataclass(frozen=True)
class DirectiveFilters:
    """What a list filters on; empty values do not filter. ``text`` is the search box: a number-symbol
    ("15-KL/TU") finds that directive, anything else is matched word by word, without diacritics or case, against
    the number-symbol, kind, summary and signer."""

    text: str = ""
    kind: str = ""
    issuer_code: str = ""
    issuing_unit_id: int | None = None
    year: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    parent_id: int | None = None


def _text_filter(text: str) -> Q:
    try:
        parsed = parse_number_symbol(text)
    except SymbolError:
        q = Q()
        for word in search_words(text):
            q &= Q(search_text__contains=word)
        return q
    return Q(number=parsed.number, kind=parsed.kind, issuer_code=parsed.issuer_code)


def directive_list(*, user: User, filters: DirectiveFilters | None = None) -> QuerySet[Directive]:
    """Visible directives matching ``filters``, newest first (by date of issue, then by id)."""
    f = filters or DirectiveFilters()
    qs = directives_visible_to(user)
    if f.text.strip():
        qs = qs.filter(_text_filter(f.text))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.issuer_code.strip():
        try:
            qs = qs.filter(issuer_code=normalize_issuer_code(f.issuer_code))
        except SymbolError:
            qs = qs.none()
    if f.issuing_unit_id is not None:
        qs = qs.filter(issuing_unit_id=f.issuing_unit_id)
    if f.year is not None:
        qs = qs.filter(issued_on__year=f.year)
    if f.date_from is not None:
        qs = qs.filter(issued_on__gte=f.date_from)
    if f.date_to is not None:
        qs = qs.filter(issued_on__lte=f.date_to)
    if f.parent_id is not None:
        qs = qs.filter(parent_id=f.parent_id)
    return DIRECTIVE_ORDER.order(qs.select_related("issuing_unit", "term"))


def directive_page(
    *, user: User, filters: DirectiveFilters | None = None, cursor: str | None = None, limit: int = PAGE_SIZE
) -> Page[Directive]:
    """One page of ``directive_list`` after ``cursor`` (keyset on date of issue and id: one query at any depth,
    no row repeated or skipped while directives are added). The cursor is signed: a forged one is ``BadCursor``."""
    return DIRECTIVE_ORDER.page(directive_list(user=user, filters=filters), cursor=cursor, limit=limit)


def directive_count(*, user: User, filters: DirectiveFilters) -> int:
    """How many visible directives match ``filters`` (a search's result count: directives number thousands, not
    millions, and a count of those matching a few words is one indexed query)."""
    return directive_list(user=user, filters=filters).order_by().count()


def directive_get(*, user: User, directive_id: int) -> Directive:
    """One visible directive, or 404 (never 403: whether another unit's directive exists is not revealed)."""
    directive = (
        directives_visible_to(user).select_related("issuing_unit", "term", "created_by").filter(pk=directive_id).first()
    )
    if directive is None:
        raise Http404(ERR_DIRECTIVE_NOT_FOUND)
    return directive


def directive_children(*, user: User, directive: Directive) -> list[Directive]:
    """The visible directives implementing ``directive``, oldest first (the order they were issued in)."""
    return list(
        directives_visible_to(user).filter(parent=directive).select_related("issuing_unit").order_by("issued_on", "id")
    )


@dataclass(frozen=True)
class Ancestry:
    """The chain above a directive, top first, as far as the user may see it.

    ``hidden_above`` is true when the chain continues above ``directives[0]`` (or above the directive itself) into
    directives the user may not see.
    """

    directives: list[Directive]
    hidden_above: bool


def directive_ancestors(*, user: User, directive: Directive) -> Ancestry:
    """The directives above ``directive``, from the top of its tree down to its parent.

    One small query per level (the tree is a few levels deep) and one through the gate; the chain shown stops below
    the first directive the user may not see.
    """
    ids: list[int] = []
    parent_id = directive.parent_id
    while parent_id is not None and len(ids) < MAX_TREE_DEPTH and parent_id not in ids:
        ids.append(parent_id)
        parent_id = Directive.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    visible = {d.pk: d for d in directives_visible_to(user).filter(pk__in=ids)} if ids else {}
    chain: list[Directive] = []
    for pk in ids:  # nearest first
        if pk not in visible:
            return Ancestry(directives=chain[::-1], hidden_above=True)
        chain.append(visible[pk])
    return Ancestry(directives=chain[::-1], hidden_above=False)


def directive_attachments(*, directive: Directive) -> list[DirectiveAttachment]:
    """The attachments of an already visible directive, in the order they were uploaded."""
    return list(directive.attachments.select_related("uploaded_by").order_by("uploaded_at", "id"))


def directive_attachment_get(*, user: User, directive_id: int, attachment_id: int) -> DirectiveAttachment:
    """An attachment of a visible directive, or 404."""
    directive = directive_get(user=user, directive_id=directive_id)
    attachment = directive.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404(ERR_ATTACHMENT_NOT_FOUND)
    return attachment


def directive_parent_choices(*, user: User, exclude: Directive | None = None) -> QuerySet[Directive]:
    """Directives the user may pick as the parent of a directive: the visible ones, the directive itself aside."""
    qs = directives_visible_to(user).order_by("-issued_on", "-id")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def issuer_code_suggestions(*, user: User) -> list[str]:
    """Issuer codes to offer while typing: those already used in visible directives and the codes of visible
    units that are valid issuer codes (TU, BTVTU, VPTU …)."""
    used = set(directives_visible_to(user).values_list("issuer_code", flat=True).distinct())
    codes = set(units_visible_to(user).filter(valid_to__isnull=True).values_list("code", flat=True))
    return sorted(used | {c for c in codes if ISSUER_CODE_RE.match(c)})


def term_for(unit: Unit, day: datetime.date) -> Term | None:
    """The term a directive of ``unit`` dated ``day`` is numbered in: that of the nearest committee at or above the
    unit (the unit itself, then its ancestors) with a term covering ``day``."""
    chain = [unit.pk, *reversed(unit.ancestor_ids)]
    terms = list(
        Term.objects.filter(committee_id__in=chain, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("committee")
    )
    if not terms:
        return None
    return min(terms, key=lambda t: (chain.index(t.committee_id), -t.starts_on.toordinal()))


def term_for_or_fail(unit: Unit, day: datetime.date) -> Term:
    term = term_for(unit, day)
    if term is None:
        message = str(ERR_NO_TERM).format(day=f"{day:%d/%m/%Y}")
        raise ValidationFailed(message, fields={"issued_on": message})
    return term


@dataclass(frozen=True)
class NumberProposal:
    """The next free number for a kind and issuer in the term covering a date."""

    term: Term
    unit: Unit
    parts: NumberSymbol


def _proposal_unit(user: User, issuer_code: str, issuing_unit_id: int | None) -> Unit:
    units = units_visible_to(user).filter(valid_to__isnull=True)
    if issuing_unit_id is not None:
        unit = units.filter(pk=issuing_unit_id).first()
        if unit is None:
            message = str(ERR_UNIT_UNKNOWN)
            raise ValidationFailed(message, fields={"issuing_unit_id": message})
        return unit
    # Without a unit: the unit whose code is the issuer code (TU, VPTU …), else the top of the user's committee.
    unit = units.filter(code=issuer_code).first() or units.order_by("depth", "path").first()
    if unit is None:
        message = str(ERR_UNIT_UNKNOWN)
        raise ValidationFailed(message, fields={"issuing_unit_id": message})
    return unit


def directive_number_proposal(
    *,
    user: User,
    kind: str,
    issuer_code: str,
    issuing_unit_id: int | None = None,
    issued_on: datetime.date | None = None,
) -> NumberProposal:
    """The number the system proposes for a new directive (for those who register directives)."""
    if not can_register_directives(user):
        raise PermissionDeniedError(str(ERR_NO_RIGHT_TO_NUMBER))
    try:
        canonical_kind = kind_from_code(kind)
    except SymbolError as exc:
        raise ValidationFailed(exc.message, fields={"kind": exc.message}) from exc
    try:
        code = normalize_issuer_code(issuer_code)
    except SymbolError as exc:
        raise ValidationFailed(exc.message, fields={"issuer_code": exc.message}) from exc
    unit = _proposal_unit(user, code, issuing_unit_id)
    term = term_for_or_fail(unit, issued_on or clock.today())
    number = next_number(canonical_kind, code, term)
    return NumberProposal(term=term, unit=unit, parts=NumberSymbol(number, canonical_kind, code))


# --- committee terms (Văn phòng, the administrator: ``access.can_manage_terms``) --------------------------------

TERM_COMMITTEE_KINDS = (UnitKind.COMMITTEE, UnitKind.PARTY_COMMITTEE, UnitKind.WARD, UnitKind.COMMUNE)


def term_committees(*, user: User) -> QuerySet[Unit]:
    """The committees whose terms a manager declares: the active Party committees they see, in tree order."""
    return units_visible_to(user).filter(valid_to__isnull=True, kind__in=TERM_COMMITTEE_KINDS).order_by("path")


def term_list(*, user: User) -> list[Term]:
    """The terms of the committees the user sees, committee by committee, newest first; each with its directive
    count (one query)."""
    return list(
        Term.objects.filter(committee__in=units_visible_to(user))
        .select_related("committee")
        .annotate(directive_count=Count("directives"))
        .order_by("committee__path", "-starts_on")
    )


def term_get(*, user: User, term_id: int) -> Term:
    term = Term.objects.filter(pk=term_id, committee__in=units_visible_to(user)).select_related("committee").first()
    if term is None:
        raise Http404(ERR_TERM_NOT_FOUND)
    return term
