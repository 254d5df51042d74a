"""The default engine: PP-OCR DB detection on onnxruntime, Tesseract ``vie`` per line.

Measured in ocr-stack.md: DB detection + Tesseract per line reads Vietnamese at ~1 %
CER; PP-OCR recognisers lack most tone-marked letters but are the strongest on digits,
so they serve as the ``digits`` re-reader; asterocr, whose errors differ from
Tesseract's, is the ``text`` re-reader whose agreement feeds confidence.

With ``Settings.recogniser = "trained"`` (or the ``trained`` backend) the project's own
recogniser (:mod:`digitize.ocr.trained`) reads every line, in batches, and Tesseract is
the ``text`` re-reader in asterocr's place (asterocr is then not loaded).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np

from digitize.config import Settings
from digitize.errors import MissingDependency
from digitize.model import Line, Page, Reading, TextKind, nfc
from digitize.ocr.base import OcrBackend
from digitize.ocr.models import model_path
from digitize.ocr.ppocr import (
    CtcRecognizer,
    DbDetector,
    crop_quad,
    load_aster_recognizer,
    load_ppocr_recognizer,
)
from digitize.ocr.tesseract import TesseractLineReader
from digitize.ocr.trained import TrainedLineReader

LINE_CROP_PAD = 0.12  # of the line height: DB boxes hug the ink; diacritics sit above it


def make_detector(settings: Settings) -> DbDetector:
    """The DB text detector the settings name (``det_model``), at their input size and thresholds."""
    return DbDetector(
        model_path(settings.det_model),
        threads=settings.threads,
        max_side=settings.det_max_side,
        threshold=settings.det_threshold,
        box_threshold=settings.det_box_threshold,
        unclip_ratio=settings.det_unclip_ratio,
        text_height_target=settings.det_text_height,
    )


def page_text_height(page: Page) -> float | None:
    """The page's letter height in pixels of ``page.image``: capture quality's
    ``text_height_px`` (original pixels) through the page's transforms, or None."""
    height = page.quality.metrics.get("text_height_px")
    if not height or page.image is None:
        return None
    if not page.transforms:
        return float(height)
    h, w = page.image.shape[:2]
    centre = np.array([[w / 2, h / 2], [w / 2, h / 2 + 100.0]])
    a, b = page.to_original(centre)
    original_per_processed = float(np.hypot(b[0] - a[0], b[1] - a[1])) / 100.0
    return float(height) / original_per_processed if original_per_processed > 0 else None


def line_crops(page: Page, lines: list[Line]) -> list[np.ndarray]:
    """Crops of ``lines`` from ``page.image`` (empty arrays where a line has no polygon)."""
    assert page.image is not None
    crops = []
    for line in lines:
        if len(line.polygon) != 4:
            crops.append(np.zeros((0, 0, 3), np.uint8))
            continue
        crops.append(crop_quad(page.image, np.asarray(line.polygon, dtype=np.float32), pad=LINE_CROP_PAD))
    return crops


class _DetectingBackend(OcrBackend):
    """Shared detection + digit/text re-reading for the ONNX-based backends."""

    def __init__(self, settings: Settings, load_asterocr: bool = True) -> None:
        self.settings = settings
        start = time.perf_counter()
        self.detector = make_detector(settings)
        self.digit_reader: CtcRecognizer = load_ppocr_recognizer(model_path("ppocr_v4_rec"), settings.threads)
        self.text_reader: CtcRecognizer | None = None
        if settings.second_reader and load_asterocr:
            self.text_reader = load_aster_recognizer(
                model_path("asterocr_rec"), model_path("asterocr_vocab"), settings.threads
            )
        self.load_seconds = time.perf_counter() - start

    def detect(self, page: Page) -> list[Line]:
        assert page.image is not None, "page has no image"
        start = time.perf_counter()
        text_height = page_text_height(page) if self.detector.text_height_target else None
        quads = self.detector.detect(page.image, text_height)
        self.add_stage_time("detect", time.perf_counter() - start)
        return [
            Line(text="", confidence=0.0, polygon=[(float(x), float(y)) for x, y in quad], engine="")
            for quad, _score in quads
        ]

    def reread(self, page: Page, lines: list[Line], kind: TextKind) -> list[Reading | None]:
        reader = self.digit_reader if kind == "digits" else self.text_reader
        if reader is None or not lines:
            return [None for _ in lines]
        engine = "ppocr_rec" if kind == "digits" else "asterocr"
        crops = line_crops(page, lines)
        results: list[Reading | None] = []
        for crop, (text, conf, chars) in zip(crops, reader.recognize(crops), strict=True):
            if crop.size == 0:
                results.append(None)
                continue
            results.append(Reading(engine=engine, text=nfc(text.strip()), confidence=conf, char_confidences=chars))
        return results


WEAK_LINE = 0.85  # reading quality below which a line is read by the second recogniser too
BETTER_LINE = 0.15  # how much better the second reading must look to replace the first


