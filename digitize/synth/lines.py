"""Text-line images with exact truth, cut from the generator's own documents, for the line recogniser.

Each document seed renders one page (every document type, the GCN forms and the ID
cards, with their labels, names, addresses, numbers, dates, MRZ rows and handwritten
dates and numbers), which is degraded under one or more capture conditions (``clean``,
``scan``, ``phone``, ``aged``, ``damaged``, ``rotated``, ``two_pages`` and
``real_style``).  Every readable truth line is then cut out the way the detector pipeline
cuts it (``crop_quad`` with ``LINE_CROP_PAD``), from a quad jittered like a detection
(a few per cent of the height, a degree or two, some horizontal over- and under-shoot),
and prepared by :func:`digitize.ocr.line_input.prepare_line` (grey, 32 pixels high).

The dataset is stored compactly: per split (``train``, ``heldout``) ``shard-NNNNN.npz``
files hold the lines as one uint8 ``[32, sum of widths]`` strip plus their widths, and
``labels.jsonl`` one record per line in the same order (text, condition, doc_type,
page_role, kind, field, document seed, shard, index).  Held-out lines come from document
seeds of their own (a separate seed stream), never used for training.  ``png=True`` also
writes every line as a PNG with ``labels.tsv`` for inspection.
"""

from __future__ import annotations

import json
import math
import os
import time
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from digitize.model import DocType
from digitize.ocr.line_input import LINE_HEIGHT, default_charset, encodable, prepare_line
from digitize.ocr.ppocr import crop_quad
from digitize.synth import GENERATOR_VERSION, data, degrade, real_style, sets
from digitize.synth.degrade import Sample

# The detector pipeline's crop padding (digitize.ocr.default.LINE_CROP_PAD); repeated here so
# that the generator does not import the OCR engine.  tests/synth/test_lines.py keeps them equal.
LINE_CROP_PAD = 0.12
SPLITS = ("train", "heldout")
SPLIT_STREAMS = {"train": 0, "heldout": 1}  # SeedSequence stream of each split's document seeds
DEFAULT_SEED = 20261207
DEFAULT_HELDOUT_FRACTION = 0.05
SHARD_LINES = 4096
OCCLUDED_MAX = 0.25  # lines more covered than this (seal, tape, damage) are left out, as in the truth
OUTSIDE_MAX = 0.02  # lines whose quad leaves the image by more than this share of its area are left out
REAL_STYLE_SHARE = 0.3  # share of documents captured as real certificates look
CONDITIONS_PER_PAGE = 2  # one flat render, this many capture conditions
CROPS_PER_LINE = 3  # independent detection jitters of every line
# Detection error, in line heights (ranges of uniform draws) and degrees
JITTER_VERTICAL = 0.06
JITTER_H_UNDER = 0.06  # a box that stops short of the first/last glyph by at most this
JITTER_H_OVER = 0.4
JITTER_ANGLE_DEG = 1.5
NO_JITTER_SHARE = 0.15
MIN_QUAD_HEIGHT = 4.0  # pixels: smaller lines are unreadable at capture size
MAX_ASPECT = 60.0  # width / height beyond this is squeezed too hard to be useful

# Older conditions with the mix weight of each (``real_style`` is drawn by REAL_STYLE_SHARE)
CONDITION_WEIGHTS = {"clean": 1.0, "scan": 1.0, "phone": 1.4, "aged": 1.0, "damaged": 1.0,
                     "rotated": 0.5, "two_pages": 0.4}
REAL_STYLE_CELLS = sorted({(d, r) for d, r, c in real_style.plan_cells() if c == real_style.CONDITION})


@dataclass(frozen=True)
class LineMeta:
    """What is known of one line image besides its pixels."""

    text: str
    condition: str
    doc_type: str
    page_role: str
    kind: str
    field: str | None
    seed: int  # the document seed
    split: str


@dataclass(frozen=True)
class PageJob:
    """One document to render and cut into lines."""

    seed: int
    split: str
    doc_type: str
    page_role: str
    conditions: tuple[str, ...]


