"""From OCR lines to fields: locate, re-read, validate, score.

1. Template fields are located by their labels (:mod:`digitize.layout.template`) and
   named extractors find what labels cannot express (persons, tables, MRZ, QR); both
   give :class:`Candidate` values.
2. Each candidate's own crop is re-read: digit fields by the backend's digit recogniser
   (PP-OCR beats Tesseract on digits), text by the second reader (asterocr).  Agreement
   is evidence; for digits the digit reader's value wins a disagreement.
3. Cross-field checks (areas summing up, ID numbers against birth years, MRZ and QR
   against the printed text...) confirm or contradict values.
4. Values on missing paper (the damage mask) become ``unreadable``; every candidate is
   scored (:mod:`digitize.confidence`) and becomes a :class:`Field`; a required field
   that was not found is ``not_found`` with no value, never invented.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import Any

import numpy as np

from digitize.confidence import LOW_CONFIDENCE_REASON, features, field_confidence, review_reason
from digitize.config import Settings
from digitize.doctypes.card_fields import reread_mrz
from digitize.doctypes.registry import CHECKS, EXTRACTORS, build_stream
from digitize.fields.normalize import clean_text, is_empty_marker
from digitize.fields.text import fold
from digitize.layout.candidate import Candidate, ExtractContext
from digitize.layout.normalized import Normalized
from digitize.layout.reading import Span, TextStream, piece_polygon
from digitize.layout.regions import damaged_share, span_region
from digitize.layout.template import FieldSpec, Template, locate
from digitize.layout.values import normalize
from digitize.model import Field, FieldStatus, Line, Page
from digitize.ocr.base import OcrBackend

DAMAGE_UNREADABLE_SHARE = 0.25  # of a value's region lying on missing paper
FALLBACK_EVIDENCE = 0.6  # a value found by its shape, its label unread: weaker evidence


def values_agree(a: Any, b: Any) -> bool:
    """Equal after NFC/space normalisation; floats to 1e-6; lists and dicts element-wise."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        try:
            return abs(float(a) - float(b)) < 1e-6
        except (TypeError, ValueError):
            return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(values_agree(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(values_agree(a[k], b[k]) for k in a)
    return " ".join(str(a).split()) == " ".join(str(b).split())


# -- 1. candidates -----------------------------------------------------------------------

def candidate_from_span(ctx: ExtractContext, path: str, span: Span, normalizer: str, kind: str,
                        reasons: list[str] | None = None) -> Candidate | None:
    """A candidate for ``path`` from a span of the stream, or None when it holds no value."""
    normalized = normalize(normalizer, span.text)
    if normalized is None:
        return None
    if normalized.span is not None:  # the value lies inside noise: keep only its own characters
        span = ctx.stream.span(span.start + normalized.span[0], span.start + normalized.span[1])
    return Candidate(
        path=path, value=normalized.value, raw=clean_text(span.text), span=span, kind=kind,
        normalizer=normalizer, char_confidences=ctx.stream.char_confidences(span),
        reasons=[*(reasons or []), *normalized.reasons], evidence=normalized.score,
    )


def template_candidates(ctx: ExtractContext) -> tuple[list[Candidate], list[FieldSpec]]:
    """Candidates of the template's label/pattern fields, and the required specs not found."""
    found: list[Candidate] = []
    missing: list[FieldSpec] = []
    for spec in ctx.template.fields:
        located = locate(ctx.stream, ctx.template, spec)
        by_shape = False
        if not located and spec.fallback:
            located = locate(ctx.stream, ctx.template, replace(spec, labels=(), pattern=spec.fallback))
            by_shape = True
        chosen = None
        for lv in located:
            reasons = [f"label read with {lv.label_errors} OCR error(s)"] if lv.label_errors else []
            if by_shape:
                reasons.append("label not readable: value recognised by its shape and place")
            chosen = candidate_from_span(ctx, spec.path, lv.value, spec.normalizer, spec.kind, reasons or None)
            if chosen is not None:
                chosen.evidence *= 0.9 ** lv.label_errors * (FALLBACK_EVIDENCE if by_shape else 1.0)
                break
        if chosen is not None:
            found.append(chosen)
            continue
        raw = clean_text(located[0].value.text) if located else ""
        if raw and not is_empty_marker(raw):
            # The label (or pattern) is there and something follows it, but it does not read as
            # a value: the second reader may still read it; otherwise it is unreadable.
            found.append(Candidate(path=spec.path, value=None, raw=raw, span=located[0].value, kind=spec.kind,
                                   normalizer=spec.normalizer,
                                   char_confidences=ctx.stream.char_confidences(located[0].value),
                                   reasons=["the first reader's text is not a valid value"]))
        elif spec.required:
            missing.append(spec)
    return found, missing


# -- 2. second reading ---------------------------------------------------------------------

def value_crop_lines(stream: TextStream, span: Span, widen_chars: float = 0.6,
                     widen_left: float | None = None) -> list[Line]:
    """One pseudo-line per piece of ``span``: the value's part of its line, a little wider
    (``widen_left`` characters on the left when given, else ``widen_chars``)."""
    left = widen_chars if widen_left is None else widen_left
    pieces: list[Line] = []
    for li, a, b in span.pieces:
        line = stream.lines[li]
        n = max(len(line.text), 1)
        pieces.append(Line(text=line.text[a:b], engine=line.engine,
                           polygon=piece_polygon(line, max(0.0, a - left), min(float(n), b + widen_chars))))
    return pieces


# Values printed in a handwriting-like hand after a printed label: the hand is wider than
# the label's print, so a crop placed by character proportions starts too far right and
# cuts the first characters.  Their normalisers skip label residue, so the crop starts wider.
WIDE_LEFT_NORMALIZERS = {"registry": 4.0, "serial": 2.0}
# Numbers after a label on the same line ("Diện tích: 446,5 m²") lose their first digit to a
# crop placed by proportions; every digit normaliser skips a label's last letters and colon.
DIGITS_WIDEN_LEFT = 2.0


def second_reader_value(candidate: Candidate, alt_text: str, skip_leading: bool = False) -> Normalized | None:
    """The second reader's value, from its reading of the value's own (slightly wide) crop.

    Digit normalisers ignore a stray neighbouring character; text values are aligned to
    the best-matching stretch of the reading, widened to whole words.
    """
    if not alt_text or candidate.normalizer is None:
        return None
    if candidate.kind == "digits" or not isinstance(candidate.value, str) or not candidate.raw:
        # The crop starts a little before the value: what is left of the label ("ố: ", read
        # "6: " by a digit reader) goes, when the rest still reads as a value.
        residue = _LABEL_RESIDUE.match(alt_text)
        if residue is not None:
            rest = normalize(candidate.normalizer, alt_text[residue.end():])
            if rest is not None:
                return rest
        whole = normalize(candidate.normalizer, alt_text)
        if whole is not None or candidate.kind != "digits" or not skip_leading:
            return whole
        # The crop starts two characters early: a label letter read as a digit ("SỐ" as "0")
        # can make the number one digit too long; the value is what follows it.
        for skip in (1, 2):
            rest = normalize(candidate.normalizer, alt_text[skip:])
            if rest is not None:
                return Normalized(rest.value, [*rest.reasons, "a character before the number dropped"],
                                  min(rest.score, 0.8))
        return None
    from rapidfuzz import fuzz

    alignment = fuzz.partial_ratio_alignment(candidate.raw, alt_text)
    if alignment is None or alignment.score < 50:
        return normalize(candidate.normalizer, alt_text)
    a, b = alignment.dest_start, alignment.dest_end
    while a > 0 and not alt_text[a - 1].isspace():
        a -= 1
    while b < len(alt_text) and not alt_text[b].isspace():
        b += 1
    return normalize(candidate.normalizer, alt_text[a:b])


_LABEL_RESIDUE = re.compile(r"^(?:\S{0,3}?:\s*|\S\s+)(?=\S)")  # "ố: ", "h: ", ": " or one stray mark


def _same_but_marks(a: Any, b: Any) -> bool:
    if not isinstance(a, str) or not isinstance(b, str) or a == b:
        return False
    return fold(a, keep_case=True).upper() == fold(b, keep_case=True).upper()


def same_but_leading_zeros(first: Any, second: Any) -> bool:
    """True when ``second`` is ``first`` without its first characters, zeros or prefix letters
    ('05483...' against '5483...', 'CS91991' against '91991'): what a digit reader whose crop
    started a little late gives."""
    if not isinstance(first, str) or not isinstance(second, str) or first == second or not second:
        return False
    if not first.endswith(second):
        return False
    dropped = first[: len(first) - len(second)]
    return all(c == "0" or c.isalpha() for c in dropped)


def _read_groups(backend: OcrBackend, page: Page, groups: list[list[Line]], kind: str) -> list[list[str] | None]:
    """The reader's texts for each group of crops, in one call (None for a group it could not read)."""
    flat = [line for group in groups for line in group]
    readings = iter(backend.reread(page, flat, kind) if flat else [])  # type: ignore[arg-type]
    out: list[list[str] | None] = []
    for group in groups:
        parts = [next(readings) for _ in group]
        out.append(None if any(r is None for r in parts) else [r.text for r in parts if r is not None])
    return out


def _second_mrz_reading(ctx: ExtractContext, cand: Candidate, backend: OcrBackend) -> None:
    """An MRZ the first reader got wrong, read again by the digit reader (PP-OCR reads the
    OCR-B capitals, digits and '<' of the MRZ well), row by row."""
    groups = [[ctx.stream.lines[i] for i in g] for g in cand.line_groups or []]
    rows = _read_groups(backend, ctx.page, groups, "digits")
    if all(row is not None for row in rows):
        reread_mrz(cand, [row for row in rows if row is not None])


def colour_ink_page(page: Page) -> Page | None:
    """The page as the reviewer's colour copy shows it, darkest channel per pixel: red and blue
    ink stay dark (the OCR image's colour dropout fades red print, such as a CMND's number)."""
    colour = page.color_image
    if colour is None or page.image is None or colour.ndim != 3 or colour.shape[:2] != page.image.shape[:2]:
        return None
    darkest = colour.min(axis=2)
    return page.model_copy(update={"image": np.dstack([darkest] * 3)})


def read_unread_digits_in_colour(ctx: ExtractContext, items: list[tuple[Candidate, list[Line]]],
                                  backend: OcrBackend) -> None:
    """Digit values neither reader could read from the OCR image, read from the colour ink."""
    pending = [(cand, crops) for cand, crops in items if cand.value is None]
    if not pending:
        return
    page = colour_ink_page(ctx.page)
    if page is None:
        return
    texts = _read_groups(backend, page, [crops for _, crops in pending], "digits")
    for (cand, _), parts in zip(pending, texts, strict=True):
        if parts is None:
            continue
        alt = second_reader_value(cand, " ".join(parts), skip_leading=True)
        if alt is not None:
            cand.value = alt.value
            cand.agree = False
            cand.evidence = min(cand.evidence, alt.score)
            cand.reasons.extend(["read by the digit reader from the colour image (red or faint print)",
                                 *alt.reasons])
            cand.status = FieldStatus.NEEDS_REVIEW  # one reading, nothing to confirm it


def second_reading(ctx: ExtractContext, candidates: list[Candidate], backend: OcrBackend) -> None:
    """Re-read every OCR candidate's crop with the second reader of its kind; record agreement."""
    if ctx.page.image is None and backend.name != "fake":
        return
    batches: dict[str, list[tuple[Candidate, list[Line]]]] = {"digits": [], "text": []}
    for cand in candidates:
        if cand.path == "mrz" and cand.valid is False and cand.line_groups:
            _second_mrz_reading(ctx, cand, backend)
            continue
        if cand.kind not in batches or cand.span is None or cand.source != "ocr" or cand.status is not None:
            continue
        widen_left = WIDE_LEFT_NORMALIZERS.get(cand.normalizer or "",
                                               DIGITS_WIDEN_LEFT if cand.kind == "digits" else None)
        crops = value_crop_lines(ctx.stream, cand.span, widen_left=widen_left)
        if crops:
            batches[cand.kind].append((cand, crops))
    for kind, items in batches.items():
        texts = _read_groups(backend, ctx.page, [crops for _, crops in items], kind)
        for (cand, _), parts in zip(items, texts, strict=True):
            if parts is None:
                continue
            alt = second_reader_value(cand, " ".join(parts))
            if alt is None:
                continue
            if cand.value is None:
                cand.value = alt.value
                cand.agree = False  # one reader only: never as sure as two that agree
                cand.evidence = min(cand.evidence, alt.score)
                cand.reasons.append(f"only the second reader ({kind}) gives a valid value")
                if kind == "digits":
                    cand.status = FieldStatus.NEEDS_REVIEW  # one reading of a number: a reviewer checks it
            elif values_agree(cand.value, alt.value):
                cand.agree = True
                cand.readers += 1
                cand.reasons.append(f"second reader ({kind}) agrees")
            else:
                cand.agree = False
                cand.reasons.append(f"second reader ({kind}) reads a different value")
                if kind == "digits" and (_same_but_marks(cand.value, alt.value)
                                         or same_but_leading_zeros(cand.value, alt.value)):
                    # The digit reader has no Vietnamese letters (Đ, Ư...), and it drops a
                    # leading zero at the edge of its crop: where the two readings differ
                    # only there, the first reader's reading stands (for review all the same).
                    cand.alternatives.append(alt.value)
                elif kind == "digits":
                    # PP-OCR recognisers beat Tesseract on digit fields (ocr-stack.md).
                    cand.alternatives.append(cand.value)
                    cand.value = alt.value
                else:
                    cand.alternatives.append(alt.value)
    read_unread_digits_in_colour(ctx, batches["digits"], backend)


# -- 4. fields ----------------------------------------------------------------------------------

def _flatten(path: str, value: Any) -> list[tuple[str, Any]]:
    """List values (land uses, assets) become several flat paths."""
    if isinstance(value, list):
        out: list[tuple[str, Any]] = []
        for k, item in enumerate(value):
            if isinstance(item, dict):
                out.extend((f"{path}[{k}].{key}", v) for key, v in item.items() if v is not None)
            else:
                out.append((f"{path}[{k}]", item))
        return out
    return [(path, value)]


def to_fields(ctx: ExtractContext, candidates: list[Candidate], missing: list[FieldSpec]) -> list[Field]:
    fields: list[Field] = []
    threshold = ctx.settings.review_threshold
    two_readings = frozenset(ctx.template.meta.get("two_readings", ()))
    for cand in candidates:
        box, quad = (cand.box, None) if cand.span is None else span_region(ctx.page, ctx.stream, cand.span)
        status = cand.status
        reasons = list(dict.fromkeys(cand.reasons))
        if cand.span is not None and status is None:
            share = damaged_share(ctx.page, ctx.stream, cand.span)
            if share >= DAMAGE_UNREADABLE_SHARE:
                status = FieldStatus.UNREADABLE
                reasons.append(f"{share:.0%} of the value lies on torn or missing paper")
        if status == FieldStatus.UNREADABLE or cand.value is None:
            fields.append(Field(path=cand.path, raw=cand.raw, confidence=0.0, status=FieldStatus.UNREADABLE,
                                page=ctx.page_number, box=box, polygon=quad or None, reasons=reasons))
            continue
        confidence = field_confidence(cand, ctx.settings)
        signals = [float(v) for v in features(cand)]
        if status is None:
            # A value a validator contradicts, or one the review rule holds back (one reading of
            # handwriting, nothing to confirm it), is shown to a reviewer whatever its score.
            why = review_reason(cand, two_readings)
            if why is not None:
                reasons.append(why)
            elif confidence < threshold and cand.valid is not False:
                reasons.append(LOW_CONFIDENCE_REASON)
            trusted = why is None and confidence >= threshold and cand.valid is not False
            status = FieldStatus.EXTRACTED if trusted else FieldStatus.NEEDS_REVIEW
        for path, v in _flatten(cand.path, cand.value):
            fields.append(Field(path=path, value=v, raw=cand.raw, confidence=confidence, status=status,
                                page=ctx.page_number, box=box, polygon=quad or None, reasons=list(reasons),
                                alternatives=list(cand.alternatives) if path == cand.path else [],
                                signals=signals))
    for spec in missing:
        fields.append(Field(path=spec.path, status=FieldStatus.NOT_FOUND, reasons=["not found on the page"]))
    return fields


def extract_fields(
    page: Page, template: Template, backend: OcrBackend, settings: Settings, page_number: int = 0,
    timings: dict[str, float] | None = None,
) -> list[Field]:
    """Every field of ``template`` on ``page``: found ones with value/box/confidence.

    ``timings`` (if given) receives the second reader's time under ``ocr.second_reader``:
    it is recognition work, reported apart from extraction proper.
    """
    timings = {} if timings is None else timings
    ctx = ExtractContext(page, build_stream(page.lines, template), template, settings, page_number)
    candidates, missing = template_candidates(ctx)
    for name in template.extractors:
        candidates.extend(EXTRACTORS[name](ctx))
    start = time.perf_counter()
    second_reading(ctx, candidates, backend)
    timings["ocr.second_reader"] = time.perf_counter() - start
    by_path: dict[str, Candidate] = {}
    for cand in candidates:
        current = by_path.get(cand.path)
        # A value beats "label found, value unreadable" for the same path (a table column
        # header that looks like a label, say); otherwise the first found stays.
        if current is None or (current.value is None and cand.value is not None):
            by_path[cand.path] = cand
    for name in template.checks:
        CHECKS[name](by_path, ctx)  # checks may add values (a QR code) or confirm/contradict them
    return to_fields(ctx, list(by_path.values()), missing)