_EDGE_MARKS = "()[]{}.,:;!?\"'“”‘’-–—_…"
_NUMBER_TOKEN = re.compile(r"^\d+(?:[.,/\-]\d+)*$")
_ABBREVIATION = re.compile(r"^[A-ZĐ]{2,6}\.?$|^m[2²]$")


def reading_quality(text: str, confidence: float) -> float:
    """How much a line reads like Vietnamese print: the share of its tokens that are valid
    syllables, numbers or abbreviations (garbage such as '2Ø.' or '0à):' is neither), with
    the recogniser's confidence.  A line of digits and marks only scores 1: the digit
    reader's business, not arbitrated."""
    from digitize.fields.vietnamese import is_valid_syllable

    tokens = [t.strip(_EDGE_MARKS) for t in text.split()]
    tokens = [t for t in tokens if t]
    words = [t for t in tokens if not _NUMBER_TOKEN.match(t)]
    if not words:
        return 1.0
    good = sum(1 for t in tokens if _NUMBER_TOKEN.match(t) or _ABBREVIATION.match(t) or is_valid_syllable(t))
    return 0.7 * good / len(tokens) + 0.3 * confidence


TRAINED_MODEL_IDS = ("digitize_rec", "digitize_rec_vocab")  # manifest ids: the ONNX file and its vocab.json


def _trained_paths() -> tuple[Path, Path]:
    """The trained recogniser's files; MissingDependency (with the reason) when they are not here."""
    paths = []
    for model_id in TRAINED_MODEL_IDS:
        try:
            paths.append(model_path(model_id))
        except (KeyError, MissingDependency) as exc:
            raise MissingDependency(f"the trained recogniser is not available: {exc}") from exc
    return paths[0], paths[1]


def load_trained_reader(threads: int = 1) -> TrainedLineReader:
    """The project's recogniser from the manifest (``digitize_rec`` and its ``vocab.json``)."""
    model, vocab = _trained_paths()
    return TrainedLineReader(model, vocab, threads)


def trained_unavailable() -> str | None:
    """Why the trained recogniser cannot be loaded here, or None."""
    try:
        _trained_paths()
    except MissingDependency as exc:
        return str(exc)
    return None


