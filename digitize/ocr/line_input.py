"""The line recogniser's contract: its alphabet, how a line crop becomes model input, and CTC decoding.

Training (``scripts/train_recognizer.py``) and reading (the ``trained`` recogniser) both
go through these functions, so a crop is prepared the same way in both: grey, scaled to
``LINE_HEIGHT`` pixels high keeping its aspect, padded on the right with paper white to a
width that is a multiple of ``WIDTH_MULTIPLE``, values ``(x / 255 - 0.5) / 0.5``.

The model file takes ``images`` float32 ``[N, 1, LINE_HEIGHT, W]`` and returns
``logprobs`` float32 ``[N, W / WIDTH_MULTIPLE, len(charset) + 1]`` (log-softmax over
classes, class 0 the CTC blank, class ``i + 1`` the character ``charset[i]``).
"""

from __future__ import annotations

import unicodedata

import cv2
import numpy as np

LINE_HEIGHT = 32
WIDTH_MULTIPLE = 4  # the network's horizontal stride: one output step per 4 input columns
MIN_WIDTH = 16
MAX_WIDTH = 1600  # a longer line (50+ characters at this height) is squeezed, not cut
PAPER_WHITE = 255

_VOWEL_BASES = "aăâeêioôơuưy"
_TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # level, grave, acute, hook, tilde, dot
_CONSONANTS = "bcdđfghjklmnpqrstvwxz"
_PUNCTUATION = " .,:;-/()'\"!?%&+*=<>[]_#@²°–"


def vietnamese_letters() -> list[str]:
    """Every precomposed (NFC) Vietnamese letter, lower case then upper case."""
    lower = [unicodedata.normalize("NFC", v + t) for v in _VOWEL_BASES for t in _TONES]
    lower += list(_CONSONANTS)
    return lower + [c.upper() for c in lower]


def default_charset() -> list[str]:
    """The recogniser's alphabet: Vietnamese letters, digits, punctuation, "²" and the MRZ "<"."""
    chars = vietnamese_letters() + list("0123456789") + list(_PUNCTUATION)
    seen: dict[str, None] = {}
    for ch in chars:
        seen.setdefault(ch, None)
    return list(seen)


def encodable(text: str, charset: list[str]) -> str:
    """``text`` in NFC with characters outside ``charset`` dropped and runs of spaces collapsed."""
    allowed = set(charset)
    kept = "".join(ch for ch in unicodedata.normalize("NFC", text) if ch in allowed)
    return " ".join(kept.split())


def prepare_line(crop: np.ndarray) -> np.ndarray:
    """A line crop (BGR or grey uint8) as a float32 ``[LINE_HEIGHT, W]`` array, W a multiple of 4."""
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape[:2]
    width = round(w * LINE_HEIGHT / max(h, 1))
    width = min(MAX_WIDTH, max(MIN_WIDTH, width))
    width = int(np.ceil(width / WIDTH_MULTIPLE)) * WIDTH_MULTIPLE
    interpolation = cv2.INTER_AREA if h > LINE_HEIGHT else cv2.INTER_LINEAR
    resized = cv2.resize(grey, (width, LINE_HEIGHT), interpolation=interpolation)
    return (resized.astype(np.float32) / 255.0 - 0.5) / 0.5


def batch_lines(prepared: list[np.ndarray]) -> np.ndarray:
    """Prepared lines padded with paper white to the widest one: ``[N, 1, LINE_HEIGHT, W]``."""
    width = max(p.shape[1] for p in prepared)
    white = (PAPER_WHITE / 255.0 - 0.5) / 0.5
    out = np.full((len(prepared), 1, LINE_HEIGHT, width), white, dtype=np.float32)
    for i, p in enumerate(prepared):
        out[i, 0, :, : p.shape[1]] = p
    return out


def ctc_greedy_decode(logprobs: np.ndarray, charset: list[str]) -> tuple[str, list[float]]:
    """Best-path decoding of one line's ``[T, C]`` log-probabilities: text and one confidence per character.

    A character's confidence is the highest posterior over the steps of its run.
    """
    probs = np.exp(logprobs)
    best = probs.argmax(axis=1)
    chars: list[str] = []
    confs: list[float] = []
    previous = 0
    for step, index in enumerate(best):
        index = int(index)
        if index != 0 and index != previous and index - 1 < len(charset):
            chars.append(charset[index - 1])
            confs.append(float(probs[step, index]))
        elif index != 0 and index == previous and confs:
            confs[-1] = max(confs[-1], float(probs[step, index]))
        previous = index
    return "".join(chars), confs