def document_seed(base_seed: int, split: str, index: int) -> int:
    """The seed of the ``index``-th document of a split (the splits use disjoint seed streams)."""
    return int(np.random.SeedSequence([base_seed, SPLIT_STREAMS[split], index]).generate_state(1)[0])


def page_job(base_seed: int, split: str, index: int) -> PageJob:
    """Which document type, page and conditions the ``index``-th document of a split gets."""
    seed = document_seed(base_seed, split, index)
    rng = np.random.default_rng([seed, 7])
    if rng.random() < REAL_STYLE_SHARE:
        d, r = REAL_STYLE_CELLS[int(rng.integers(len(REAL_STYLE_CELLS)))]
        return PageJob(seed, split, d, r, (real_style.CONDITION,))
    weights = np.array([w for _, _, w in sets.UNITS], dtype=float)
    d, r, _ = sets.UNITS[int(rng.choice(len(sets.UNITS), p=weights / weights.sum()))]
    allowed = [c for c in sets.conditions_for(d) if c in CONDITION_WEIGHTS]
    p = np.array([CONDITION_WEIGHTS[c] for c in allowed], dtype=float)
    picked = rng.choice(len(allowed), size=min(CONDITIONS_PER_PAGE, len(allowed)), replace=False, p=p / p.sum())
    conditions = tuple(allowed[int(i)] for i in picked)
    if "two_pages" in conditions:
        if d != "gcn_2009_2014":
            conditions = tuple(c for c in conditions if c != "two_pages")
        else:  # a spread is its own render: keep it alone
            r = "trang_2+trang_3" if rng.random() < 0.7 else "trang_4+trang_1"
            conditions = ("two_pages",)
    return PageJob(seed, split, d, r, conditions)


def document_samples(job: PageJob) -> Iterator[tuple[str, Sample]]:
    """The captured samples of one document: one per condition, all from one flat render."""
    rng = np.random.default_rng(job.seed)
    if job.conditions == (real_style.CONDITION,):
        s, _ = real_style.render_sample(job.doc_type, job.page_role, rng, sets._merge)
        yield real_style.CONDITION, s
        return
    cert = None
    if job.doc_type in ("gcn_2009_2014", "gcn_2024", "gcn_truoc_2009"):
        cert = data.make_certificate(rng, job.doc_type)
    pages = [sets._render_page(job.doc_type, r, rng, cert) for r in job.page_role.split("+")]
    is_card = DocType(job.doc_type).is_id_card
    for condition in job.conditions:
        s = degrade.from_rendered(pages[0])
        if len(pages) == 2:
            s = degrade.side_by_side(s, degrade.from_rendered(pages[1]), rng)
        if job.doc_type == "gcn_truoc_2009" and condition == "phone" and rng.random() < 0.6:
            s = degrade.on_cover(s, rng)
        yield condition, sets.apply_condition(s, condition, rng, is_card=is_card)


def _upright(s: Sample) -> Sample:
    """The sample turned by quarter turns so that its text reads left to right (as orientation fixing does)."""
    angles = [math.degrees(math.atan2(ln.quad[1, 1] - ln.quad[0, 1], ln.quad[1, 0] - ln.quad[0, 0]))
              for ln in s.lines if len(ln.text) >= 4]
    if not angles:
        return s
    # text at angle a (image y down) needs k CCW quarter turns, k = round(a / 90)
    k = round(float(np.median(angles)) / 90.0) % 4
    return degrade.rotate90(s, k) if k else s


