"""Dossiers: the pages of one certificate and its owners' ID cards as one Form 01 record.

Certificate pages are merged field by field; ID cards are grouped by person and matched
to the certificate's owners (ID number first, then name).  Names, birth years and ID
numbers must agree across documents: a disagreement becomes status ``conflict`` with
both values, an agreement confirms both readings.  The same certificate seen twice
(same serial, or a near-identical image) is reported as a duplicate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from digitize.fields.text import fold
from digitize.io.loader import hash_distance
from digitize.model import DocType, Document, Field, FieldStatus, Page, parse_path
from digitize.pipeline import merge_fields, missing_required

NEAR_DUPLICATE_BITS = 4  # of 64 dHash bits: photos of the same page differ by fewer
NAME_MATCH = 88  # rapidfuzz ratio of folded names for "the same person"

CARD_KEYS = ("so_dinh_danh", "ho_ten", "ngay_sinh", "gioi_tinh", "quoc_tich", "que_quan", "noi_thuong_tru",
             "noi_dang_ky_khai_sinh", "ngay_cap", "ngay_het_han", "mrz", "qr")


@dataclass
class CardGroup:
    """The sides of one person's ID card(s), merged."""

    sources: list[str]
    fields: dict[str, Field] = field(default_factory=dict)  # card key -> best field
    paper_kind: str | None = None  # "CCCD" / "Căn cước" / "CMND", from the card's document type

    def value(self, key: str) -> str | None:
        f = self.fields.get(key)
        if f is None or f.status in (FieldStatus.NOT_FOUND, FieldStatus.UNREADABLE) or f.value is None:
            return None
        return str(f.value)


def _renumber(doc: Document, offset: int) -> tuple[list[Page], list[Field]]:
    fields = [f.model_copy(update={"page": None if f.page is None else f.page + offset}) for f in doc.fields]
    pages = [p.model_copy(update={"fields": [f.model_copy(update={"page": None if f.page is None else f.page + offset})
                                              for f in p.fields]}) for p in doc.pages]
    return pages, fields


def _is_card(doc_type: DocType | None) -> bool:
    return doc_type is not None and doc_type.is_id_card


def group_cards(docs: list[tuple[Document, list[Field]]]) -> list[CardGroup]:
    """Card documents grouped by ID number (front and back of one card), else one group each."""
    groups: list[CardGroup] = []
    for doc, fields in docs:
        best = {f.path: f for f in fields if f.path in CARD_KEYS and f.value is not None
                and f.status not in (FieldStatus.NOT_FOUND, FieldStatus.UNREADABLE)}
        number = str(best["so_dinh_danh"].value) if "so_dinh_danh" in best else None
        target = next((g for g in groups if number and g.value("so_dinh_danh") == number), None)
        if target is None:
            target = CardGroup(sources=[])
            groups.append(target)
        target.sources.append(doc.source)
        target.paper_kind = target.paper_kind or _PAPER_KIND.get(doc.loai_tai_lieu)
        for key, f in best.items():
            current = target.fields.get(key)
            if current is None or f.confidence > current.confidence:
                target.fields[key] = f
    return groups


_PAPER_KIND = {
    DocType.CCCD_MAT_TRUOC: "CCCD", DocType.CCCD_MAT_SAU: "CCCD",
    DocType.CAN_CUOC_2024_MAT_TRUOC: "Căn cước", DocType.CAN_CUOC_2024_MAT_SAU: "Căn cước",
    DocType.CMND: "CMND",
}


def _owner_indices(fields: list[Field]) -> list[int]:
    found = set()
    for f in fields:
        m = re.match(r"chu_su_dung\[(\d+)\]", f.path)
        if m:
            found.add(int(m.group(1)))
    return sorted(found)


def _get(fields: dict[str, Field], path: str) -> Field | None:
    f = fields.get(path)
    if f is None or f.value is None or f.status in (FieldStatus.NOT_FOUND, FieldStatus.UNREADABLE):
        return None
    return f


