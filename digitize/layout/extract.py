"""From OCR lines to fields: locate each template field, re-read it, normalise, score.

Digit fields (serials, numbers, areas, dates) are re-read by the backend's digit
recogniser; text fields by its second reader.  Agreement between readers raises the
confidence, disagreement lowers it and says so in ``reasons``.  A field that is not on
the page is ``not_found`` with no value: never invented.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from digitize.config import Settings
from digitize.fields.normalize import (
    clean_text,
    is_empty_marker,
    normalize_area,
    normalize_date,
    normalize_number_string,
    normalize_registry_number,
    normalize_serial,
)
from digitize.layout.reading import Span, TextStream, piece_polygon
from digitize.layout.template import FieldSpec, LocatedValue, Template, locate
from digitize.model import Field, FieldStatus, Line, Page
from digitize.ocr.base import OcrBackend


def _text_value(raw: str) -> str | None:
    text = clean_text(raw)
    if not text or is_empty_marker(text):
        return None
    return text


def _place(raw: str) -> str | None:
    text = _text_value(raw)
    return text.strip(" .,") if text else None


_LAND_USE_PART = re.compile(r"^(?P<name>.*?)(?:[:\s]\s*(?P<area>\d[\d.,\s]*\s*m\s*[²2?]?))?\s*$")


def _land_uses(raw: str) -> list[dict[str, Any]] | None:
    """'Đất ở tại nông thôn: 400,0 m²; Đất trồng cây lâu năm: 1041,9 m²' -> [{ten, dien_tich}, ...]."""
    text = _text_value(raw)
    if not text:
        return None
    uses: list[dict[str, Any]] = []
    for part in re.split(r"\s*;\s*|\n", text):
        part = part.strip(" .,")
        if not part:
            continue
        m = _LAND_USE_PART.match(part)
        name = clean_text(m.group("name")) if m else part
        area = normalize_area(m.group("area")) if m and m.group("area") else None
        if name:
            uses.append({"ten": name, "dien_tich": area})
    return uses or None


NORMALIZERS: dict[str, Callable[[str], Any]] = {
    "text": _text_value,
    "place": _place,
    "date": normalize_date,
    "area": normalize_area,
    "serial": normalize_serial,
    "registry": normalize_registry_number,
    "number_string": normalize_number_string,
    "land_use": _land_uses,
}


@dataclass
class Candidate:
    spec: FieldSpec
    located: LocatedValue
    value: Any
    raw: str
    char_confidences: list[float]


def _values_agree(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        try:
            return abs(float(a) - float(b)) < 1e-6
        except (TypeError, ValueError):
            return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_values_agree(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_values_agree(a[k], b[k]) for k in a)
    return " ".join(str(a).split()) == " ".join(str(b).split())


def _alt_value(spec: FieldSpec, value: Any, alt_text: str) -> Any:
    """The second reader's value for ``spec``, from its reading of the value's own crop.

    The crop is a little wider than the value, so the reading may carry a stray
    character of the label or the next word: digit normalisers ignore them; text values
    are aligned to the best-matching stretch of the reading, widened to whole words.
    """
    if not alt_text:
        return None
    if spec.kind == "digits" or not isinstance(value, str):
        return NORMALIZERS[spec.normalizer](alt_text)
    from rapidfuzz import fuzz

    alignment = fuzz.partial_ratio_alignment(value, alt_text)
    if alignment is None or alignment.score < 50:
        return NORMALIZERS[spec.normalizer](alt_text)
    a, b = alignment.dest_start, alignment.dest_end
    while a > 0 and not alt_text[a - 1].isspace():
        a -= 1
    while b < len(alt_text) and not alt_text[b].isspace():
        b += 1
    return NORMALIZERS[spec.normalizer](alt_text[a:b])


def value_crop_lines(stream: TextStream, span: Span, widen_chars: float = 0.6) -> list[Line]:
    """One pseudo-line per piece of ``span``: the value's part of each line, a little wider."""
    pieces: list[Line] = []
    for li, a, b in span.pieces:
        line = stream.lines[li]
        n = max(len(line.text), 1)
        pieces.append(Line(text=line.text[a:b], polygon=piece_polygon(line, max(0.0, a - widen_chars),
                                                                      min(float(n), b + widen_chars))))
    return pieces


def span_region(page: Page, stream: TextStream, span: Span) -> tuple[list[float] | None, list[tuple[float, float]]]:
    """Box [x0, y0, x1, y1] and quad of a span, on the ORIGINAL image."""
    points: list[tuple[float, float]] = []
    for li, a, b in span.pieces:
        points.extend(piece_polygon(stream.lines[li], a, b))
    if not points:
        return None, []
    original = page.to_original(points) if page.transforms else points
    arr = np.asarray(original, dtype=float)
    x0, y0 = arr.min(axis=0)
    x1, y1 = arr.max(axis=0)
    box = [float(x0), float(y0), float(x1), float(y1)]
    quad = [(float(x0), float(y0)), (float(x1), float(y0)), (float(x1), float(y1)), (float(x0), float(y1))]
    if len(span.pieces) == 1:
        quad = list(original)
    return box, quad


