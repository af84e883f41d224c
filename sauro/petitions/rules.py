"""The petitions domain's rules that are not deadlines (those are ``petitions.deadlines``): pure functions of a
letter's facts and the settings, asked by the services, the pages and the API alike."""

from __future__ import annotations

from django.conf import settings

from sauro.petitions.choices import LetterKind, PetitionKind, SignerKind, Topic

# Signers whose denunciation of a Party member is not handled as a denunciation (Quy định 22-QĐ/TW, Điều 12: đơn
# nặc danh, mạo danh, nhiều người cùng ký).
UNHANDLED_SIGNERS = frozenset({SignerKind.ANONYMOUS, SignerKind.FALSE_NAME, SignerKind.SEVERAL})

# The deadline a letter's task is due on, first that applies: the resolution once accepted, else the handling, else
# the acceptance (a complaint not yet accepted).
TASK_DEADLINE_KEYS = ("resolution", "handling", "acceptance")


def kept_for_information(
    *, kind: str, main_kind: str = "", signer_kind: str, topic: str, against_party_member: bool
) -> bool:
    """Whether a letter is recorded but not handled as a denunciation: a denunciation (or a mixed letter whose main
    content is one) against a Party member or Party organisation, anonymous, under a false name or signed by several
    people — while ``SAURO_PETITIONS_KEEP_UNSIGNED_PARTY_DENUNCIATIONS`` is on (the default). Its only path is
    "kept for information" (``Decision.KEEP``), and it has no statutory deadline."""
    if not getattr(settings, "SAURO_PETITIONS_KEEP_UNSIGNED_PARTY_DENUNCIATIONS", True):
        return False
    denunciation = kind == PetitionKind.TO_CAO or (kind == LetterKind.MIXED and main_kind == PetitionKind.TO_CAO)
    about_party = against_party_member or topic == Topic.PARTY_MEMBERS
    return denunciation and about_party and signer_kind in UNHANDLED_SIGNERS
