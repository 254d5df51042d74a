"""The default engine: PP-OCR DB detection on onnxruntime, Tesseract ``vie`` per line.

Measured in ocr-stack.md: DB detection + Tesseract per line reads Vietnamese at ~1 %
CER; PP-OCR recognisers lack most tone-marked letters but are the strongest on digits,
so they serve as the ``digits`` re-reader; asterocr, whose errors differ from
Tesseract's, is the ``text`` re-reader whose agreement feeds confidence.
"""

from __future__ import annotations

import time

import numpy as np

from digitize.config import Settings
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

LINE_CROP_PAD = 0.12  # of the line height: DB boxes hug the ink; diacritics sit above it


def make_detector(settings: Settings) -> DbDetector:
    return DbDetector(
        model_path("ppocr_v4_det"),
        threads=settings.threads,
        max_side=settings.det_max_side,
        threshold=settings.det_threshold,
        box_threshold=settings.det_box_threshold,
        unclip_ratio=settings.det_unclip_ratio,
    )


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

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        start = time.perf_counter()
        self.detector = make_detector(settings)
        self.digit_reader: CtcRecognizer = load_ppocr_recognizer(model_path("ppocr_v4_rec"), settings.threads)
        self.text_reader: CtcRecognizer | None = None
        if settings.second_reader:
            self.text_reader = load_aster_recognizer(
                model_path("asterocr_rec"), model_path("asterocr_vocab"), settings.threads
            )
        self.load_seconds = time.perf_counter() - start

    def detect(self, page: Page) -> list[Line]:
        assert page.image is not None, "page has no image"
        quads = self.detector.detect(page.image)
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


class DefaultBackend(_DetectingBackend):
    """PP-OCRv4 DB detection -> Tesseract ``vie`` (LSTM, line mode) per line crop."""

    name = "default"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        start = time.perf_counter()
        self.reader = TesseractLineReader(settings.tessdata_dir())
        self.load_seconds += time.perf_counter() - start

    @staticmethod
    def check_available(settings: Settings) -> str | None:
        if settings.tessdata_dir() is None:
            return "Tesseract 'vie' data not found (apt-get install tesseract-ocr-vie)"
        try:
            model_path("ppocr_v4_det")
        except Exception as exc:
            return str(exc)
        return None

    def read_page(self, page: Page) -> list[Line]:
        lines = self.detect(page)
        out: list[Line] = []
        for line, crop in zip(lines, line_crops(page, lines), strict=True):
            text, conf, chars = self.reader.read(crop)
            if not text:
                continue
            out.append(line.model_copy(update={"text": text, "confidence": conf, "char_confidences": chars,
                                               "engine": "tesseract"}))
        return out

    def model_info(self) -> dict[str, str]:
        return {"detector": "PP-OCRv4 det (onnx)", "recogniser": f"tesseract {self.reader.lang}",
                "digits": "PP-OCRv4 rec (onnx)", "second_reader": "asterocr" if self.text_reader else "none"}

    def close(self) -> None:
        self.reader.close()


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