def score_confidence(char_confs: list[float], agree: bool | None, valid: bool | None) -> float:
    """Combine reading signals into a confidence in [0, 1] (before calibration)."""
    base = 0.5 if not char_confs else 0.5 * float(np.mean(char_confs)) + 0.5 * float(np.min(char_confs))
    if agree is True:
        base = 1.0 - (1.0 - base) * 0.3
    elif agree is False:
        base *= 0.6
    if valid is False:
        base *= 0.5
    return float(max(0.0, min(1.0, base)))


def _flatten(path: str, value: Any) -> list[tuple[str, Any]]:
    """Nested values (land uses) become several flat paths."""
    if isinstance(value, list):
        out: list[tuple[str, Any]] = []
        for k, item in enumerate(value):
            if isinstance(item, dict):
                out.extend((f"{path}[{k}].{key}", v) for key, v in item.items() if v is not None)
            else:
                out.append((f"{path}[{k}]", item))
        return out
    return [(path, value)]


def extract_fields(
    page: Page, template: Template, backend: OcrBackend, settings: Settings, page_number: int = 0
) -> list[Field]:
    """Every field of ``template`` on ``page``: found ones with value/box/confidence, the rest ``not_found``."""
    stream = TextStream.from_lines(page.lines)
    candidates: list[Candidate] = []
    missing: list[FieldSpec] = []
    for spec in template.fields:
        located = locate(stream, template, spec)
        chosen: Candidate | None = None
        for lv in located:
            value = NORMALIZERS[spec.normalizer](lv.value.text)
            if value is None:
                continue
            chosen = Candidate(spec, lv, value, clean_text(lv.value.text), stream.char_confidences(lv.value))
            break
        if chosen is None:
            if located and not spec.pattern:
                # The label is there but the value is empty ("-/-") or unreadable.
                lv = located[0]
                raw = clean_text(lv.value.text)
                if raw and not is_empty_marker(raw):
                    candidates.append(Candidate(spec, lv, None, raw, stream.char_confidences(lv.value)))
                    continue
            missing.append(spec)
        else:
            candidates.append(chosen)

    alt_texts = _second_readings(page, stream, candidates, backend)
    fields: list[Field] = []
    for cand, alt_text in zip(candidates, alt_texts, strict=True):
        kind = "digits" if cand.spec.kind == "digits" else "text"
        alt_value = _alt_value(cand.spec, cand.value, alt_text) if alt_text else None
        reasons: list[str] = []
        value = cand.value
        agree: bool | None = None
        alternatives: list[Any] = []
        if alt_value is not None and value is not None:
            agree = _values_agree(value, alt_value)
            if agree:
                reasons.append(f"second reader ({kind}) agrees")
            else:
                reasons.append(f"second reader ({kind}) reads a different value")
                alternatives.append(alt_value)
                if kind == "digits":
                    # PP-OCR recognisers beat Tesseract on digit fields (ocr-stack.md).
                    alternatives[-1] = value
                    value = alt_value
        elif value is None and alt_value is not None:
            value = alt_value
            reasons.append(f"only the second reader ({kind}) gave a value")
        box, quad = span_region(page, stream, cand.located.value)
        if value is None:
            fields.append(Field(path=cand.spec.path, raw=cand.raw, confidence=0.0, status=FieldStatus.UNREADABLE,
                                page=page_number, box=box, polygon=quad or None,
                                reasons=["label found but the value could not be read"]))
            continue
        confidence = score_confidence(cand.char_confidences, agree, None)
        status = FieldStatus.EXTRACTED if confidence >= settings.review_threshold else FieldStatus.NEEDS_REVIEW
        for path, v in _flatten(cand.spec.path, value):
            fields.append(Field(path=path, value=v, raw=cand.raw, confidence=confidence, status=status,
                                page=page_number, box=box, polygon=quad or None, reasons=list(reasons),
                                alternatives=list(alternatives) if path == cand.spec.path else []))
    for spec in missing:
        if spec.required:
            fields.append(Field(path=spec.path, status=FieldStatus.NOT_FOUND, page=None,
                                reasons=["no label or value found on the page"]))
    return fields


def _second_readings(
    page: Page, stream: TextStream, candidates: list[Candidate], backend: OcrBackend
) -> list[str | None]:
    """The second reader's text of each candidate's value crop (``None`` where it has none)."""
    if page.image is None and backend.name != "fake":
        return [None for _ in candidates]
    batches: dict[str, list[tuple[int, list[Line]]]] = {"digits": [], "text": []}
    for index, cand in enumerate(candidates):
        kind = "digits" if cand.spec.kind == "digits" else "text"
        crops = value_crop_lines(stream, cand.located.value)
        if crops:
            batches[kind].append((index, crops))
    texts: list[str | None] = [None for _ in candidates]
    for kind, items in batches.items():
        flat = [line for _, crops in items for line in crops]
        if not flat:
            continue
        readings = iter(backend.reread(page, flat, kind))  # type: ignore[arg-type]
        for index, crops in items:
            parts = [next(readings) for _ in crops]
            if all(r is not None for r in parts):
                texts[index] = " ".join(r.text for r in parts if r is not None)
    return texts
