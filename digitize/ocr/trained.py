"""The project's own line recogniser (``models/recognizer/digitize_rec.onnx``) on onnxruntime.

The model keeps the contract of :mod:`digitize.ocr.line_input`: grey crops scaled to
32 px high, batched with paper-white padding, CTC log-probabilities out (blank 0).
Lines are read in batches: sorted by width so that little is padded, each batch capped
in lines and in padded columns (the activations grow with both), one onnxruntime call
per batch.  A batch that fails is read again line by line, and a line that still fails
reads as empty: one bad crop never costs the page.  onnxruntime is imported when the
reader is built (:func:`digitize.ocr.ppocr.make_session`), never at import time.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from digitize.errors import MissingDependency
from digitize.model import nfc
from digitize.ocr.line_input import LINE_HEIGHT, WIDTH_MULTIPLE, batch_lines, ctc_greedy_decode, prepare_line

log = logging.getLogger(__name__)

MAX_BATCH_LINES = 32  # lines per onnxruntime call
MAX_BATCH_COLUMNS = 24_000  # padded input columns per call (lines x widest line): bounds activation memory
MIN_CROP_SIDE = 2  # a crop thinner than this (pixels) holds no readable text

Reading = tuple[str, float, list[float]]
EMPTY: Reading = ("", 0.0, [])


def load_vocab(vocab_file: Path) -> list[str]:
    """The model's alphabet from ``vocab.json``: its ``charset`` list (other keys, such as the
    line height or stride, are tolerated), or the file's top-level list."""
    data = json.loads(Path(vocab_file).read_text(encoding="utf-8"))
    charset = data.get("charset", data.get("chars")) if isinstance(data, dict) else data
    if not isinstance(charset, list) or not charset or not all(isinstance(c, str) for c in charset):
        raise ValueError(f"{vocab_file}: no 'charset' list of characters")
    return charset


def plan_batches(widths: list[int], max_lines: int = MAX_BATCH_LINES,
                 max_columns: int = MAX_BATCH_COLUMNS) -> list[list[int]]:
    """Indices of lines grouped into batches: by increasing width, each batch holding at most
    ``max_lines`` lines and ``max_columns`` padded columns (a wider single line gets a batch
    of its own)."""
    order = sorted(range(len(widths)), key=lambda i: widths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        # Sorted by width: the line being added is the widest of the batch.
        if current and (len(current) + 1 > max_lines or (len(current) + 1) * widths[i] > max_columns):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def _tidy(text: str, confs: list[float]) -> Reading:
    """NFC text without surrounding spaces, one confidence per character kept, and their mean."""
    if nfc(text) != text:  # the charset is NFC: decomposition never happens in practice
        text = nfc(text)
        confs = (confs + [float(np.mean(confs)) if confs else 0.0] * len(text))[: len(text)]
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    text, confs = text[start:end], confs[start:end]
    if not text:
        return EMPTY
    confs = [min(1.0, max(0.0, c)) for c in confs]
    return text, float(np.mean(confs)), confs


class TrainedLineReader:
    """Reads line crops in batches with the project's CTC recogniser."""

    def __init__(self, model_file: Path, vocab_file: Path, threads: int = 1,
                 max_batch_lines: int = MAX_BATCH_LINES, max_batch_columns: int = MAX_BATCH_COLUMNS) -> None:
        from digitize.ocr.ppocr import make_session

        model_file, vocab_file = Path(model_file), Path(vocab_file)
        for path in (model_file, vocab_file):
            if not path.is_file():
                raise MissingDependency(f"the trained recogniser is not available: {path} not found")
        self.charset = load_vocab(vocab_file)
        self.model_file = model_file
        self.session: Any = make_session(model_file, threads)
        self.input_name = self.session.get_inputs()[0].name
        classes = self.session.get_outputs()[0].shape[-1]
        if isinstance(classes, int) and classes != len(self.charset) + 1:
            raise ValueError(f"{model_file} gives {classes} classes but {vocab_file} holds "
                             f"{len(self.charset)} characters (+1 blank expected)")
        self.max_batch_lines = max_batch_lines
        self.max_batch_columns = max_batch_columns

    def read(self, crop: np.ndarray) -> Reading:
        """One crop: (text, mean confidence, per-character confidences)."""
        return self.read_batch([crop])[0]

    def read_batch(self, crops: list[np.ndarray]) -> list[Reading]:
        """(text, mean confidence, per-character confidences) for each crop, in the order given.

        Empty or tiny crops read as ``("", 0.0, [])``; never raises for one bad line.
        """
        results: list[Reading] = [EMPTY] * len(crops)
        prepared: dict[int, np.ndarray] = {}
        for i, crop in enumerate(crops):
            if crop is None or crop.size == 0 or min(crop.shape[:2]) < MIN_CROP_SIDE:
                continue
            try:
                prepared[i] = prepare_line(crop)
            except Exception as exc:  # cv2 raises its own types on odd arrays
                log.warning("could not prepare a %s crop for the trained recogniser (%s)", crop.shape,
                            type(exc).__name__)
        keys = list(prepared)
        for batch in plan_batches([prepared[k].shape[1] for k in keys], self.max_batch_lines,
                                  self.max_batch_columns):
            indices = [keys[b] for b in batch]
            for index, reading in zip(indices, self._run([prepared[i] for i in indices]), strict=True):
                results[index] = reading
        return results

    def _run(self, lines: list[np.ndarray]) -> list[Reading]:
        """One onnxruntime call for ``lines``; on failure, one call per line."""
        try:
            return self._decode(lines, self._infer(batch_lines(lines)))
        except Exception as exc:  # onnxruntime raises its own types for shape errors
            if len(lines) == 1:
                log.warning("trained recogniser failed on a %d px line (%s)", lines[0].shape[1], type(exc).__name__)
                return [EMPTY]
            log.warning("trained recogniser failed on a batch of %d lines (%s): reading them one by one",
                        len(lines), type(exc).__name__)
            out: list[Reading] = []
            for line in lines:
                out.extend(self._run([line]))
            return out

    def _infer(self, blob: np.ndarray) -> np.ndarray:
        out = np.asarray(self.session.run(None, {self.input_name: blob})[0])
        if out.ndim != 3 or out.shape[0] != blob.shape[0]:
            raise ValueError(f"unexpected output shape {out.shape} for input {blob.shape}")
        return out

    def _decode(self, lines: list[np.ndarray], logprobs: np.ndarray) -> list[Reading]:
        steps_total = logprobs.shape[1]
        out: list[Reading] = []
        for k, line in enumerate(lines):
            # Only the steps over the line itself: the white padding after it is not read.
            steps = min(steps_total, max(1, int(np.ceil(line.shape[1] / WIDTH_MULTIPLE))))
            text, confs = ctc_greedy_decode(logprobs[k, :steps], self.charset)
            out.append(_tidy(text, confs))
        return out

    def info(self) -> str:
        return f"{self.model_file.name} (onnx, {len(self.charset)} characters, height {LINE_HEIGHT})"