def match_cards(owner_fields: dict[str, Field], owners: list[int], groups: list[CardGroup]) -> dict[int, int]:
    """owner index -> card group index: by ID number, then by name, then one owner with one card."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for i in owners:
        number = _get(owner_fields, f"chu_su_dung[{i}].so_giay_to")
        for k, g in enumerate(groups):
            if k not in used and number is not None and g.value("so_dinh_danh") == str(number.value):
                pairs[i] = k
                used.add(k)
                break
    for i in owners:
        if i in pairs:
            continue
        name = _get(owner_fields, f"chu_su_dung[{i}].ho_ten")
        if name is None:
            continue
        scored = [(fuzz.ratio(fold(str(name.value)), fold(g.value("ho_ten") or "")), k)
                  for k, g in enumerate(groups) if k not in used]
        if scored:
            score, k = max(scored)
            if score >= NAME_MATCH:
                pairs[i] = k
                used.add(k)
    if len(owners) == 1 and len(groups) == 1 and not pairs:
        pairs[owners[0]] = 0
    return pairs


def _conflict(f: Field, other_value: object, source: str, what: str) -> Field:
    return f.model_copy(update={
        "status": FieldStatus.CONFLICT,
        "alternatives": [*f.alternatives, other_value],
        "reasons": [*f.reasons, f"{what} differs from the ID card ({Path(source).name})"],
    })


def _confirm(f: Field, source: str, what: str, threshold: float) -> Field:
    confidence = max(f.confidence, 0.97)
    status = f.status
    if status == FieldStatus.NEEDS_REVIEW and confidence >= threshold:
        status = FieldStatus.EXTRACTED
    return f.model_copy(update={"confidence": confidence, "status": status,
                                "reasons": [*f.reasons, f"{what} agrees with the ID card ({Path(source).name})"]})


# Owner values an ID card gives the certificate, and the certificate's own reading of each.
CARD_GIVES = (("ngay_sinh", "ngay_sinh", "nam_sinh"), ("gioi_tinh", "gioi_tinh", "gioi_tinh"),
              ("so_dinh_danh", "so_dinh_danh", "so_giay_to"))


def _disputed(path: str, certificate: Field | None, card_value: object, source: str,
              confidence: float) -> Field:
    """A value a conflicting card would have given: no value, both readings as alternatives."""
    readings = [r for r in (None if certificate is None else certificate.value, card_value) if r is not None]
    return Field(path=path, value=None, raw=None, confidence=confidence, status=FieldStatus.CONFLICT,
                 alternatives=readings,
                 reasons=[f"the ID card ({Path(source).name}) gives this, but its name or birth year "
                          "disagrees with the certificate's owner"])


def _identity_conflicts(by_path: dict[str, Field], base: str, group: CardGroup) -> list[str]:
    """What of the owner's identity the card contradicts: 'name' (beyond diacritics), 'birth year'."""
    found = []
    name = _get(by_path, f"{base}.ho_ten")
    card_name = group.value("ho_ten")
    if name is not None and card_name is not None and fold(_name_key(str(name.value))) != fold(_name_key(card_name)):
        found.append("name")
    year = _get(by_path, f"{base}.nam_sinh")
    birth = group.value("ngay_sinh")
    if year is not None and birth is not None and len(birth) >= 4 and str(year.value) != birth[:4]:
        found.append("birth year")
    return found


