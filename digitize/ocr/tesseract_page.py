"""Plain Tesseract ``vie`` on the whole page (page segmentation mode 3).

The baseline every office already has: no learned detector, no second reader.
"""

from __future__ import annotations

from typing import Any

from digitize.config import Settings
from digitize.errors import MissingDependency
from digitize.model import Line, Page, nfc
from digitize.ocr.base import OcrBackend
from digitize.ocr.tesseract import align_to_text


class TesseractPageBackend(OcrBackend):
    """Tesseract's own layout analysis and recognition over the full page."""

    name = "tesseract"

    def __init__(self, settings: Settings) -> None:
        try:
            import tesserocr
        except ImportError as exc:
            raise MissingDependency("tesserocr is not installed") from exc
        tessdata = settings.tessdata_dir()
        if tessdata is None:
            raise MissingDependency("Tesseract 'vie' data not found (apt-get install tesseract-ocr-vie)")
        self._tesserocr: Any = tesserocr
        self.api = tesserocr.PyTessBaseAPI(path=tessdata, lang="vie", psm=tesserocr.PSM.AUTO,
                                           oem=tesserocr.OEM.LSTM_ONLY)
        self.load_seconds = 0.0

    @staticmethod
    def check_available(settings: Settings) -> str | None:
        return None if settings.tessdata_dir() else "Tesseract 'vie' data not found"

    def read_page(self, page: Page) -> list[Line]:
        from PIL import Image

        assert page.image is not None
        tesserocr = self._tesserocr
        self.api.SetImage(Image.fromarray(page.image[:, :, ::-1] if page.image.ndim == 3 else page.image))
        self.api.Recognize()
        level = tesserocr.RIL.TEXTLINE
        lines: list[Line] = []
        iterator = self.api.GetIterator()
        if iterator is None:
            return lines
        for item in tesserocr.iterate_level(iterator, level):
            try:
                text = nfc((item.GetUTF8Text(level) or "").strip())
            except RuntimeError:  # tesserocr raises "No text returned" on empty blocks
                continue
            box = item.BoundingBox(level)
            if not text or box is None:
                continue
            x0, y0, x1, y1 = (float(v) for v in box)
            conf = max(0.0, min(1.0, item.Confidence(level) / 100.0))
            lines.append(Line(text=text, confidence=conf, polygon=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
                              char_confidences=align_to_text(text, [], conf), engine="tesseract_page"))
        return lines

    def model_info(self) -> dict[str, str]:
        return {"recogniser": "tesseract vie, page mode (psm 3)"}

    def close(self) -> None:
        self.api.End()
