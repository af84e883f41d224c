"""Likely duplicates and repeats of the register's letters (issue 19, point 5): the near-duplicate engine
(``petitions.similar``, pure) wired into the letters.

- **Keys.** Every letter's keys are rows of ``LetterKey`` (``petitions_letterkey``), read and written by
  ``similar_store.SqlKeyStore``. ``letter_keys_refresh`` computes them inside ``letter_create`` / ``letter_update``,
  after the save, in the service's transaction; ``letters_rekey`` (``sauro petitions rekey``) recomputes them all
  after a change of ``similar.SCHEME`` or of the secret (``similarity_secret``).
- **On entry.** ``proposals_for`` searches with the fields typed so far, among the letters the user sees only (the
  key store's ``load`` goes through ``access.letters_visible_to``: another unit's letter is never compared, so never
  proposed), and returns at most five proposals ranked, each with its reason in Vietnamese.
- **Repeats after a decision in force** (đơn kéo dài). ``letter_keys_refresh`` also sets ``Letter.repeat_of``: the
  earlier letter on the same matter (``similar.repeats_after_decision``, among all letters: the flag is a fact of
  the letter, not of who reads it) or one an officer linked, whose decision had taken effect on or before this
  letter's receipt. A decision takes effect when the letter's task is done (the answer, decision or report
  approved): ``decision_in_force`` gives its day, ``Task.completed_on``.
- **Links.** ``links.letter_link_duplicate`` records the officer's confirmation that a letter repeats an earlier one
  (``LetterLink``), with the engine's reasons for the pair, journalled ``letter.link_duplicate``.

The sender's identity is read in one place, ``_senders`` (issue 19, point 6 moves a denunciation's signer
into an encrypted store: that function is the one to re-point).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from sauro.accounts.models import User
from sauro.audit.services import audit_record
from sauro.petitions import identity
from sauro.petitions.access import letters_visible_to
from sauro.petitions.identity_keys import is_protected_kind
from sauro.petitions.models import Letter, LetterKey, LetterLink
from sauro.petitions.places import commune_of_address
from sauro.petitions.similar import (
    SCHEME,
    LetterRecord,
    Reason,
    SimilarityIndex,
    repeats_after_decision,
    sketch,
)
from sauro.petitions.similar_store import SqlKeyStore
from sauro.tasks.choices import EventKind, TaskState

PROPOSALS = 5  # proposals shown on entry (the "top 5")
REPEAT_CANDIDATES = 10  # candidates asked whether they make a letter a repeat after a decision
REKEY_BATCH = 500


# --- the secret and the sender ------------------------------------------------------------------------------------


def similarity_secret() -> bytes:
    """The key of the search's hashes (32 bytes): from ``SAURO_PETITIONS_SIMILARITY_SECRET`` when set, else derived
    from ``SECRET_KEY`` (each installation has its own; kept outside the database either way). Changing it, or
    ``SECRET_KEY`` while the setting is empty, needs ``sauro petitions rekey``."""
    configured = str(getattr(settings, "SAURO_PETITIONS_SIMILARITY_SECRET", "") or "")
    if configured:
        return hashlib.blake2b(configured.encode(), digest_size=32, person=b"sauro-sim-env").digest()
    return hashlib.blake2b(str(settings.SECRET_KEY).encode(), digest_size=32, person=b"sauro-sim-skey").digest()


@dataclasses.dataclass(frozen=True)
class Sender:
    """Who sent a letter, as the search reads it."""

    name: str
    address: str
    id_number: str = ""


def _senders(letters: Sequence[Letter]) -> list[Sender]:
    """The sender's name and address of each stored letter, for the keys: **the one place** this module reads them.
    A denunciation's signer is kept encrypted apart (point 6): it is decrypted here (``identity.senders_fields``, one
    query for all the protected letters) and never shown. The register keeps no ID number for a letter today."""
    protected = [x for x in letters if is_protected_kind(x.kind)]
    kept = dict(zip((x.pk for x in protected), identity.senders_fields(protected), strict=True))
    out = []
    for letter in letters:
        if is_protected_kind(letter.kind):
            out.append(Sender(name=kept[letter.pk].name, address=kept[letter.pk].address))
        else:
            out.append(Sender(name=letter.signer_name, address=letter.signer_address))
    return out


# --- records --------------------------------------------------------------------------------------------------------


def letter_records(letters: Sequence[Letter]) -> list[LetterRecord]:
    """``letter_record`` of each of ``letters``, their senders read together (``_senders``)."""
    return [_record(x, sender) for x, sender in zip(letters, _senders(letters), strict=True)]


def letter_record(letter: Letter) -> LetterRecord:
    """A stored letter as the engine reads it. The register keeps a summary of each letter (no full text): it is
    both the subject and the content compared. The address compared is the sender's (it tells two namesakes apart),
    else the place's; the commune is the letter's current ward or commune (resolved at entry)."""
    return _record(letter, _senders([letter])[0])


def _record(letter: Letter, sender: Sender) -> LetterRecord:
    return LetterRecord(
        id=letter.pk,
        citizen=sender.name,
        address=sender.address or letter.address,
        subject=letter.summary,
        content=letter.summary,
        received=letter.received_on,
        commune=letter.commune_id,
        id_number=sender.id_number,
    )


def fields_record(fields: Mapping[str, Any]) -> LetterRecord:
    """The letter being entered (``LetterForm.duplicate_fields``, the API's fields) as the engine reads it: its
    commune the one chosen, else the one its address names (as ``letter_create`` will resolve it)."""
    summary = str(fields.get("summary") or "")
    address = str(fields.get("address") or "")
    commune_id = fields.get("commune_id")
    if commune_id is None and address:
        unit = commune_of_address(address)
        commune_id = unit.pk if unit is not None else None
    received = fields.get("received_on")
    return LetterRecord(
        id=fields.get("letter_id") or 0,
        citizen=str(fields.get("signer_name") or ""),
        address=str(fields.get("signer_address") or "") or address,
        subject=summary,
        content=summary,
        received=received if isinstance(received, datetime.date) else None,
        commune=commune_id,
        id_number=str(fields.get("id_number") or ""),
    )


def decision_in_force(letter: Letter) -> datetime.date | None:
    """The day ``letter``'s decision took effect: its task done (answered) — the day the task was completed; None
    while it is not (not decided, kept, guided, forwarded outside, in handling, stopped). Needs ``letter.task``."""
    task = letter.task
    if task is not None and task.state == TaskState.DONE:
        return task.completed_on
    return None


def letter_label(letter: Letter) -> str:
    """How a proposal or a link names a letter: "Đơn kiến nghị nhận ngày 26/02/2026 của Nguyễn Thị Lành — Văn phòng
    Thành ủy" (needs ``letter.unit``)."""
    # A denunciation's signer is never named in a proposal or a link (point 6): the label says it is kept secret.
    if is_protected_kind(letter.kind):
        who = f" (người gửi: {identity.MASK})"
    else:
        who = f" của {letter.signer_name}" if letter.signer_name else ""
    return f"{letter}{who} — {letter.unit.name}"


# --- the index ------------------------------------------------------------------------------------------------------


class _Letters:
    """The key store's ``load``: the letters of ``ids`` among ``letters`` in one query, kept (for their labels and
    decisions) in ``loaded``."""

    def __init__(self, letters: QuerySet[Letter]) -> None:
        self.queryset = letters.select_related("unit", "task")
        self.loaded: dict[int, Letter] = {}

    def __call__(self, ids: Sequence[Hashable]) -> list[LetterRecord]:
        wanted = [i for i in ids if isinstance(i, int)]
        if not wanted:
            return []
        rows = list(self.queryset.filter(pk__in=wanted))
        self.loaded.update((x.pk, x) for x in rows)
        return letter_records(rows)


def _index(letters: _Letters) -> SimilarityIndex:
    return SimilarityIndex(SqlKeyStore(load=letters), secret=similarity_secret())


def letter_keys_refresh(letter: Letter) -> None:
    """Store ``letter``'s keys (replacing its former ones) and set its prolonged flag (``repeat_of``). Called by
    ``letter_create`` and ``letter_update`` after the save, inside their transaction (the flag is in their journal
    entry's "after")."""
    letters = _Letters(Letter.objects.all())
    index = _index(letters)
    item = index.sketch(letter_record(letter))
    found = index.similar(item, limit=REPEAT_CANDIDATES)
    decided: dict[Hashable, datetime.date | None] = {pk: decision_in_force(x) for pk, x in letters.loaded.items()}
    repeats = [c.id for c in repeats_after_decision(found, decided, letter.received_on)]
    # A letter the officer linked as repeating an earlier one is the same matter by their judgement.
    linked = LetterLink.objects.filter(letter_id=letter.pk).select_related("duplicate_of__task")
    for link in linked.order_by("created_at", "id"):
        day = decision_in_force(link.duplicate_of)
        if day is not None and day <= letter.received_on:
            repeats.insert(0, link.duplicate_of_id)
            break
    repeat_of = repeats[0] if repeats else None
    if repeat_of != letter.repeat_of_id:
        Letter.objects.filter(pk=letter.pk).update(repeat_of_id=repeat_of)
        letter.repeat_of_id = repeat_of  # type: ignore[assignment]
    index.store.put(item)


def on_task_event(sender: object, *, task: Any, event: Any, **kwargs: Any) -> None:
    """``tasks.signals.task_event_recorded``: when a letter's task is approved (done), the letter's decision takes
    effect — the later letters on the same matter received on or after that day, not yet flagged, become repeats
    after it (a letter may arrive while the answer awaits approval: its entry could not know)."""
    if getattr(event, "kind", None) != EventKind.APPROVED:
        return
    letter = Letter.objects.select_related("task").filter(task_id=task.pk).first()
    if letter is not None:
        letters_repeating(letter)


def letters_repeating(answered: Letter) -> list[int]:
    """Flag the letters that repeat ``answered`` after its decision took effect (``decision_in_force``): those on the
    same matter (the engine's, or linked to it by an officer) received on or after that day and not yet flagged.
    Each flag is journalled ``letter.prolonged``. Returns their ids."""
    day = decision_in_force(answered)
    if day is None:
        return []
    letters = _Letters(Letter.objects.all())
    found = _index(letters).similar(letter_record(answered), limit=REPEAT_CANDIDATES)
    ids = [
        c.id
        for c in found
        if isinstance(c.id, int) and repeats_after_decision([c], {c.id: day}, letters.loaded[c.id].received_on)
    ]
    ids += list(LetterLink.objects.filter(duplicate_of_id=answered.pk).values_list("letter_id", flat=True))
    flagged = list(
        Letter.objects.filter(pk__in=set(ids), repeat_of__isnull=True, received_on__gte=day)
        .select_related("unit")
        .order_by("pk")
    )
    for later in flagged:
        Letter.objects.filter(pk=later.pk).update(repeat_of_id=answered.pk)
        audit_record(
            acting_user=None,
            action="letter.prolonged",
            obj=later,
            unit_id=later.unit_id,
            summary=f"{later}: đơn kéo dài của {answered} (giải quyết xong ngày {day:%d/%m/%Y})"[:500],
            before={"repeat_of_id": None},
            after={"repeat_of_id": answered.pk},
        )
    return [x.pk for x in flagged]


# --- on entry -------------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Proposal:
    """A likely duplicate proposed on entry: the letter, how it is named, the reasons (``reason``: as the officer
    reads them; ``reasons``: ``similar.Reason`` codes) and the score in [0, 1]."""

    letter_id: int
    label: str
    reason: str
    reasons: tuple[str, ...]
    score: float
    received_on: datetime.date
    prolonged_from: datetime.date | None  # the day its decision took effect, when it did


def proposals_for(fields: Mapping[str, Any], user: User, *, limit: int = PROPOSALS) -> list[Proposal]:
    """The letters ``user`` sees that are likely duplicates of the one described by ``fields``, best first (at most
    ``limit``): a constant number of queries (the keys' five, the candidates' letters, the commune of the address)."""
    summary = str(fields.get("summary") or "").strip()
    if not summary and not fields.get("signer_name"):
        return []
    letters = _Letters(letters_visible_to(user))
    found = _index(letters).similar(fields_record(fields), limit=limit)
    out = []
    for candidate in found:
        letter = letters.loaded.get(candidate.id) if isinstance(candidate.id, int) else None
        if letter is None:
            continue
        out.append(
            Proposal(
                letter_id=letter.pk,
                label=letter_label(letter),
                reason=candidate.reason_text,
                reasons=tuple(r.value for r in candidate.reasons),
                score=candidate.score,
                received_on=letter.received_on,
                prolonged_from=decision_in_force(letter),
            )
        )
    return out


# --- links ----------------------------------------------------------------------------------------------------------


def reason_text(codes: str) -> str:
    """ "cung_nguoi_gui,cung_noi_dung" → "cùng người gửi, cùng nội dung" (a link's stored reasons)."""
    labels = [Reason(code).label for code in codes.split(",") if code in Reason._value2member_map_]
    return ", ".join(labels) or "cán bộ xác định"


# --- reads for the letter's page and the API ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LinkedLetter:
    """A letter linked to the one shown: ``earlier`` when the shown letter repeats it, else it repeats the shown one."""

    letter_id: int
    label: str
    reason: str
    earlier: bool
    linked_at: datetime.datetime


def linked_letters(user: User, letter: Letter) -> list[LinkedLetter]:
    """The letters linked to ``letter`` (either way) that ``user`` sees: two queries."""
    links = list(
        LetterLink.objects.filter(Q(letter_id=letter.pk) | Q(duplicate_of_id=letter.pk))
        .select_related("letter__unit", "duplicate_of__unit")
        .order_by("created_at", "id")
    )
    others = {link.duplicate_of_id if link.letter_id == letter.pk else link.letter_id for link in links}
    visible = set(letters_visible_to(user).filter(pk__in=others).values_list("pk", flat=True)) if others else set()
    out = []
    for link in links:
        earlier = link.letter_id == letter.pk
        other = link.duplicate_of if earlier else link.letter
        if other.pk in visible:
            out.append(LinkedLetter(other.pk, letter_label(other), reason_text(link.reason), earlier, link.created_at))
    return out


def visible_repeat_of(user: User, letter: Letter) -> Letter | None:
    """The earlier letter ``letter`` repeats after its decision took effect, if ``user`` sees it (one query)."""
    if letter.repeat_of_id is None:
        return None
    return letters_visible_to(user).select_related("unit", "task").filter(pk=letter.repeat_of_id).first()


# --- recomputing every key ------------------------------------------------------------------------------------------


def letters_rekey(*, batch: int = REKEY_BATCH, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every letter's keys from its fields (after a change of ``similar.SCHEME`` or of the secret), a batch
    of letters per transaction; ``progress(done, total)`` after each batch. The prolonged flags stay as set at entry.
    Journalled once, ``letter.rekey``. Returns the number of letters."""
    total = Letter.objects.count()
    secret = similarity_secret()
    done, last = 0, 0
    while True:
        rows = list(Letter.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not rows:
            break
        with transaction.atomic():
            LetterKey.objects.filter(letter_id__in=[x.pk for x in rows]).delete()
            LetterKey.objects.bulk_create(
                [
                    LetterKey(letter_id=x.pk, key=key)
                    for x, record in zip(rows, letter_records(rows), strict=True)
                    for key in dict.fromkeys(sketch(record, secret=secret).keys)
                ],
                batch_size=2000,
            )
        done += len(rows)
        last = rows[-1].pk
        if progress is not None:
            progress(done, total)
    with transaction.atomic():
        audit_record(
            acting_user=None,
            action="letter.rekey",
            object_type="petitions.letterkey",
            summary=f"Tính lại khóa tìm đơn trùng của {done} đơn (cách tính {SCHEME})"[:500],
            after={"letters": done, "scheme": SCHEME},
        )
    return done
