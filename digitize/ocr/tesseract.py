"""Tesseract 5 ``vie`` through tesserocr: one API object per process, line mode.

tesserocr's bundled Tesseract returns an EMPTY string in line mode (psm 7) for a
sizeable share of perfectly readable crops (ocr-stack.md); an empty read is retried in
raw-line mode (psm 13) before it is believed.
"""

from __future__ import annotations

import contextlib
from typing import Any

import cv2
import numpy as np

from digitize.errors import MissingDependency
from digitize.model import nfc

# Tesseract's LSTM reads best with x-height around 20-30 px; our crops are scaled to this.
TARGET_LINE_HEIGHT = 48
MAX_LINE_HEIGHT = 96


def _tesserocr() -> Any:
    try:
        import tesserocr
    except ImportError as exc:
        raise MissingDependency("tesserocr is not installed (pip install tesserocr)") from exc
    return tesserocr


def align_to_text(text: str, symbol_confs: list[float], default: float) -> list[float]:
    """One confidence per character of ``text``: spaces take ``default``, the rest consume ``symbol_confs``."""
    aligned: list[float] = []
    it = iter(symbol_confs)
    for ch in text:
        aligned.append(default if ch.isspace() else next(it, default))
    return aligned


class TesseractLineReader:
    """Reads single-line crops with Tesseract LSTM; gives text, mean and per-character confidences."""

    def __init__(self, tessdata: str | None, lang: str = "vie") -> None:
        if tessdata is None:
            raise MissingDependency(
                "Tesseract's Vietnamese model was not found; apt-get install tesseract-ocr tesseract-ocr-vie"
            )
        tesserocr = _tesserocr()
        self._tesserocr = tesserocr
        self.lang = lang
        self.tessdata = tessdata
        try:
            self.api = tesserocr.PyTessBaseAPI(
                path=tessdata, lang=lang, psm=tesserocr.PSM.SINGLE_LINE, oem=tesserocr.OEM.LSTM_ONLY
            )
        except RuntimeError as exc:
            raise MissingDependency(f"Tesseract could not load '{lang}' from {tessdata}: {exc}") from exc
        # Preserve spaces between words as printed; Tesseract may otherwise drop them.
        self.api.SetVariable("preserve_interword_spaces", "1")

    @staticmethod
    def prepare(crop: np.ndarray) -> np.ndarray:
        """Grey, scaled to a comfortable line height, with a white margin."""
        gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
        h = gray.shape[0]
        if h < TARGET_LINE_HEIGHT or h > MAX_LINE_HEIGHT:
            scale = TARGET_LINE_HEIGHT / max(h, 1)
            gray = cv2.resize(
                gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
            )
        margin = max(4, gray.shape[0] // 4)
        return cv2.copyMakeBorder(gray, margin, margin, margin, margin, cv2.BORDER_REPLICATE)

    def read(self, crop: np.ndarray) -> tuple[str, float, list[float]]:
        """(text, confidence 0-1, per-character confidences 0-1) for one line crop."""
        from PIL import Image

        tesserocr = self._tesserocr
        img = Image.fromarray(self.prepare(crop))
        text, conf, chars = self._run(img, tesserocr.PSM.SINGLE_LINE)
        if not text:
            text, conf, chars = self._run(img, tesserocr.PSM.RAW_LINE)
            self.api.SetPageSegMode(tesserocr.PSM.SINGLE_LINE)
        return text, conf, chars

    def _run(self, img: Any, psm: Any) -> tuple[str, float, list[float]]:
        tesserocr = self._tesserocr
        self.api.SetPageSegMode(psm)
        self.api.SetImage(img)
        self.api.Recognize()
        text = nfc((self.api.GetUTF8Text() or "").strip())
        if not text:
            return "", 0.0, []
        chars: list[float] = []
        iterator = self.api.GetIterator()
        level = tesserocr.RIL.SYMBOL
        if iterator is not None:
            for symbol in tesserocr.iterate_level(iterator, level):
                try:
                    sym = symbol.GetUTF8Text(level)
                except RuntimeError:  # "No text returned"
                    continue
                if sym:
                    c = max(0.0, min(1.0, symbol.Confidence(level) / 100.0))
                    # A symbol may hold a base letter plus combining marks: one score per char.
                    chars.extend([c] * len(nfc(sym)))
        mean = float(np.mean(chars)) if chars else max(0.0, self.api.MeanTextConf() / 100.0)
        return text, mean, align_to_text(text, chars, mean)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.api.End()