def jitter_quad(quad: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A line quad (TL, TR, BR, BL in reading order) moved the way a detector misses: edges and angle."""
    q = np.asarray(quad, dtype=np.float64)
    if rng.random() < NO_JITTER_SHARE:
        return q.astype(np.float32)
    height = max(float(np.linalg.norm(q[3] - q[0])), float(np.linalg.norm(q[2] - q[1])), 1.0)
    along = q[1] - q[0]
    along /= max(float(np.linalg.norm(along)), 1e-6)
    across = np.array([-along[1], along[0]])  # points down the page
    top, bottom = rng.uniform(-JITTER_VERTICAL, JITTER_VERTICAL, 2) * height
    left, right = rng.uniform(-JITTER_H_UNDER, JITTER_H_OVER, 2) * height
    out = np.array([q[0] - along * left - across * top, q[1] + along * right - across * top,
                    q[2] + along * right + across * bottom, q[3] - along * left + across * bottom])
    angle = math.radians(rng.uniform(-JITTER_ANGLE_DEG, JITTER_ANGLE_DEG))
    centre = out.mean(axis=0)
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    return ((out - centre) @ rot.T + centre).astype(np.float32)


def _inside_share(quad: np.ndarray, w: int, h: int) -> float:
    area = abs(cv2.contourArea(quad.astype(np.float32)))
    if area <= 0:
        return 0.0
    clipped = np.stack([np.clip(quad[:, 0], 0, w), np.clip(quad[:, 1], 0, h)], axis=1)
    return abs(cv2.contourArea(clipped.astype(np.float32))) / area


def to_uint8(prepared: np.ndarray) -> np.ndarray:
    """A prepared float line (``prepare_line``) back as uint8 grey."""
    return np.clip(np.rint((prepared * 0.5 + 0.5) * 255.0), 0, 255).astype(np.uint8)


def lines_of_page(job: PageJob, charset: list[str] | None = None) -> list[tuple[np.ndarray, LineMeta]]:
    """Render one document and cut its readable truth lines: (uint8 ``[32, W]`` image, meta) pairs."""
    cv2.setNumThreads(1)
    chars = charset or default_charset()
    allowed = set(chars)
    rng = np.random.default_rng([job.seed, 11])
    out: list[tuple[np.ndarray, LineMeta]] = []
    for condition, captured in document_samples(job):
        s = _upright(captured)
        image = s.image
        if s.jpeg_quality < 100:  # the capture's JPEG, as the file on disk has it
            ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(s.jpeg_quality)])
            decoded = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED) if ok else None
            if decoded is not None:
                image = decoded
        grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        w, h = s.size
        covered = np.maximum(s.damage, s.occlusion)
        for ln in s.lines:
            text = unicodedata.normalize("NFC", ln.text)
            clean = encodable(text, chars)
            if not clean or any(ch not in allowed for ch in text if not ch.isspace()):
                continue
            height = max(float(np.linalg.norm(ln.quad[3] - ln.quad[0])), float(np.linalg.norm(ln.quad[2] - ln.quad[1])))
            length = float(np.linalg.norm(ln.quad[1] - ln.quad[0]))
            if height < MIN_QUAD_HEIGHT or length / max(height, 1.0) > MAX_ASPECT:
                continue
            if _inside_share(ln.quad, w, h) < 1.0 - OUTSIDE_MAX:
                continue
            if degrade.covered_fraction(covered, ln.quad) > OCCLUDED_MAX:
                continue
            if degrade.covered_fraction(255 - s.paper, ln.quad) > OUTSIDE_MAX:  # off the paper (torn, folded away)
                continue
            meta = LineMeta(text=clean, condition=condition, doc_type=job.doc_type, page_role=job.page_role,
                            kind=ln.kind, field=ln.field, seed=job.seed, split=job.split)
            for _ in range(CROPS_PER_LINE):
                crop = crop_quad(grey, jitter_quad(ln.quad, rng), pad=LINE_CROP_PAD)
                if crop.shape[0] > crop.shape[1]:  # crop_quad turned a short tall line: not a reading crop
                    continue
                out.append((to_uint8(prepare_line(crop)), meta))
    return out


def _jobs(base_seed: int, split: str) -> Iterator[PageJob]:
    index = 0
    while True:
        yield page_job(base_seed, split, index)
        index += 1


class _ShardWriter:
    """Writes one split's lines into ``shard-NNNNN.npz`` files and ``labels.jsonl``."""

    def __init__(self, folder: Path, png: bool) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.labels = (folder / "labels.jsonl").open("w", encoding="utf-8")
        self.tsv = (folder / "labels.tsv").open("w", encoding="utf-8") if png else None
        if png:
            (folder / "png").mkdir(exist_ok=True)
        self.pending: list[np.ndarray] = []
        self.shard = 0
        self.count = 0

    def add(self, image: np.ndarray, meta: LineMeta) -> None:
        record: dict[str, Any] = asdict(meta)
        record.update(shard=self.shard, index=len(self.pending), width=int(image.shape[1]))
        self.labels.write(json.dumps(record, ensure_ascii=False) + "\n")
        if self.tsv is not None:
            name = f"{self.count:07d}.png"
            cv2.imwrite(str(self.folder / "png" / name), image)
            self.tsv.write(f"png/{name}\t{meta.text}\t{meta.condition}\t{meta.doc_type}\t{meta.kind}\t"
                           f"{meta.field or ''}\n")
        self.pending.append(image)
        self.count += 1
        if len(self.pending) >= SHARD_LINES:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        widths = np.array([p.shape[1] for p in self.pending], dtype=np.int32)
        np.savez(self.folder / f"shard-{self.shard:05d}.npz", pixels=np.concatenate(self.pending, axis=1),
                 widths=widths)
        self.pending = []
        self.shard += 1

    def close(self) -> None:
        self.flush()
        self.labels.close()
        if self.tsv is not None:
            self.tsv.close()


def _generate_split(base_seed: int, split: str, count: int, writer: _ShardWriter,
                    pool: ProcessPoolExecutor | None) -> int:
    """Write ``count`` lines of a split; returns the number of documents used.  Same lines whatever the pool."""
    jobs = _jobs(base_seed, split)
    documents = 0
    batch = 8
    while writer.count < count:
        chunk = [next(jobs) for _ in range(batch)]
        results = pool.map(lines_of_page, chunk) if pool is not None else map(lines_of_page, chunk)
        for page_lines in results:
            documents += 1
            for image, meta in page_lines:
                if writer.count >= count:
                    break
                writer.add(image, meta)
            if writer.count >= count:
                break
    return documents


def generate_lines(out_dir: Path, count: int, seed: int = DEFAULT_SEED,
                   heldout_fraction: float = DEFAULT_HELDOUT_FRACTION, jobs: int = 1, png: bool = False,
                   heldout_count: int | None = None) -> dict[str, Any]:
    """Write ``count`` training lines and held-out lines (``heldout_fraction`` of it) into ``out_dir``.

    Returns the summary also written to ``out_dir/meta.json``: counts, documents, seconds.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    n_heldout = heldout_count if heldout_count is not None else max(1, round(count * heldout_fraction))
    t0 = time.perf_counter()
    summary: dict[str, Any] = {"generator_version": GENERATOR_VERSION, "seed": seed, "line_height": LINE_HEIGHT,
                               "crop_pad": LINE_CROP_PAD, "charset": "".join(default_charset()), "splits": {}}
    pool = ProcessPoolExecutor(max_workers=jobs) if jobs > 1 else None
    try:
        for split, n in (("heldout", n_heldout), ("train", count)):
            writer = _ShardWriter(out_dir / split, png)
            docs = _generate_split(seed, split, n, writer, pool)
            writer.close()
            summary["splits"][split] = {"lines": writer.count, "documents": docs, "shards": writer.shard}
    finally:
        if pool is not None:
            pool.shutdown()
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    (out_dir / "meta.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return summary


def load_split(folder: Path) -> tuple[list[np.ndarray], list[dict[str, Any]]]:
    """The lines (uint8 ``[32, W]`` each) and label records of one split folder.

    A folder whose generation was interrupted gives the lines of its complete shards.
    """
    folder = Path(folder)
    records = [json.loads(line) for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    images: list[np.ndarray] = []
    shard = 0
    while (folder / f"shard-{shard:05d}.npz").exists():
        with np.load(folder / f"shard-{shard:05d}.npz") as z:
            pixels, widths = z["pixels"], z["widths"]
        starts = np.concatenate([[0], np.cumsum(widths)[:-1]])
        images.extend(pixels[:, s : s + w].copy() for s, w in zip(starts, widths, strict=True))
        shard += 1
    if len(images) > len(records):
        raise ValueError(f"{folder}: {len(images)} line images but {len(records)} labels")
    # an interrupted generation leaves labels of lines whose shard was never written: drop them
    return images, records[: len(images)]


def default_jobs() -> int:
    """Worker processes for line generation: the CPU count."""
    return max(1, os.cpu_count() or 1)
