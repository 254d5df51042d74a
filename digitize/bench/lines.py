"""``digitize bench --lines DIR``: the line recognisers side by side on held-out line crops.

The folder holds line images and ``lines.tsv``: a header row, then one line per crop
with at least the columns ``file`` (relative to the folder) and ``text`` (the truth);
``condition`` and ``kind`` (and, when present, ``font``, ``colour``/``color`` and
``degradation``) slice the results.  Every reader reads every crop; reported per reader
and per slice: character error rate (edits over truth characters), the share of lines
read exactly, and milliseconds per line (one thread; the trained recogniser reads in
batches, as in the engine).
"""

from __future__ import annotations

import csv
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from digitize.bench.metrics import levenshtein

LINES_FILE = "lines.tsv"
SLICE_COLUMNS = ("condition", "kind", "font", "colour", "degradation")
COLUMN_ALIASES = {"color": "colour", "label": "text", "image": "file", "path": "file"}
READERS = ("tesseract", "asterocr", "trained")

ReadFn = Callable[[list[np.ndarray]], list[str]]


@dataclass
class LineSample:
    file: Path
    text: str
    tags: dict[str, str] = field(default_factory=dict)  # condition, kind, font, colour, degradation


def load_line_set(folder: Path, limit: int | None = None) -> list[LineSample]:
    """The samples listed in ``folder/lines.tsv`` (rows whose image is missing are skipped)."""
    path = folder / LINES_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found (a line set is a folder of crops with {LINES_FILE})")
    samples: list[LineSample] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in reader:
            row = {COLUMN_ALIASES.get(k.strip().lower(), k.strip().lower()): (v or "") for k, v in row.items() if k}
            if not row.get("file") or "text" not in row:
                continue
            image = folder / row["file"]
            if not image.is_file():
                continue
            tags = {c: row[c] for c in SLICE_COLUMNS if row.get(c)}
            samples.append(LineSample(image, unicodedata.normalize("NFC", row["text"]), tags))
            if limit and len(samples) >= limit:
                break
    return samples


def make_readers(names: list[str], threads: int = 1) -> tuple[dict[str, ReadFn], dict[str, str]]:
    """Reader name -> function reading a list of crops; and name -> why it is not available."""
    from digitize.config import Settings
    from digitize.ocr.models import model_path

    readers: dict[str, ReadFn] = {}
    missing: dict[str, str] = {}
    for name in names:
        try:
            if name == "tesseract":
                from digitize.ocr.tesseract import TesseractLineReader

                tess = TesseractLineReader(Settings().tessdata_dir())
                readers[name] = lambda crops, r=tess: [r.read(c)[0] for c in crops]  # type: ignore[misc]
            elif name == "asterocr":
                from digitize.ocr.ppocr import load_aster_recognizer

                aster = load_aster_recognizer(model_path("asterocr_rec"), model_path("asterocr_vocab"), threads)
                readers[name] = lambda crops, r=aster: [unicodedata.normalize("NFC", t.strip())  # type: ignore[misc]
                                                        for t, _, _ in r.recognize(crops)]
            elif name == "trained":
                from digitize.ocr.default import load_trained_reader

                trained = load_trained_reader(threads)
                readers[name] = lambda crops, r=trained: [t for t, _, _ in r.read_batch(crops)]  # type: ignore[misc]
            else:
                missing[name] = f"unknown reader (choose from {', '.join(READERS)})"
        except Exception as exc:
            missing[name] = str(exc)
    return readers, missing


@dataclass
class LineTally:
    lines: int = 0
    exact: int = 0
    edits: int = 0
    chars: int = 0

    def add(self, predicted: str, expected: str) -> None:
        self.lines += 1
        self.exact += int(" ".join(predicted.split()) == " ".join(expected.split()))
        self.edits += levenshtein(predicted, expected)
        self.chars += len(expected)

    def summary(self) -> dict[str, Any]:
        return {"lines": self.lines, "cer": round(self.edits / self.chars, 4) if self.chars else None,
                "exact": round(self.exact / self.lines, 4) if self.lines else None}


BATCH = 64  # crops handed to a reader at once (the trained reader batches inside)


def run_line_bench(samples: list[LineSample], readers: dict[str, ReadFn]) -> dict[str, Any]:
    """{reader: {"overall", "ms_per_line", "by": {column: {value: summary}}}} over ``samples``."""
    import cv2

    out: dict[str, Any] = {}
    for name, read in readers.items():
        overall = LineTally()
        by: dict[str, dict[str, LineTally]] = defaultdict(lambda: defaultdict(LineTally))
        seconds = 0.0
        for start in range(0, len(samples), BATCH):
            chunk = samples[start : start + BATCH]
            crops: list[np.ndarray] = []
            for sample in chunk:
                image = cv2.imread(str(sample.file), cv2.IMREAD_COLOR)
                crops.append(image if image is not None else np.zeros((0, 0, 3), np.uint8))
            t0 = time.perf_counter()
            texts = read(crops)
            seconds += time.perf_counter() - t0
            for sample, text in zip(chunk, texts, strict=True):
                text = unicodedata.normalize("NFC", text)
                overall.add(text, sample.text)
                for column, value in sample.tags.items():
                    by[column][value].add(text, sample.text)
        out[name] = {
            "overall": overall.summary(),
            "ms_per_line": round(1000 * seconds / max(len(samples), 1), 2),
            "by": {c: {v: t.summary() for v, t in sorted(vals.items())} for c, vals in by.items()},
        }
    return out


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def render_lines_markdown(result: dict[str, Any], meta: dict[str, Any], missing: dict[str, str]) -> str:
    """CER and exact lines per reader, overall and per slice, with ms/line."""
    names = list(result)
    add_lines: list[str] = []
    add = add_lines.append
    add(f"## Line recognisers: `{meta['folder']}` ({meta['lines']} lines)")
    add("")
    add(f"- Date: {meta.get('date', '')}; machine: {meta.get('machine', '')}; one thread")
    for name, why in missing.items():
        add(f"- {name}: not measured ({why})")
    add("")
    if not names:
        return "\n".join(add_lines)
    add("| reader | CER | exact lines | ms/line |")
    add("|---|---|---|---|")
    for name in names:
        r = result[name]
        add(f"| {name} | {_pct(r['overall']['cer'])} | {_pct(r['overall']['exact'])} | {r['ms_per_line']:.1f} |")
    add("")
    columns = [c for c in SLICE_COLUMNS if any(c in result[n]["by"] for n in names)]
    for column in columns:
        values = sorted({v for n in names for v in result[n]["by"].get(column, {})})
        add(f"Per {column} (CER / exact lines):")
        add("")
        add(f"| {column} | lines | " + " | ".join(names) + " |")
        add("|---|---|" + "---|" * len(names))
        for value in values:
            first = next(result[n]["by"][column][value] for n in names if value in result[n]["by"].get(column, {}))
            cells = []
            for n in names:
                s = result[n]["by"].get(column, {}).get(value)
                cells.append(f"{_pct(s['cer'])} / {_pct(s['exact'])}" if s else "")
            add(f"| {value} | {first['lines']} | " + " | ".join(cells) + " |")
        add("")
    return "\n".join(add_lines)