def cross_check(fields: list[Field], groups: list[CardGroup], review_threshold: float) -> tuple[list[Field], list[str]]:
    """Owners of the certificate against their ID cards; returns updated fields and warnings.

    A matched card that agrees fills what the certificate does not print (birth date, sex,
    personal ID number, paper type) and confirms what it does.  A card whose name (beyond
    diacritics) or birth year contradicts the owner may be somebody else's: it confirms
    nothing and gives nothing as ``extracted``; each value it would have given becomes a
    ``conflict`` with both readings as alternatives, and a warning names those fields by path.
    """
    by_path = {f.path: f for f in fields}
    owners = _owner_indices(fields)
    pairs = match_cards(by_path, owners, groups)
    warnings: list[str] = []
    added: list[Field] = []
    for i, k in pairs.items():
        group = groups[k]
        source = group.sources[0]
        base = f"chu_su_dung[{i}]"
        contradicted = _identity_conflicts(by_path, base, group)
        disputed: list[str] = []
        name = _get(by_path, f"{base}.ho_ten")
        card_name = group.value("ho_ten")
        if name is not None and card_name is not None:
            printed, carded = _name_key(str(name.value)), _name_key(card_name)
            if printed == carded:
                by_path[name.path] = _confirm(name, source, "name", review_threshold)
            else:
                what = "name (diacritics only)" if fold(printed) == fold(carded) else "name"
                by_path[name.path] = _conflict(name, card_name, source, what)
                disputed.append(name.path)
        year = _get(by_path, f"{base}.nam_sinh")
        birth = group.value("ngay_sinh")
        if year is not None and birth is not None and len(birth) >= 4:
            if str(year.value) == birth[:4]:
                if not contradicted:
                    by_path[year.path] = _confirm(year, source, "birth year", review_threshold)
            else:
                by_path[year.path] = _conflict(year, birth[:4], source, "birth year")
                disputed.append(year.path)
        number = _get(by_path, f"{base}.so_giay_to")
        card_number = group.value("so_dinh_danh")
        if number is not None and card_number is not None:
            printed = str(number.value)
            comparable = card_number if len(printed) == len(card_number) else _old_number_from_qr(group)
            if comparable is not None:
                if printed != comparable:
                    by_path[number.path] = _conflict(number, comparable, source, "ID number")
                    disputed.append(number.path)
                elif not contradicted:
                    by_path[number.path] = _confirm(number, source, "ID number", review_threshold)
        paper = _get(by_path, f"{base}.loai_giay_to")
        if group.paper_kind is not None and number is not None and card_number is not None \
                and str(number.value) == card_number:
            told = f"the card with this number is a {group.paper_kind} ({Path(source).name})"
            if paper is None or paper.value is None:
                if contradicted:
                    added.append(_disputed(f"{base}.loai_giay_to", None, group.paper_kind, source,
                                           number.confidence))
                    disputed.append(f"{base}.loai_giay_to")
                else:
                    added.append(Field(path=f"{base}.loai_giay_to", value=group.paper_kind, raw=None,
                                       confidence=number.confidence, status=number.status, reasons=[told]))
            elif paper.value == group.paper_kind:
                if not contradicted:
                    by_path[paper.path] = _confirm(paper, source, "ID paper type", review_threshold)
            elif any("cannot be told from the certificate" in r for r in paper.reasons):
                if contradicted:
                    by_path[paper.path] = _conflict(paper, group.paper_kind, source, "ID paper type")
                    disputed.append(paper.path)
                else:
                    by_path[paper.path] = paper.model_copy(update={
                        "value": group.paper_kind, "confidence": max(paper.confidence, number.confidence),
                        "status": number.status,
                        "reasons": [*paper.reasons, told]})
        # Values the certificate does not print come from the card, said so.
        for key, card_key, certificate_key in CARD_GIVES:
            path = f"{base}.{key}"
            card_field = group.fields.get(card_key)
            if path in by_path or card_field is None or card_field.value is None:
                continue
            if contradicted:
                added.append(_disputed(path, _get(by_path, f"{base}.{certificate_key}"), card_field.value, source,
                                       card_field.confidence))
                disputed.append(path)
                continue
            added.append(card_field.model_copy(update={
                "path": path, "reasons": [*card_field.reasons, f"from the ID card ({Path(source).name})"]}))
        if contradicted:
            warnings.append(
                f"owner {i + 1}: the ID card ({', '.join(Path(s).name for s in group.sources)}) disagrees with the "
                f"certificate on {' and '.join(contradicted)}; nothing was taken from it; to review: "
                f"{', '.join(sorted(set(disputed)))}")
    for k, group in enumerate(groups):
        if k not in pairs.values():
            warnings.append(f"an ID card ({', '.join(Path(s).name for s in group.sources)}) matches no owner "
                            "on the certificate")
    for i in owners:
        if i not in pairs and groups:
            warnings.append(f"owner {i + 1} of the certificate has no matching ID card in the dossier")
    return list(by_path.values()) + added, warnings


def _name_key(name: str) -> str:
    """Names compare upper case, NFC, single-spaced: diacritics count."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFC", name).upper().split())


def _old_number_from_qr(group: CardGroup) -> str | None:
    """A chip card's QR carries the old 9-digit CMND number too: 'CCCD|CMND|...'."""
    qr = group.value("qr")
    if not qr or "|" not in qr:
        return None
    parts = qr.split("|")
    return parts[1] if len(parts) > 1 and re.fullmatch(r"\d{9}", parts[1]) else None


