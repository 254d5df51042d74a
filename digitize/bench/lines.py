"""``digitize bench --lines DIR``: the line recognisers side by side on held-out line crops.

Three folder layouts are read:

* the line dataset of ``digitize synth lines`` (one split folder): ``labels.jsonl`` (one
  record per line: text, condition, doc_type, kind, field ...) and ``shard-NNNNN.npz``
  files holding the lines as one uint8 ``[32, sum of widths]`` strip plus their widths;
* ``lines.tsv`` with a header row: at least ``file`` (relative to the folder) and ``text``,
  optionally ``condition``, ``kind``, ``doc_type``, ``font``, ``colour`` and ``degradation``;
* the dataset's ``labels.tsv`` (PNG export, no header): file, text, condition, doc_type,
  kind, field.

Every reader reads every line; reported per reader and per slice (the columns above, and
``content``: numeric or words): character error rate (edits over truth characters), the
share of lines read exactly, and milliseconds per line (one thread; the trained
recogniser reads in batches, as in the engine).
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
LABELS_JSONL = "labels.jsonl"  # the line dataset (digitize synth lines)
LABELS_TSV = "labels.tsv"  # the line dataset's PNG export, no header
LABELS_TSV_COLUMNS = ("file", "text", "condition", "doc_type", "kind", "field")
SLICE_COLUMNS = ("condition", "kind", "content", "doc_type", "font", "colour", "degradation")
COLUMN_ALIASES = {"color": "colour", "label": "text", "image": "file", "path": "file"}
READERS = ("tesseract", "asterocr", "trained")
NUMERIC_SHARE = 0.5  # a line whose non-space characters are at least this share digits is "numeric"

ReadFn = Callable[[list[np.ndarray]], list[str]]


@dataclass
class LineSample:
    text: str
    file: Path | None = None  # an image file, or
    image: np.ndarray | None = None  # the line's pixels (the dataset's shards)
    tags: dict[str, str] = field(default_factory=dict)  # condition, kind, content, doc_type, font ...

    def load(self) -> np.ndarray:
        """The line image (an empty array when the file cannot be read)."""
        import cv2

        if self.image is not None:
            return self.image
        image = cv2.imread(str(self.file), cv2.IMREAD_COLOR) if self.file is not None else None
        return image if image is not None else np.zeros((0, 0, 3), np.uint8)



def cer_by_slice(predictions: list[str], records: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """CER and exact-line share of ``predictions`` against ``records[i]["text"]``, overall
    (``all``) and per ``condition:<c>`` and ``kind:<k>``: the training script's periodic
    evaluation and ``scripts/eval_recognizer.py`` report the same way."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # edits, chars, exact, lines
    for pred, rec in zip(predictions, records, strict=True):
        d = levenshtein(pred, rec["text"])
        for key in ("all", f"condition:{rec['condition']}", f"kind:{rec['kind']}"):
            a = acc[key]
            a[0] += d
            a[1] += len(rec["text"])
            a[2] += int(d == 0)
            a[3] += 1
    return {k: {"cer": round(v[0] / max(v[1], 1), 5), "exact": round(v[2] / max(v[3], 1), 4), "lines": v[3]}
            for k, v in sorted(acc.items())}

def content_of(text: str) -> str:
    """``numeric`` for numbers, dates, serials and areas; ``words`` for the rest."""
    chars = [c for c in text if not c.isspace()]
    digits = sum(c.isdigit() for c in chars)
    return "numeric" if chars and digits / len(chars) >= NUMERIC_SHARE else "words"


def _sample(text: str, row: dict[str, Any], file: Path | None = None, image: np.ndarray | None = None) -> LineSample:
    text = unicodedata.normalize("NFC", text)
    tags = {c: str(row[c]) for c in SLICE_COLUMNS if row.get(c)}
    tags["content"] = content_of(text)
    return LineSample(text, file, image, tags)


def load_line_set(folder: Path, limit: int | None = None) -> list[LineSample]:
    """The lines of ``folder``, in any of the layouts of the module docstring (rows whose image
    is missing are skipped)."""
    if (folder / LABELS_JSONL).is_file() and any(folder.glob("shard-*.npz")):
        return _load_shards(folder, limit)
    if (folder / LINES_FILE).is_file():
        return _load_tsv(folder / LINES_FILE, None, limit)
    if (folder / LABELS_TSV).is_file():
        return _load_tsv(folder / LABELS_TSV, list(LABELS_TSV_COLUMNS), limit)
    raise FileNotFoundError(f"{folder}: no {LABELS_JSONL} with shards, {LINES_FILE} or {LABELS_TSV}")


def _load_tsv(path: Path, columns: list[str] | None, limit: int | None) -> list[LineSample]:
    samples: list[LineSample] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, fieldnames=columns, delimiter="\t", quoting=csv.QUOTE_NONE)
        for raw in reader:
            row = {COLUMN_ALIASES.get(k.strip().lower(), k.strip().lower()): (v or "")
                   for k, v in raw.items() if isinstance(k, str)}
            if not row.get("file") or "text" not in row:
                continue
            image = path.parent / row["file"]
            if not image.is_file():
                continue
            samples.append(_sample(row["text"], row, file=image))
            if limit and len(samples) >= limit:
                break
    return samples


def _load_shards(folder: Path, limit: int | None) -> list[LineSample]:
    import json

    records = [json.loads(line) for line in (folder / LABELS_JSONL).read_text(encoding="utf-8").splitlines()
               if line.strip()]
    samples: list[LineSample] = []
    shard = 0
    while (folder / f"shard-{shard:05d}.npz").exists() and not (limit and len(samples) >= limit):
        with np.load(folder / f"shard-{shard:05d}.npz") as z:
            pixels, widths = z["pixels"], z["widths"]
        starts = np.concatenate([[0], np.cumsum(widths)[:-1]])
        for start, width in zip(starts, widths, strict=True):
            if len(samples) >= len(records) or (limit and len(samples) >= limit):
                break
            record = records[len(samples)]
            samples.append(_sample(record["text"], record, image=pixels[:, start : start + width].copy()))
        shard += 1
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
    out: dict[str, Any] = {}
    for name, read in readers.items():
        overall = LineTally()
        by: dict[str, dict[str, LineTally]] = defaultdict(lambda: defaultdict(LineTally))
        seconds = 0.0
        for start in range(0, len(samples), BATCH):
            chunk = samples[start : start + BATCH]
            crops = [sample.load() for sample in chunk]
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