class DefaultBackend(_DetectingBackend):
    """PP-OCRv4 DB detection -> Tesseract ``vie`` (LSTM, line mode) per line crop, or the trained
    recogniser on every line when ``Settings.recogniser`` is ``"trained"``."""

    name = "default"
    # The first reader's engine name: "tesseract", or "trained" (then Tesseract reads second).
    first_engine = "tesseract"
    # The second reader's engine: "asterocr" or "trained" after Tesseract, "tesseract" after "trained".
    second_engine: str | None = "asterocr"
    trained: TrainedLineReader | None = None

    def __init__(self, settings: Settings) -> None:
        first = self.first_reader(settings)
        second = self.second_engine_for(settings)
        super().__init__(settings, load_asterocr=second == "asterocr")
        start = time.perf_counter()
        self.first_engine = first
        self.second_engine = second
        self.reader = TesseractLineReader(settings.tessdata_dir())
        if "trained" in (first, second):
            self.trained = load_trained_reader(settings.threads)
        self.load_seconds += time.perf_counter() - start

    @classmethod
    def first_reader(cls, settings: Settings) -> str:
        return settings.recogniser

    @classmethod
    def second_engine_for(cls, settings: Settings) -> str | None:
        """The second reader's engine: Tesseract after the trained recogniser, else the configured one."""
        if not settings.second_reader:
            return None
        return "tesseract" if cls.first_reader(settings) == "trained" else settings.second_recogniser

    @classmethod
    def check_available(cls, settings: Settings) -> str | None:
        if settings.tessdata_dir() is None:
            return "Tesseract 'vie' data not found (apt-get install tesseract-ocr-vie)"
        try:
            model_path(settings.det_model)
        except Exception as exc:
            return str(exc)
        if "trained" in (cls.first_reader(settings), cls.second_engine_for(settings)):
            return trained_unavailable()
        return None

    def read_page(self, page: Page) -> list[Line]:
        lines = self.detect(page)
        start = time.perf_counter()
        crops = line_crops(page, lines)
        if self.first_engine == "trained":
            assert self.trained is not None
            readings = self.trained.read_batch(crops)
        else:
            readings = [self.reader.read(crop) for crop in crops]
        out: list[Line] = []
        for line, (text, conf, chars) in zip(lines, readings, strict=True):
            # A detected line the trained reader reads as nothing goes to the second reader
            # (Tesseract retries its own empty reads in raw-line mode instead).
            if not text and self.first_engine == "tesseract":
                continue
            out.append(line.model_copy(update={"text": text, "confidence": conf, "char_confidences": chars,
                                               "engine": self.first_engine}))
        self.add_stage_time("recognise", time.perf_counter() - start)
        start = time.perf_counter()
        arbitrated = [ln for ln in self._arbitrate(page, out) if ln.text]
        self.add_stage_time("arbitrate", time.perf_counter() - start)
        return arbitrated

    def _read_with(self, engine: str, page: Page, lines: list[Line]) -> list[Reading | None]:
        """``lines`` read by Tesseract or the trained recogniser (None for a line with no crop)."""
        crops = line_crops(page, lines)
        if engine == "trained":
            assert self.trained is not None
            readings = self.trained.read_batch(crops)
        else:
            readings = [self.reader.read(crop) if crop.size else ("", 0.0, []) for crop in crops]
        return [Reading(engine=engine, text=text, confidence=conf, char_confidences=chars) if crop.size else None
                for crop, (text, conf, chars) in zip(crops, readings, strict=True)]

    def _second_text_readings(self, page: Page, lines: list[Line]) -> list[Reading | None]:
        """The second reader's readings of ``lines``: asterocr or the trained recogniser after
        Tesseract, Tesseract after the trained recogniser (None for a line with no crop)."""
        if self.second_engine == "asterocr":
            return super().reread(page, lines, "text")
        if self.second_engine is None:
            return [None for _ in lines]
        return self._read_with(self.second_engine, page, lines)

    def _has_second_reader(self) -> bool:
        return self.second_engine is not None and (self.second_engine != "asterocr" or self.text_reader is not None)

    def _arbitrate(self, page: Page, lines: list[Line]) -> list[Line]:
        """Lines the first reader reads badly (handwriting on old forms, blur) are read by the second
        reader too, and the reading that looks more like Vietnamese wins; the other is kept as an
        alternative."""
        if not self._has_second_reader():
            return lines
        quality = [reading_quality(ln.text, ln.confidence) if ln.text else 0.0 for ln in lines]
        weak = [i for i, q in enumerate(quality) if q < WEAK_LINE]
        if not weak:
            return lines
        readings = self._second_text_readings(page, [lines[i] for i in weak])
        out = list(lines)
        for i, alt in zip(weak, readings, strict=True):
            if alt is None or not alt.text:
                continue
            first = lines[i]
            if reading_quality(alt.text, alt.confidence) < quality[i] + BETTER_LINE:
                continue
            kept = Reading(engine=first.engine, text=first.text, confidence=first.confidence,
                           char_confidences=first.char_confidences)
            out[i] = first.model_copy(update={"text": alt.text, "confidence": alt.confidence,
                                              "char_confidences": alt.char_confidences, "engine": alt.engine,
                                              "alternatives": [*first.alternatives, kept]})
        return out

    def reread(self, page: Page, lines: list[Line], kind: TextKind) -> list[Reading | None]:
        """Digits by PP-OCR rec; text by the second reader, except that a line the second reader
        already read (it won the arbitration) is read again by the first one: the second reading
        must come from the other recogniser to count as independent evidence."""
        if kind != "text":
            return super().reread(page, lines, kind)
        if not self._has_second_reader():
            return [None for _ in lines]
        assert self.second_engine is not None
        by_second = [k for k, ln in enumerate(lines) if ln.engine == self.second_engine]
        others = [k for k, ln in enumerate(lines) if ln.engine != self.second_engine]
        results: list[Reading | None] = [None] * len(lines)
        for k, reading in zip(others, self._second_text_readings(page, [lines[k] for k in others]), strict=True):
            results[k] = reading
        first_readings = self._read_with(self.first_engine, page, [lines[k] for k in by_second])
        for k, reading in zip(by_second, first_readings, strict=True):
            results[k] = reading
        return results

    def model_info(self) -> dict[str, str]:
        names = {"tesseract": f"tesseract {self.reader.lang}", "asterocr": "asterocr",
                 "trained": f"trained {self.trained.info()}" if self.trained is not None else "trained"}
        second = self.second_engine if self._has_second_reader() else None
        return {"detector": f"PP-OCRv4 det (onnx, {self.settings.det_model})",
                "recogniser": names[self.first_engine], "digits": "PP-OCRv4 rec (onnx)",
                "second_reader": names[second] if second else "none"}

    def close(self) -> None:
        self.reader.close()


class TrainedBackend(DefaultBackend):
    """PP-OCRv4 DB detection -> the project's trained recogniser on every line (batched), Tesseract
    as the second reader of Vietnamese lines, PP-OCR rec for digits."""

    name = "trained"

    @classmethod
    def first_reader(cls, settings: Settings) -> str:
        return "trained"


class RapidOcrBackend(_DetectingBackend):
    """PP-OCRv4 detection and recognition end to end (no Vietnamese tone marks: a baseline)."""

    name = "rapidocr"

    def read_page(self, page: Page) -> list[Line]:
        lines = self.detect(page)
        out: list[Line] = []
        for line, (text, conf, chars) in zip(lines, self.digit_reader.recognize(line_crops(page, lines)), strict=True):
            text = nfc(text.strip())
            if text:
                out.append(line.model_copy(update={"text": text, "confidence": conf, "char_confidences": chars,
                                                   "engine": "ppocr_rec"}))
        return out

    def model_info(self) -> dict[str, str]:
        return {"detector": "PP-OCRv4 det (onnx)", "recogniser": "PP-OCRv4 rec (onnx)"}