def duplicate_pages(pages: list[Page]) -> list[tuple[int, int]]:
    """Pairs of page indices whose images are near-identical."""
    pairs = []
    for a in range(len(pages)):
        for b in range(a + 1, len(pages)):
            ha, hb = pages[a].source.image_hash, pages[b].source.image_hash
            if ha and hb and hash_distance(ha, hb) <= NEAR_DUPLICATE_BITS and (
                    pages[a].source.path, pages[a].source.page_index) != (pages[b].source.path,
                                                                          pages[b].source.page_index):
                pairs.append((a, b))
    return pairs


def merge_dossier(docs: list[Document], source: str, review_threshold: float = 0.85) -> Document:
    """One Form 01 record from a certificate's pages and its owners' ID cards."""
    pages: list[Page] = []
    certificate_pages: list[Page] = []
    certificate_fields: list[list[Field]] = []
    card_docs: list[tuple[Document, list[Field]]] = []
    warnings: list[str] = []
    for doc in docs:
        doc_pages, doc_fields = _renumber(doc, len(pages))
        pages.extend(doc_pages)
        warnings.extend(f"{Path(doc.source).name}: {w}" for w in doc.warnings)
        if _is_card(doc.loai_tai_lieu):
            card_docs.append((doc, doc_fields))
        else:
            certificate_pages.extend(doc_pages)
            certificate_fields.append([f for f in doc_fields if f.status != FieldStatus.NOT_FOUND])
    fields = merge_fields(certificate_fields)
    groups = group_cards(card_docs)
    fields, check_warnings = cross_check(fields, groups, review_threshold)
    warnings.extend(check_warnings)
    for k, group in enumerate(groups):
        for key, f in group.fields.items():
            fields.append(f.model_copy(update={"path": f"giay_to_tuy_than[{k}].{key}"}))
    fields.extend(missing_required(certificate_pages, fields))
    serials = {str(f.value) for f in fields if f.path == "so_phat_hanh" and f.value}
    for doc in docs:
        other = doc.field("so_phat_hanh")
        if other is not None and other.value and serials and str(other.value) not in serials:
            warnings.append(f"{Path(doc.source).name} belongs to another certificate (serial differs)")
    for a, b in duplicate_pages(pages):
        warnings.append(f"pages {a + 1} and {b + 1} look like the same photo (duplicate)")
    certificate_types = [d.loai_tai_lieu for d in docs if d.loai_tai_lieu.is_certificate]
    timings: dict[str, float] = {}
    for d in docs:
        for key, value in d.timings.items():
            timings[key] = timings.get(key, 0.0) + value
    return Document(source=source, loai_tai_lieu=certificate_types[0] if certificate_types else
                    (docs[0].loai_tai_lieu if docs else DocType.KHAC), pages=pages,
                    fields=sorted(fields, key=lambda f: _path_order(f.path)), warnings=warnings,
                    timings=timings, backend=docs[0].backend if docs else "")


def _path_order(path: str) -> tuple[object, ...]:
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in parse_path(path))


def find_duplicates(docs: list[Document]) -> dict[int, list[str]]:
    """Across separate results: the same serial, or a near-identical page image. index -> warnings."""
    notes: dict[int, list[str]] = {}
    for a in range(len(docs)):
        for b in range(a + 1, len(docs)):
            reason = _duplicate_reason(docs[a], docs[b])
            if reason:
                notes.setdefault(a, []).append(f"duplicate of {Path(docs[b].source).name} ({reason})")
                notes.setdefault(b, []).append(f"duplicate of {Path(docs[a].source).name} ({reason})")
    return notes


def _duplicate_reason(a: Document, b: Document) -> str | None:
    sa, sb = a.field("so_phat_hanh"), b.field("so_phat_hanh")
    if (sa is not None and sb is not None and sa.value and sa.value == sb.value
            and a.loai_tai_lieu.is_certificate and b.loai_tai_lieu.is_certificate):
        # Two pages of one certificate share the serial only if they are the same page.
        roles_a = {p.page_role for p in a.pages}
        roles_b = {p.page_role for p in b.pages}
        if roles_a & roles_b or not (roles_a and roles_b):
            return "same serial"
    for pa in a.pages:
        for pb in b.pages:
            ha, hb = pa.source.image_hash, pb.source.image_hash
            if ha and hb and hash_distance(ha, hb) <= NEAR_DUPLICATE_BITS:
                return "near-identical image"
    return None
