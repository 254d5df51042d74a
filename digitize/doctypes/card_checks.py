"""The ``card`` check: an ID card's printed fields against its MRZ and QR code, then on their own.

The MRZ and the QR code (decoded from the card image) are checked against the printed
fields: agreement confirms, a close disagreement (an OCR-like error) is corrected from the
code and says so, a far one is a ``conflict``; the codes fill the fields the template lists
under ``[codes]`` when OCR missed them.  Then the ID number against the birth year and sex,
plausible dates, and the expiry against the renewal ages (the card expires on the birthday
at 25, 40 or 60; 14 too for 2024 cards).

Reasons name the field that disagreed, never a value (names and ID numbers are personal).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from digitize.doctypes.card_fields import REPAIRED_MRZ_EVIDENCE, codes_config, mrz_name_row_settled
from digitize.fields import idnumbers, validate
from digitize.fields.mrz import mrz_name
from digitize.fields.mrz_repair import (
    NO_EXPIRY,
    PROBABLE,
    interpret_mrz,
    mrz_matches_hints,
    read_mrz,
)
from digitize.fields.text import fold
from digitize.layout.candidate import Candidate, ExtractContext
from digitize.layout.regions import decode_region, span_region
from digitize.model import FieldStatus, nfc

# An MRZ name row the QR code's name contradicts: weak evidence for the name.
NAME_ROW_DISPUTED_EVIDENCE = 0.5

# -- QR --------------------------------------------------------------------------------------------


def _decode_card_qr(ctx: ExtractContext) -> tuple[str, list[float]] | None:
    """The first QR payload on the card image and its box on the ORIGINAL image."""
    image = ctx.page.image if ctx.page.image is not None else ctx.page.color_image
    if image is None:
        return None
    h, w = image.shape[:2]
    regions = [(0, 0, w, h)]
    if max(h, w) > 1600:  # a card on a large scan: the whole image is shrunk before decoding
        regions += [(w // 2, 0, w, h // 2), (0, 0, w // 2, h // 2), (0, h // 2, w // 2, h), (w // 2, h // 2, w, h)]
    for region in regions:
        found = decode_region(ctx.page, region)
        if found:
            return found[0]
    return None


# -- the card check ---------------------------------------------------------------------------------


def _close_digits(a: str, b: str, limit: int = 2) -> bool:
    da, db = re.sub(r"\D", "", a), re.sub(r"\D", "", b)
    return len(da) == len(db) and 0 < sum(x != y for x, y in zip(da, db, strict=True)) <= limit


def _close_text(a: str, b: str, threshold: float = 80.0) -> bool:
    from rapidfuzz import fuzz

    return fuzz.ratio(fold(a), fold(b)) >= threshold


def _same(key: str, a: Any, b: Any) -> bool:
    if a is None or b is None:
        return False
    if key in ("ho_ten", "noi_thuong_tru", "que_quan", "noi_dang_ky_khai_sinh"):
        # Case and punctuation aside, diacritics count: a misread tone mark is a difference.
        return " ".join(re.sub(r"[^\w\s]", " ", nfc(str(a)).lower()).split()) == \
            " ".join(re.sub(r"[^\w\s]", " ", nfc(str(b)).lower()).split())
    if key == "so_dinh_danh":
        return re.sub(r"\D", "", str(a)) == re.sub(r"\D", "", str(b))
    return " ".join(str(a).split()) == " ".join(str(b).split())


def _close(key: str, printed: Any, code: Any) -> bool:
    """Whether a disagreement looks like an OCR error (then the code's value replaces the reading)."""
    if key in ("so_dinh_danh", "ngay_sinh", "ngay_cap", "ngay_het_han"):
        return NO_EXPIRY not in (printed, code) and _close_digits(str(printed), str(code))
    if key in ("ho_ten", "noi_thuong_tru", "que_quan", "noi_dang_ky_khai_sinh"):
        return _close_text(str(printed), str(code), 80.0 if key == "ho_ten" else 85.0)
    return False


_CODE_NAMES = {"mrz": "the MRZ", "qr": "the QR code"}


def _as_printed(key: str, code_value: Any, printed: Any) -> Any:
    """A code's value in the card's printed form (names in capitals when printed so)."""
    if key == "ho_ten" and isinstance(code_value, str) and (
            printed is None or (isinstance(printed, str) and printed.isupper())):
        return code_value.upper()
    return code_value


def _reconcile(cands: dict[str, Candidate], key: str, code_value: Any, source: str, box: list[float] | None,
               raw: str, *, fill: bool, probable: bool = False) -> None:
    """One value carried by a code (MRZ with passing check digits, or a decoded QR) against the printed one.

    A ``probable`` code (an MRZ that needed repairing) fills with a value to review and never
    corrects a printed value."""
    if code_value is None:
        return
    name = _CODE_NAMES[source]
    cand = cands.get(key)
    if cand is None or cand.value is None:
        if not fill:
            return
        value = _as_printed(key, code_value, None)
        reasons = [f"read from {name}" + (" (repaired: review it)" if probable else "")]
        if cand is not None:
            reasons.insert(0, "the printed value could not be read")
        cands[key] = Candidate(path=key, value=value, raw=raw, span=None, kind="none", box=box, valid=True,
                               source=source, reasons=reasons, evidence=REPAIRED_MRZ_EVIDENCE if probable else 1.0,
                               status=FieldStatus.NEEDS_REVIEW if probable else None)
        return
    if _same(key, cand.value, code_value):
        cand.confirm(f"agrees with {name}")
        cand.readers += 1
        return
    if not probable and _close(key, cand.value, code_value):
        cand.alternatives.append(cand.value)
        cand.value = _as_printed(key, code_value, cand.value)
        cand.source = source
        cand.valid = True
        cand.agree = None
        cand.reasons.append(f"OCR reading corrected from {name} (they differed slightly)")
        return
    cand.alternatives.append(_as_printed(key, code_value, cand.value))
    cand.status = FieldStatus.CONFLICT
    cand.invalidate(f"differs from {name}")


def _mrz_name_agrees(printed: str, line3: str) -> bool | None:
    """The printed name against MRZ line 3 (no diacritics; long names truncated)."""
    target = mrz_name(printed)
    if not target:
        return None
    mrz = re.sub(r"<+$", "", line3)
    surname, _, given = mrz.partition("<<")
    words = [w for w in [surname.replace("<", " "), given.replace("<", " ")] if w]
    read = " ".join(" ".join(words).split())
    if read == target:
        return True
    return len(mrz) >= 29 and target.replace(" ", "").startswith(read.replace(" ", ""))


def _check_mrz(cands: dict[str, Candidate], ctx: ExtractContext, fill: set[str]) -> None:
    cand = cands.get("mrz")
    if cand is None or not isinstance(cand.value, str):
        return
    lines = cand.value.split("\n")
    if len(lines) != 3:
        return
    card = interpret_mrz((lines[0], lines[1], lines[2]), [], True)
    if card is None:
        return
    box = None
    if cand.span is not None:
        box, _ = span_region(ctx.page, ctx.stream, cand.span)
    values = {"so_dinh_danh": card.id_number, "ngay_sinh": card.birth_date, "gioi_tinh": card.sex,
              "ngay_het_han": card.expiry}
    if card.valid:
        probable = PROBABLE in cand.reasons
        for key, value in values.items():
            _reconcile(cands, key, value, "mrz", box, cand.raw, fill=key in fill, probable=probable)
    else:
        # Check digits fail: the MRZ cannot correct anything, but two readings that agree still count.
        for key, value in values.items():
            printed = cands.get(key)
            if printed is not None and printed.value is not None and _same(key, printed.value, value):
                printed.confirm("agrees with the MRZ (whose check digits fail)")
                printed.readers += 1
    name = cands.get("ho_ten")
    if name is not None and isinstance(name.value, str):
        agrees = _mrz_name_agrees(name.value, card.lines[2])
        if agrees is True:
            name.confirm("agrees with the MRZ name line")
        elif agrees is False and card.valid and card.name_known:
            name.invalidate("name differs from the MRZ name line")


def _check_qr(cands: dict[str, Candidate], payload: str, box: list[float], fill: set[str]) -> None:
    from digitize.fields.qr import parse_cccd_qr

    parsed = parse_cccd_qr(payload)
    qr = Candidate(path="qr", value=nfc(payload).strip(), raw="(QR code)", span=None, kind="none", box=box,
                   source="qr", reasons=["decoded from the QR code"])
    if parsed is None:
        qr.reasons.append("QR payload is not the chip-card format: its fields were not used")
        cands.setdefault("qr", qr)
        return
    qr.valid = True
    cands["qr"] = qr
    for key in ("so_dinh_danh", "ho_ten", "ngay_sinh", "gioi_tinh", "noi_thuong_tru", "ngay_cap"):
        _reconcile(cands, key, parsed.get(key), "qr", box, "(QR code)", fill=key in fill)


def _mrz_from_qr(cands: dict[str, Candidate], parsed: dict[str, Any]) -> None:
    """A decoded QR settles what the MRZ's check digits cannot: digit repairs, and the name line."""
    cand = cands.get("mrz")
    if cand is None or not isinstance(cand.value, str) or len(cand.value.split("\n")) != 3:
        return
    hints = {k: str(parsed[k]) for k in ("so_dinh_danh", "ngay_sinh") if parsed.get(k)}
    if PROBABLE in cand.reasons:
        card = interpret_mrz(tuple(cand.value.split("\n")[:3]), [], True)  # type: ignore[arg-type]
        if card is not None and card.valid and mrz_matches_hints(card.lines[0], card.lines[1], hints):
            cand.reasons = [r for r in cand.reasons if r != PROBABLE] + ["MRZ repair confirmed by the QR code"]
            cand.evidence = 1.0
    elif cand.valid is not True and cand.raw.count("\n") == 2:
        raw = cand.raw.split("\n")
        card = read_mrz(raw[0], raw[1], raw[2], hints=hints)
        if card is not None and card.valid:
            cand.value = card.value
            cand.valid = True
            cand.source = "mrz"
            cand.reasons = [*card.reasons, "MRZ check digits agree after the repair"]
    name = parsed.get("ho_ten")
    if not isinstance(name, str) or not name.strip():
        return
    words = mrz_name(name).split()
    if len(words) < 2:
        return
    expected = (words[0] + "<<" + "<".join(words[1:]) + "<" * 30)[:30]
    lines = cand.value.split("\n")
    if lines[2] == expected:
        cand.reasons.append("MRZ name line agrees with the QR code")
        cand.readers += 1
        mrz_name_row_settled(cand)
    elif _close_text(lines[2].replace("<", " "), expected.replace("<", " "), 80.0):
        cand.value = "\n".join([lines[0], lines[1], expected])
        cand.evidence = 1.0
        cand.reasons = [r for r in cand.reasons if "outside the name vocabulary" not in r]
        cand.reasons.append("MRZ name line corrected from the QR code (OCR misread letters)")
        mrz_name_row_settled(cand)
    else:
        cand.reasons.append("MRZ name line differs from the QR code's name")
        cand.evidence = min(cand.evidence, NAME_ROW_DISPUTED_EVIDENCE)


def _safe(reasons: list[str]) -> list[str]:
    """Validator reasons with the numbers they quote taken out (reasons never carry values)."""
    out = []
    for r in reasons:
        if "birth year" in r and "encodes" in r:
            out.append("the ID number's birth-year digits disagree with the birth date")
        elif "province code" in r and "not one of" in r:
            out.append("the ID number's province code is not a birth-registration code")
        elif "century digit" in r:
            out.append("the ID number's century/sex digit is implausible")
        else:
            out.append(re.sub(r"\d{3,}", "…", r))
    return out


def _apply(cand: Candidate, result: validate.Check) -> None:
    if result.ok is True:
        cand.confirm()
        cand.reasons.extend(_safe(result.reasons))
    elif result.ok is False:
        for reason in _safe(result.reasons) or ["failed validation"]:
            cand.invalidate(reason)


def _from_code(cand: Candidate | None) -> bool:
    """Whether an MRZ or QR code supplied or confirmed the value."""
    return cand is not None and (cand.source in ("mrz", "qr") or any(
        r.startswith("agrees with the MRZ") or r.startswith("agrees with the QR") for r in cand.reasons))


def _iso(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def renewal_expiry(birth: date, issued: date, ages: tuple[int, ...]) -> date | str | None:
    """The expiry a card issued on ``issued`` must print: the birthday at the first renewal age
    more than two years after issue; ``NO_EXPIRY`` past the last one (Law 59/2014 art. 21,
    Law 26/2023 art. 21)."""
    for age in ages:
        try:
            due = birth.replace(year=birth.year + age)
        except ValueError:  # 29 February
            due = date(birth.year + age, 2, 28)
        try:
            window = due.replace(year=due.year - 2)
        except ValueError:
            window = date(due.year - 2, 2, 28)
        if issued < window:
            return due
    return NO_EXPIRY


def _check_values(cands: dict[str, Candidate], ctx: ExtractContext) -> None:
    doc_type = ctx.page.doc_type.value if ctx.page.doc_type else ctx.template.doc_types[0]
    number = cands.get("so_dinh_danh")
    birth = cands.get("ngay_sinh")
    sex = cands.get("gioi_tinh")
    issued = cands.get("ngay_cap")
    expiry = cands.get("ngay_het_han")
    if number is not None and isinstance(number.value, str):
        digits = number.value
        if len(digits) == 12:
            birth_year = birth.value[:4] if birth is not None and isinstance(birth.value, str) else None
            result = idnumbers.check_cccd(digits, birth_year=birth_year,
                                          sex=sex.value if sex is not None and isinstance(sex.value, str) else None)
            if result.ok is False:
                _apply(number, result)
                # The other side of a disagreement is suspect too, unless a code confirmed it.
                for other, word in ((birth, "birth"), (sex, "sex")):
                    if other is None or _from_code(other):
                        continue
                    if any(word in r for r in result.reasons):
                        other.invalidate("disagrees with the ID number's structure")
            elif result.ok is True:
                number.confirm("ID number structure agrees with the birth date and sex")
                # Read separately, the number's century/sex digit and birth-year digits
                # confirm the printed values (the year far more strongly than the sex).
                if birth is not None and birth_year is not None and not _from_code(birth):
                    birth.confirm("its year agrees with the ID number")
                if sex is not None and isinstance(sex.value, str) and not _from_code(sex):
                    sex.confirm("agrees with the ID number's sex digit")
        elif len(digits) == 9:
            if doc_type != "cmnd":
                number.invalidate("a 9-digit CMND number on a CCCD / Căn cước card")
            else:
                _apply(number, validate.check_cmnd(digits))
    issue_value = issued.value if issued is not None else None
    if birth is not None and isinstance(birth.value, str):
        _apply(birth, validate.check_birth_date(birth.value, issue_date=issue_value))
    if issued is not None and isinstance(issued.value, str):
        _apply(issued, validate.check_issue_date(issued.value, document="cccd" if doc_type != "cmnd" else "gcn"))
    if expiry is not None and isinstance(expiry.value, str) and expiry.value != NO_EXPIRY and issue_value:
        _apply(expiry, validate.check_expiry(issue_value, expiry.value))
    # The renewal-age rule, where the birth and issue dates are both known (printed or from a code).
    ages = (14, 25, 40, 60) if doc_type.startswith("can_cuoc_2024") else (25, 40, 60)
    qr = cands.get("qr")
    qr_fields = _qr_fields(qr)
    b = _iso(birth.value) if birth is not None else _iso(qr_fields.get("ngay_sinh"))
    i = _iso(issue_value) or _iso(qr_fields.get("ngay_cap"))
    if expiry is not None and isinstance(expiry.value, str) and b is not None and i is not None and doc_type != "cmnd":
        due = renewal_expiry(b, i, ages)
        expected = due.isoformat() if isinstance(due, date) else due
        if expected == expiry.value:
            expiry.confirm("expiry follows the renewal-age rule from the birth and issue dates")
        else:
            expiry.invalidate("expiry does not follow the renewal-age rule from the birth and issue dates")


def _qr_fields(qr: Candidate | None) -> dict[str, Any]:
    if qr is None or not isinstance(qr.value, str):
        return {}
    from digitize.fields.qr import parse_cccd_qr

    return parse_cccd_qr(qr.value) or {}


def card_check(cands: dict[str, Candidate], ctx: ExtractContext) -> None:
    """QR and MRZ against the printed fields (confirm, correct, conflict, fill), then plausibility."""
    from digitize.fields.qr import parse_cccd_qr

    codes = codes_config(ctx.template)
    decoded = _decode_card_qr(ctx) if codes.get("qr", True) is not False else None
    parsed = parse_cccd_qr(decoded[0]) if decoded is not None else None
    if parsed is not None:
        _mrz_from_qr(cands, parsed)
    _check_mrz(cands, ctx, set(codes.get("fill_from_mrz", [])))
    if decoded is not None:
        _check_qr(cands, decoded[0], decoded[1], set(codes.get("fill_from_qr", [])))
    _check_values(cands, ctx)
