"""Certificate checks.

- check ``gcn``: land-use areas sum to the parcel area, serial format matches the
  generation, dates are plausible, ID numbers agree with birth years and sex.
- check ``gcn_qr``: the 2024 certificate's QR code against the printed code and serial.
"""

from __future__ import annotations

import re

from digitize.doctypes.gcn_parcels import parcel_indices
from digitize.fields import idnumbers, landuse, validate
from digitize.fields.text import fold
from digitize.layout.candidate import Candidate, ExtractContext
from digitize.layout.regions import decode_region, qr_region_box

# A place of issue taken from the authority's name (the one read is not in the gazetteer).
PLACE_FROM_AUTHORITY_EVIDENCE = 0.7
# Where the 2024 certificate prints its QR code: the top right, this share of the page's width and height.
QR_REGION_WIDTH, QR_REGION_HEIGHT = 0.35, 0.25

# -- checks ----------------------------------------------------------------------------------------

def gcn_checks(cands: dict[str, Candidate], ctx: ExtractContext) -> None:
    """Cross-field checks of a certificate page; each confirms or contradicts the values it reads."""
    doc_type = ctx.page.doc_type.value if ctx.page.doc_type else None
    serial = cands.get("so_phat_hanh")
    if serial is not None and serial.value is not None:
        result = validate.check_serial_generation(serial.value, doc_type)
        _apply(serial, result)
    issued = cands.get("ngay_cap")
    if issued is not None and issued.value is not None:
        _apply(issued, validate.check_issue_date(issued.value))
    place_of_issue_against_authority(cands)
    registry = cands.get("so_vao_so")
    if registry is not None and registry.value is not None:
        _apply(registry, validate.check_registry_number(registry.value))
    for j in parcel_indices(cands):
        total = cands.get(f"thua_dat[{j}].dien_tich")
        uses = cands.get(f"thua_dat[{j}].muc_dich_su_dung")
        if uses is None or not isinstance(uses.value, list):
            continue
        parts = [u.get("dien_tich") for u in uses.value if isinstance(u, dict)]
        if total is not None and parts and all(p is not None for p in parts):
            area_reading_that_adds_up(total, parts)
        if total is not None and len(parts) > 1 and all(p is not None for p in parts):
            result = validate.check_area_sum(total.value, parts)
            _apply(total, result)
            _apply(uses, result)
        # Old certificates print no parcel address: the owner's address tells rural or urban.
        address = cands.get(f"thua_dat[{j}].dia_chi") or cands.get("chu_su_dung[0].dia_chi_thuong_tru")
        if address is not None and isinstance(uses.value, list):
            _resolve_residential_codes(uses, str(address.value))
    for key, cand in cands.items():
        m = re.fullmatch(r"(chu_su_dung\[\d+\])\.so_giay_to", key)
        if not m or cand.value is None:
            continue
        base = m.group(1)
        year = cands.get(f"{base}.nam_sinh")
        sex = cands.get(f"{base}.gioi_tinh")
        if len(str(cand.value)) == 12:
            result = idnumbers.check_cccd(str(cand.value), birth_year=year.value if year else None,
                                          sex=sex.value if sex else None)
            _apply(cand, result)
            if year is not None and result.ok is True:
                year.confirm("agrees with the ID number's birth year")
        elif len(str(cand.value)) == 9:
            _apply(cand, validate.check_cmnd(cand.value))


def place_of_issue_against_authority(cands: dict[str, Candidate]) -> None:
    """The date line's place is, on district-issued certificates, the place the authority names
    ("ỦY BAN NHÂN DÂN HUYỆN AN LÃO" above "An Lão, ngày ..."): agreement confirms it, and a
    place missing from the gazetteer within two letters of it is that place."""
    from digitize.fields.unit_names import correct_unit_name
    from digitize.layout.values import authority_place

    place, authority = cands.get("noi_cap"), cands.get("co_quan_cap")
    if place is None or authority is None or not isinstance(place.value, str) \
            or not isinstance(authority.value, str):
        return
    named = authority_place(authority.value)
    if named is None:
        return
    named = " ".join(w[:1] + w[1:].lower() for w in named.split())
    if fold(place.value) == fold(named):
        place.confirm("the issuing authority names the same place")
        return
    known = any(correct_unit_name(place.value, level).score >= 1.0 for level in ("province", "district"))
    from rapidfuzz.distance import Levenshtein

    if not known and Levenshtein.distance(fold(place.value), fold(named), score_cutoff=3) <= 2:
        place.alternatives.append(place.value)
        place.value = named
        place.evidence = min(place.evidence, PLACE_FROM_AUTHORITY_EVIDENCE)
        place.reasons.append("place not in the gazetteer: the one the issuing authority names")


def area_reading_that_adds_up(total: Candidate, parts: list[object]) -> None:
    """Of the two readers' parcel areas, the one the land-use areas add up to."""
    if total.value is None or not total.alternatives:
        return
    if validate.check_area_sum(total.value, parts).ok is not False:
        return
    for alternative in total.alternatives:
        if validate.check_area_sum(alternative, parts).ok is True:
            total.alternatives = [total.value, *[a for a in total.alternatives if a != alternative]]
            total.value = alternative
            total.reasons.append("the other reader's area is the one the land-use areas add up to")
            return


def gcn_qr(cands: dict[str, Candidate], ctx: ExtractContext) -> None:
    """The 2024 certificate's QR (top right) against the printed code and serial.

    Its payload format is not public, so it only confirms or contradicts values it visibly
    carries, and fills the certificate code when OCR missed it and the QR holds exactly one.
    """
    from digitize.fields.qr import parse_gcn_qr

    region = qr_region_box(ctx.page, QR_REGION_WIDTH, QR_REGION_HEIGHT)
    if region is None:
        return
    decoded = decode_region(ctx.page, region)
    if not decoded:
        return
    payload, box = decoded[0]
    parsed = parse_gcn_qr(payload)
    code = cands.get("ma_gcn")
    codes = parsed.get("ma_gcn_candidates") or []
    if code is not None and code.value is not None and codes:
        if code.value in codes:
            code.confirm("matches the QR code")
            code.readers += 1
        else:
            code.invalidate("differs from the QR code")
    elif code is None and len(codes) == 1:
        cands["ma_gcn"] = Candidate(path="ma_gcn", value=codes[0], raw=payload[:60], span=None, kind="none",
                                    box=box, valid=True, source="qr", reasons=["read from the QR code"])
    serial = cands.get("so_phat_hanh")
    if serial is not None and serial.value is not None and parsed.get("serial"):
        if parsed["serial"] == serial.value:
            serial.confirm("matches the QR code")
            serial.readers += 1
        else:
            serial.invalidate("differs from the QR code")


def _apply(cand: Candidate, result: validate.Check) -> None:
    if result.ok is True:
        cand.confirm()
        cand.reasons.extend(result.reasons)
    elif result.ok is False:
        for reason in result.reasons or ["failed validation"]:
            cand.invalidate(reason)


def _resolve_residential_codes(uses: Candidate, parcel_address: str) -> None:
    """'Thổ cư' / 'đất ở' give ONT or ODT once the parcel address says rural or urban."""
    urban = landuse.urban_from_address(parcel_address)
    if urban is None:
        return
    for item in uses.value:
        if not isinstance(item, dict):
            continue
        match = landuse.land_use_code(str(item.get("ten", "")), urban=urban)
        if match is not None and match.code != item.get("ma"):
            item["ma"] = match.code
            uses.reasons.extend(match.reasons)

