"""How a unit signs its documents (Hướng dẫn 36-HD/VPTW, 03/4/2018): the two header lines (the body directly above,
then the issuing body), the symbol after ``Số …-BC/``, the place before the date, the signature block and where
the copy is kept ("- Lưu …").

The rules live on the unit (``Unit.doc_*`` and ``Unit.signer_*`` fields), kept by the office in the Django admin
(journalled). A field left blank falls back to the default computed here from the unit's name and kind, so a unit
created later still gets a correct header:

- the committee at the root ("Thành ủy Huế"): one line "THÀNH ỦY HUẾ", symbol ``TU`` (its code), place "Huế",
  "T/M BAN THƯỜNG VỤ" / "BÍ THƯ", kept by "Văn phòng Thành ủy";
- a ward, a commune or a Party committee under it ("Đảng ủy phường Phú Xuân"): "ĐẢNG BỘ THÀNH PHỐ HUẾ" /
  "ĐẢNG ỦY PHƯỜNG PHÚ XUÂN", ``ĐU``, place "Phú Xuân" (the ward's own name; a Party committee of agencies takes
  the city's), "T/M BAN THƯỜNG VỤ" / "BÍ THƯ", kept by "Văn phòng Đảng ủy";
- an agency of the committee ("Ban Tổ chức Thành ủy"): "THÀNH ỦY HUẾ" / "BAN TỔ CHỨC" (its name without the
  committee's), its code as symbol (``BTCTU``), the committee's place, "TRƯỞNG BAN" (Ủy ban Kiểm tra: "T/M ỦY BAN
  KIỂM TRA" / "CHỦ NHIỆM"; Văn phòng: "CHÁNH VĂN PHÒNG"), kept by "Văn phòng Ban" (a Ban) or the agency itself.

``defaults`` works on plain values so that the data migration that fills the fields can call it with historical
models.
"""

from __future__ import annotations

from dataclasses import dataclass

# How a committee's name begins, and the Party organisation (đảng bộ) it leads: "Thành ủy Huế" → "Đảng bộ thành phố
# Huế". Longest first.
COMMITTEE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("Thành ủy ", "Đảng bộ thành phố "),
    ("Tỉnh ủy ", "Đảng bộ tỉnh "),
    ("Huyện ủy ", "Đảng bộ huyện "),
    ("Quận ủy ", "Đảng bộ quận "),
    ("Thị ủy ", "Đảng bộ thị xã "),
    ("Đảng ủy ", "Đảng bộ "),
)
LOCAL_PREFIXES = ("Đảng ủy phường ", "Đảng ủy xã ", "Đảng ủy thị trấn ", "Đảng ủy đặc khu ")
# Kinds (org.choices.UnitKind values) of a body led by a committee with its own standing committee.
COMMITTEE_KINDS = ("committee", "party_committee", "ward", "commune")
LOCAL_KINDS = ("ward", "commune")
LOCAL_SYMBOL = "ĐU"
ON_BEHALF_OF_STANDING = "T/M BAN THƯỜNG VỤ"
SECRETARY = "BÍ THƯ"
DEPUTY_SECRETARY = "PHÓ BÍ THƯ THƯỜNG TRỰC"
# Signature blocks of agencies by how their name begins: (on behalf of, title).
AGENCY_SIGNERS: tuple[tuple[str, str, str], ...] = (
    ("Ủy ban Kiểm tra", "T/M ỦY BAN KIỂM TRA", "CHỦ NHIỆM"),
    ("Văn phòng", "", "CHÁNH VĂN PHÒNG"),
    ("Ban ", "", "TRƯỞNG BAN"),
    ("Trường", "", "HIỆU TRƯỞNG"),
    ("Báo", "", "TỔNG BIÊN TẬP"),
    ("Phòng", "", "TRƯỞNG PHÒNG"),
)
DEFAULT_PLACE = "Huế"


@dataclass(frozen=True)
class Letterhead:
    """What a document of the unit shows of its author. ``superior`` is empty for a root committee (one line)."""

    superior: str
    name: str
    symbol: str
    place: str
    signer_on_behalf: str
    signer_title: str
    signer_name: str
    archive: str

    @property
    def lines(self) -> list[str]:
        """The issuing body's lines, upper case (the first upright, the last bold)."""
        return [line.upper() for line in (self.superior, self.name) if line]


