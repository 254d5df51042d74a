"""QR codes on the chip CCCD / Căn cước and on 2024 certificates.

* :func:`decode_qr` - every QR code in an image (zxing-cpp), trying a few cheap variants
  (as given; Otsu-binarised; enlarged when the image is small) and stopping at the first
  that decodes.
* :func:`parse_cccd_qr` - 'CCCD|CMND|Họ tên|DDMMYYYY|Giới tính|Địa chỉ|DDMMYYYY' -> fields
  under the output schema's keys (dates ISO).
* :func:`parse_gcn_qr` - the 2024 certificate's QR: the format is not published, so the raw
  text is kept and only what is recognisable is pulled out (unverified).
* :func:`compare_cccd_qr` - the QR fields against the OCR of the same card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from digitize.fields.normalize import clean_text, normalize_date, normalize_serial
from digitize.fields.result import Check
from digitize.fields.text import as_text, fold


@dataclass(frozen=True)
class QrCode:
    """One decoded code: ``text`` (NFC), ``format`` name, ``corners`` in image pixels
    ((x, y) top-left, top-right, bottom-right, bottom-left) of the image passed in."""

    text: str
    format: str
    corners: tuple[tuple[int, int], ...]
    variant: str


def _read(img: np.ndarray, variant: str, scale: float, *, invert: bool = False) -> list[QrCode]:
    import zxingcpp

    try:
        # QR finder patterns are found at any angle, so zxing's 90-degree retries only cost
        # time (3x); inverted (light-on-dark) codes are tried on the binarised pass only.
        found = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
                                       try_rotate=False, try_downscale=True, try_invert=invert)
    except (ValueError, TypeError, RuntimeError):
        return []
    out = []
    for b in found:
        if not b.valid:
            continue
        p = b.position
        pts = tuple((round(q.x / scale), round(q.y / scale))
                    for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left))
        out.append(QrCode(as_text(b.text), str(b.format).split(".")[-1], pts, variant))
    return out


def decode_qr(image: np.ndarray | None, *, max_side: int = 1600, max_passes: int = 3) -> list[QrCode]:
    """All QR codes in a BGR or grayscale ``uint8`` image; [] when none (or the image is unusable).

    Images larger than ``max_side`` are shrunk first (a certificate QR stays well above
    zxing's minimum module size at 1600 px for an A4 page).  Passes, stopping at the first
    that decodes: as given; Otsu-binarised; enlarged x2 when the image is small.  Cost on
    this machine: ~1-3 ms for a card or a QR-region crop, ~15-25 ms for a whole A4 page with
    no QR; pass the QR region (top right of a 2024 certificate) when the layout knows it.
    """
    if not isinstance(image, np.ndarray) or image.size == 0 or image.ndim not in (2, 3):
        return []
    img = image
    if img.ndim == 3:
        if img.shape[2] == 4:
            img = img[:, :, :3]
        elif img.shape[2] != 3:
            return []
    if img.dtype != np.uint8:
        if np.issubdtype(img.dtype, np.floating) and img.size and float(np.nanmax(img)) <= 1.0:
            img = np.nan_to_num(img * 255.0)
        img = np.clip(np.nan_to_num(img), 0, 255).astype(np.uint8)
    import cv2

    scale = 1.0
    if max_side > 0 and max(img.shape[:2]) > max_side:
        scale = max_side / max(img.shape[:2])
        # INTER_AREA is ~20x slower at non-integer factors; modules stay >= 3 px either way.
        img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    img = np.ascontiguousarray(img)
    found = _read(img, "original", scale)
    if found or max_passes < 2:
        return _dedup(found)
    gray = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    found = _read(np.ascontiguousarray(binary), "otsu", scale, invert=True)
    if found or max_passes < 3:
        return _dedup(found)
    if max(gray.shape) < 1200:
        big = cv2.resize(gray, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
        found = _read(big, "upscaled", scale * 2.0)
    return _dedup(found)


def _dedup(codes: list[QrCode]) -> list[QrCode]:
    seen: set[str] = set()
    out = []
    for c in codes:
        if c.text not in seen:
            seen.add(c.text)
            out.append(c)
    return out


def _iso_ddmmyyyy(s: str) -> str | None:
    s = s.strip()
    if re.fullmatch(r"\d{8}", s):
        return normalize_date(f"{s[:2]}/{s[2:4]}/{s[4:]}")
    return normalize_date(s) if s else None


def parse_cccd_qr(payload: str) -> dict[str, Any] | None:
    """Chip-card QR 'CCCD|CMND|Họ tên|DDMMYYYY|Giới tính|Địa chỉ|DDMMYYYY(issue)' -> dict.

    Keys: so_dinh_danh, so_cmnd (None when empty), ho_ten, ngay_sinh, gioi_tinh,
    noi_thuong_tru, ngay_cap (dates ISO), extra (fields beyond the seventh), raw.  None
    when the payload does not have this shape (first field 12 digits, at least 6 fields).
    """
    t = as_text(payload).strip()
    parts = t.split("|")
    if len(parts) < 6 or not re.fullmatch(r"\d{12}", parts[0].strip()):
        return None
    parts = [clean_text(p) for p in parts]
    cmnd = parts[1] if re.fullmatch(r"\d{9}|\d{12}", parts[1]) else None
    sex = parts[4]
    fsex = fold(sex)
    gioi_tinh = "Nam" if fsex == "nam" else "Nữ" if fsex == "nu" else (sex or None)
    return {
        "so_dinh_danh": parts[0],
        "so_cmnd": cmnd,
        "ho_ten": parts[2] or None,
        "ngay_sinh": _iso_ddmmyyyy(parts[3]),
        "gioi_tinh": gioi_tinh,
        "noi_thuong_tru": parts[5] or None,
        "ngay_cap": _iso_ddmmyyyy(parts[6]) if len(parts) > 6 else None,
        "extra": parts[7:],
        "raw": t,
    }


_MA_GCN = re.compile(r"(?<![A-Za-z0-9])([A-Z0-9]{12})(?![A-Za-z0-9])")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)


def parse_gcn_qr(payload: str) -> dict[str, Any]:
    """2024 certificate QR -> {'raw', 'url', 'serial', 'ma_gcn_candidates', 'fields'}.

    The payload format is not public (unverified): the raw text is always returned;
    'serial' is a 2-letter + 8-digit serial if one appears; 'ma_gcn_candidates' are
    12-character alphanumeric tokens (the printed 'Mã Giấy chứng nhận' has 12); 'fields'
    splits '|'- or ';'-separated payloads without interpreting them.
    """
    t = as_text(payload).strip()
    url = _URL.search(t)
    sep = "|" if "|" in t else ";" if ";" in t else None
    return {
        "raw": t,
        "url": url.group(0) if url else None,
        "serial": normalize_serial(t, "gcn_2024"),
        "ma_gcn_candidates": list(dict.fromkeys(_MA_GCN.findall(t.upper())))[:5],
        "fields": [clean_text(p) for p in t.split(sep)][:50] if sep else [],
    }


def compare_cccd_qr(qr: dict[str, Any], *, so_dinh_danh: str | None = None, ho_ten: str | None = None,
                    ngay_sinh: str | None = None, gioi_tinh: str | None = None, ngay_cap: str | None = None) -> Check:
    """QR fields (from :func:`parse_cccd_qr`) against the OCR of the card; names compared folded.

    The QR is near-perfect when it decodes, so a disagreement points at the OCR.
    Reasons name the field, never the value.
    """
    checks: list[Check] = []

    def cmp(key: str, ocr: str | None, same: bool) -> None:
        if ocr is not None and qr.get(key) is not None:
            checks.append(Check(same, [f"{key} agrees with the QR" if same else f"{key} differs from the QR (OCR)"]))

    if so_dinh_danh is not None:
        cmp("so_dinh_danh", so_dinh_danh, re.sub(r"\D", "", so_dinh_danh) == qr.get("so_dinh_danh"))
    if ho_ten is not None:
        cmp("ho_ten", ho_ten, fold(ho_ten) == fold(qr.get("ho_ten") or ""))
    if ngay_sinh is not None:
        cmp("ngay_sinh", ngay_sinh, ngay_sinh == qr.get("ngay_sinh"))
    if gioi_tinh is not None:
        cmp("gioi_tinh", gioi_tinh, fold(gioi_tinh) == fold(qr.get("gioi_tinh") or ""))
    if ngay_cap is not None:
        cmp("ngay_cap", ngay_cap, ngay_cap == qr.get("ngay_cap"))
    if not checks:
        return Check(None, ["nothing to compare"])
    return Check.combine(checks)
