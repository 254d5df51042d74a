"""PP-OCR models on onnxruntime: DB text detection and CTC line recognition.

The pre- and post-processing follow PaddleOCR's reference (DBPostProcess, CTCLabelDecode)
but are written here so that we depend on the model files only, not on a wrapper's
changing API.  onnxruntime is imported when a model is built, never at import time.
"""

from __future__ import annotations

import logging
from itertools import pairwise
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from digitize.errors import MissingDependency

log = logging.getLogger(__name__)

# asterocr's recogniser has a positional encoding of this many steps (its ONNX graph fails
# on a longer input with a broadcast error).
ASTER_MAX_STEPS = 256
# A long line is cut at the whitest column within this share of a piece's width before
# the even cut point, so cuts fall between words.
CUT_SEARCH_SHARE = 0.25
# A column is ink-free when no pixel is this much darker than the crop's median grey; a run
# of such columns at least this share of the line height wide is a gap between words.
INK_CONTRAST = 40.0
WORD_GAP_HEIGHT_SHARE = 0.15


def make_session(path: Path, threads: int) -> Any:
    """An onnxruntime CPU session limited to ``threads`` (it defaults to every core)."""
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise MissingDependency("onnxruntime is not installed (pip install onnxruntime)") from exc
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


def order_quad(points: np.ndarray) -> np.ndarray:
    """Order four points as top-left, top-right, bottom-right, bottom-left."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    by_x = pts[np.argsort(pts[:, 0])]
    left, right = by_x[:2], by_x[2:]
    tl, bl = left[np.argsort(left[:, 1])]
    tr, br = right[np.argsort(right[:, 1])]
    return np.array([tl, tr, br, bl], dtype=np.float32)


def crop_quad(image: np.ndarray, quad: np.ndarray, pad: float = 0.0) -> np.ndarray:
    """Perspective-crop a text quad to an upright rectangle; tall crops are turned to read left to right.

    ``pad`` widens the crop by that fraction of its height on every side.
    """
    q = order_quad(quad)
    if pad > 0:
        height = max(float(np.linalg.norm(q[0] - q[3])), float(np.linalg.norm(q[1] - q[2])), 1.0)
        along = q[1] - q[0]
        along /= max(np.linalg.norm(along), 1e-6)
        across = np.array([-along[1], along[0]], dtype=np.float32)
        grow = pad * height
        q = q + np.array(
            [-along * grow - across * grow, along * grow - across * grow,
             along * grow + across * grow, -along * grow + across * grow],
            dtype=np.float32,
        )
    width = round(max(np.linalg.norm(q[0] - q[1]), np.linalg.norm(q[3] - q[2])))
    height = round(max(np.linalg.norm(q[0] - q[3]), np.linalg.norm(q[1] - q[2])))
    width, height = max(width, 1), max(height, 1)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(q, target)
    crop = cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    if height >= 1.5 * width:
        crop = np.rot90(crop)
    return np.ascontiguousarray(crop)


def _unclip(box: np.ndarray, ratio: float) -> np.ndarray | None:
    import pyclipper

    poly = box.reshape(-1, 2)
    area = cv2.contourArea(poly.astype(np.float32))
    length = cv2.arcLength(poly.astype(np.float32), True)
    if length <= 0:
        return None
    distance = area * ratio / length
    offset = pyclipper.PyclipperOffset()
    offset.AddPath([tuple(map(int, p)) for p in poly], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    expanded = offset.Execute(distance)
    if not expanded:
        return None
    return np.array(max(expanded, key=len), dtype=np.float32)


MAX_UPSCALE = 2.5
# With a text-height target the detector's input is scaled so that letters come out about
# this many pixels high, never larger than the fixed max-side rule and never with a side
# under MIN_DETECT_SIDE (docs/detection.md has the measurements behind both).
MIN_DETECT_SIDE = 640


class DbDetector:
    """PP-OCR DB text-line detector (probability map -> rotated boxes)."""

    def __init__(
        self,
        model_file: Path,
        threads: int = 1,
        max_side: int = 1600,
        threshold: float = 0.3,
        box_threshold: float = 0.5,
        unclip_ratio: float = 1.6,
        min_size: float = 3.0,
        text_height_target: float | None = None,
    ) -> None:
        self.session = make_session(model_file, threads)
        self.input_name = self.session.get_inputs()[0].name
        self.max_side = max_side
        self.text_height_target = text_height_target
        self.threshold = threshold
        self.box_threshold = box_threshold
        self.unclip_ratio = unclip_ratio
        self.min_size = min_size

    def input_scale(self, height: int, width: int, text_height: float | None = None) -> float:
        """How much the image is scaled for the network.

        Small phone images are enlarged too: the detector merges neighbouring lines of
        5-10 px text that it separates cleanly at twice the size.  Given the page's letter
        height (pixels of this image) and a target, a page with large print is shrunk further.
        """
        scale = min(MAX_UPSCALE, self.max_side / max(height, width, 1))
        if text_height and self.text_height_target:
            floor = min(1.0, MIN_DETECT_SIDE / max(height, width, 1))
            scale = min(scale, max(self.text_height_target / text_height, floor))
        return scale

    def _resize(self, image: np.ndarray, text_height: float | None = None) -> tuple[np.ndarray, float, float]:
        h, w = image.shape[:2]
        scale = self.input_scale(h, w, text_height)
        nh = max(32, round(h * scale / 32) * 32)
        nw = max(32, round(w * scale / 32) * 32)
        resized = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
        return resized, w / nw, h / nh

    def _blob(self, image: np.ndarray, text_height: float | None) -> tuple[np.ndarray, float, float]:
        bgr = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        resized, sx, sy = self._resize(bgr, text_height)
        blob = (resized.astype(np.float32) / 255.0 - 0.5) / 0.5
        return blob.transpose(2, 0, 1)[np.newaxis], sx, sy

    def input_blob(self, image: np.ndarray, text_height: float | None = None) -> np.ndarray:
        """The network's input ``[1, 3, H, W]`` for ``image`` (as :meth:`probability_map` feeds it)."""
        return self._blob(image, text_height)[0]

    def probability_map(self, image: np.ndarray, text_height: float | None = None) -> tuple[np.ndarray, float, float]:
        """The detector's text probability map and the (x, y) scale back to ``image``."""
        blob, sx, sy = self._blob(image, text_height)
        prob = self.session.run(None, {self.input_name: blob})[0][0, 0]
        return prob, sx, sy

    def detect(self, image: np.ndarray, text_height: float | None = None) -> list[tuple[np.ndarray, float]]:
        """Quads (4x2, image coordinates, TL-TR-BR-BL) with their detection scores.

        ``text_height`` (letter height in pixels of ``image``, when known) lets a detector with
        a text-height target choose a smaller input for large print.
        """
        prob, sx, sy = self.probability_map(image, text_height)
        mask = cv2.dilate((prob > self.threshold).astype(np.uint8), np.ones((2, 2), np.uint8))
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        h, w = image.shape[:2]
        results: list[tuple[np.ndarray, float]] = []
        for contour in contours[:2000]:
            if len(contour) < 4:
                continue
            rect = cv2.minAreaRect(contour)
            if min(rect[1]) < self.min_size:
                continue
            score = self._box_score(prob, contour.reshape(-1, 2))
            if score < self.box_threshold:
                continue
            box = cv2.boxPoints(rect)
            expanded = _unclip(box, self.unclip_ratio)
            if expanded is None or len(expanded) < 4:
                continue
            rect2 = cv2.minAreaRect(expanded)
            if min(rect2[1]) < self.min_size + 2:
                continue
            quad = order_quad(cv2.boxPoints(rect2))
            quad[:, 0] = np.clip(quad[:, 0] * sx, 0, w - 1)
            quad[:, 1] = np.clip(quad[:, 1] * sy, 0, h - 1)
            results.append((quad, float(score)))
        return results

    @staticmethod
    def _box_score(prob: np.ndarray, contour: np.ndarray) -> float:
        h, w = prob.shape
        x0, y0 = np.clip(contour.min(axis=0), 0, [w - 1, h - 1])
        x1, y1 = np.clip(contour.max(axis=0), 0, [w - 1, h - 1])
        mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), dtype=np.uint8)
        cv2.fillPoly(mask, [(contour - [x0, y0]).astype(np.int32)], 1)
        return float(cv2.mean(prob[y0 : y1 + 1, x0 : x1 + 1], mask)[0])