def party_organisation(committee_name: str) -> str:
    """ "Thành ủy Huế" → "Đảng bộ thành phố Huế"; a name without a known prefix stays as it is."""
    for prefix, organisation in COMMITTEE_PREFIXES:
        if committee_name.startswith(prefix):
            return organisation + committee_name[len(prefix) :].strip()
    return committee_name


def committee_word(committee_name: str) -> str:
    """ "Thành ủy" for "Thành ủy Huế": how the committee's agencies end their names."""
    for prefix, _organisation in COMMITTEE_PREFIXES:
        if committee_name.startswith(prefix):
            return prefix.strip()
    return committee_name


def locality(committee_name: str) -> str:
    """The place a committee writes before the date: "Thành ủy Huế" → "Huế"."""
    for prefix, _organisation in COMMITTEE_PREFIXES:
        if committee_name.startswith(prefix):
            return committee_name[len(prefix) :].strip() or DEFAULT_PLACE
    return DEFAULT_PLACE


def own_name(name: str, committee_name: str) -> str:
    """An agency's name without its committee's: "Ban Tổ chức Thành ủy" → "Ban Tổ chức" (the header's second line
    sits under "THÀNH ỦY HUẾ" already)."""
    for suffix in (committee_name, committee_word(committee_name)):
        if suffix and name.endswith(" " + suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix) - 1].strip()
    return name


def defaults(
    *,
    name: str,
    kind: str,
    code: str,
    is_root: bool,
    parent_name: str = "",
    parent_kind: str = "",
    committee_name: str = "",
) -> dict[str, str]:
    """The default letterhead fields (``doc_superior``, ``doc_name``, ``doc_symbol``, ``doc_place``,
    ``signer_on_behalf``, ``signer_title``, ``doc_archive``) of a unit, from plain values. ``committee_name``: the
    root committee's name ("Thành ủy Huế")."""
    committee_name = committee_name or (name if is_root else parent_name)
    place = locality(committee_name)
    short = committee_word(committee_name)
    if is_root:
        return {
            "doc_superior": "",
            "doc_name": name,
            "doc_symbol": code,
            "doc_place": place,
            "signer_on_behalf": ON_BEHALF_OF_STANDING,
            "signer_title": SECRETARY,
            "doc_archive": f"Văn phòng {short}",
        }
    if kind in COMMITTEE_KINDS:
        local = next((name[len(p) :].strip() for p in LOCAL_PREFIXES if name.startswith(p)), "")
        return {
            "doc_superior": party_organisation(committee_name),
            "doc_name": name,
            "doc_symbol": LOCAL_SYMBOL,
            "doc_place": local if kind in LOCAL_KINDS and local else place,
            "signer_on_behalf": ON_BEHALF_OF_STANDING,
            "signer_title": SECRETARY,
            "doc_archive": "Văn phòng Đảng ủy",
        }
    on_behalf, title = "", "THỦ TRƯỞNG CƠ QUAN"
    for start, behalf, position in AGENCY_SIGNERS:
        if name.startswith(start):
            on_behalf, title = behalf, position
            break
    if name.startswith("Ban "):
        archive = "Văn phòng Ban"
    elif name.startswith("Ủy ban Kiểm tra"):
        archive = "Văn phòng Ủy ban Kiểm tra"
    else:
        archive = name
    superior = committee_name if parent_kind in ("committee", "") else parent_name
    return {
        "doc_superior": superior,
        "doc_name": own_name(name, committee_name) if superior == committee_name else name,
        "doc_symbol": code,
        "doc_place": place,
        "signer_on_behalf": on_behalf,
        "signer_title": title,
        "doc_archive": archive,
    }


LETTERHEAD_FIELDS = (
    "doc_superior",
    "doc_name",
    "doc_symbol",
    "doc_place",
    "signer_on_behalf",
    "signer_title",
    "signer_name",
    "doc_archive",
)