class CtcRecognizer:
    """A CTC line recogniser (PP-OCR rec or asterocr): crops in, text + confidences out."""

    def __init__(
        self,
        model_file: Path,
        charset: list[str],
        threads: int = 1,
        height: int = 48,
        rgb: bool = False,
        width_multiple: int = 8,
        min_width: int = 16,
        max_width: int = 2400,
        outputs_log_probs: bool = False,
        pad: int = 0,
    ) -> None:
        self.session = make_session(model_file, threads)
        self.input_name = self.session.get_inputs()[0].name
        self.charset = charset  # index 0 is the CTC blank
        self.height = height
        self.rgb = rgb
        self.width_multiple = width_multiple
        self.min_width = min_width
        self.max_width = max_width
        self.outputs_log_probs = outputs_log_probs
        self.pad = pad

    def _prepare(self, crop: np.ndarray) -> np.ndarray:
        img = crop if crop.ndim == 3 else cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
        if self.pad:
            img = cv2.copyMakeBorder(img, 0, 0, self.pad, self.pad, cv2.BORDER_REPLICATE)
        h, w = img.shape[:2]
        width = int(np.ceil(w * self.height / max(h, 1)))
        width = min(self.max_width, max(self.min_width, width))
        width = int(np.ceil(width / self.width_multiple)) * self.width_multiple
        resized = cv2.resize(img, (width, self.height), interpolation=cv2.INTER_LINEAR)
        if self.rgb:
            resized = resized[:, :, ::-1]
        blob = (resized.astype(np.float32) / 255.0 - 0.5) / 0.5
        return blob.transpose(2, 0, 1)

    def _pieces(self, crop: np.ndarray) -> list[tuple[np.ndarray, bool]]:
        """The crop, or for a line longer than ``max_width`` at model height, pieces cut in its widest gaps.

        Squeezing a long line to ``max_width`` would crush its letters (and models with a
        bounded sequence length, such as asterocr's, refuse it outright).  Each piece says
        whether a word gap precedes it (its reading is then joined with a space).
        """
        h, w = crop.shape[:2]
        scaled = w * self.height / max(h, 1)
        if scaled <= self.max_width:
            return [(crop, False)]
        count = int(np.ceil(scaled / self.max_width))
        gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
        dark = gray.astype(np.float32) < np.percentile(gray, 50) - INK_CONTRAST
        blank = dark.sum(axis=0) == 0
        min_gap = max(2, int(h * WORD_GAP_HEIGHT_SHARE))
        cuts: list[tuple[int, bool]] = [(0, False)]
        step = w / count
        for k in range(1, count):
            centre = int(k * step)
            lo, hi = max(cuts[-1][0] + 1, centre - int(step * CUT_SEARCH_SHARE)), min(w - 1, centre)
            best, best_len, run_start = centre, 0, None
            for x in range(lo, hi + 2):
                if x <= hi and blank[x]:
                    run_start = x if run_start is None else run_start
                    continue
                if run_start is not None and x - run_start > best_len:
                    best, best_len = (run_start + x) // 2, x - run_start
                run_start = None
            cuts.append((best, best_len >= min_gap))
        cuts.append((w, False))
        return [(crop[:, a:b], gap) for (a, gap), (b, _) in pairwise(cuts) if b - a >= 2]

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float, list[float]]]:
        """(text, mean confidence, per-character confidences) for each crop.

        A crop the model cannot run on gives an empty reading (logged), never an exception:
        one line must not cost the whole page.
        """
        results: list[tuple[str, float, list[float]]] = []
        for crop in crops:
            if crop.size == 0 or min(crop.shape[:2]) < 2:
                results.append(("", 0.0, []))
                continue
            text = ""
            confs: list[float] = []
            for piece, after_gap in self._pieces(crop):
                try:
                    blob = self._prepare(piece)[np.newaxis]
                    out = self.session.run(None, {self.input_name: blob})[0]
                except Exception as exc:  # onnxruntime raises its own types for shape errors
                    log.warning("recogniser failed on a %dx%d crop (%s)", piece.shape[1], piece.shape[0],
                                type(exc).__name__)
                    continue
                probs = out[0] if out.shape[0] == 1 else out[:, 0, :]
                if self.outputs_log_probs:
                    probs = np.exp(probs)
                piece_text, _, piece_confs = self._decode(probs)
                if text and piece_text and after_gap and not text.endswith(" ") and not piece_text.startswith(" "):
                    text += " "
                    confs.append(float(np.mean(piece_confs)))  # the joint: as sure as the piece after it
                text += piece_text
                confs.extend(piece_confs)
            results.append((text, float(np.mean(confs)) if confs else 0.0, confs))
        return results

    def _decode(self, probs: np.ndarray) -> tuple[str, float, list[float]]:
        best = probs.argmax(axis=1)
        best_p = probs.max(axis=1)
        chars: list[str] = []
        confs: list[float] = []
        previous = -1
        for index, p in zip(best, best_p, strict=True):
            index = int(index)
            if index != previous and index != 0 and index < len(self.charset):
                chars.append(self.charset[index])
                confs.append(float(p))
            previous = index
        text = "".join(chars)
        return text, (float(np.mean(confs)) if confs else 0.0), confs


def ppocr_charset(session_metadata: dict[str, str]) -> list[str]:
    """PP-OCR rec dictionary from the ONNX metadata: blank + characters + space."""
    characters = session_metadata.get("character", "").splitlines()
    return ["<blank>", *characters, " "]


def load_ppocr_recognizer(model_file: Path, threads: int = 1) -> CtcRecognizer:
    session = make_session(model_file, threads)
    charset = ppocr_charset(session.get_modelmeta().custom_metadata_map)
    rec = CtcRecognizer(model_file, charset, threads=threads, height=48, rgb=False, width_multiple=8, pad=4)
    return rec


def load_aster_recognizer(model_file: Path, vocab_file: Path, threads: int = 1) -> CtcRecognizer:
    import json

    vocab = json.loads(vocab_file.read_text(encoding="utf-8"))
    chars = vocab["chars"] if isinstance(vocab, dict) else list(vocab)
    # asterocr's language head holds ASTER_MAX_STEPS positions, one per 4 pixels of width.
    return CtcRecognizer(
        model_file, chars, threads=threads, height=32, rgb=True, width_multiple=4,
        min_width=32, max_width=ASTER_MAX_STEPS * 4 - 2 * 8, outputs_log_probs=True, pad=2,
    )
