"""Named, seeded sets of synthetic images with ground truth and a manifest.

``generate_set("default", out)`` writes about 300 images over every document type x
condition, each with ``<stem>.gt.json`` beside it, and ``manifest.json``.  A set is
frozen by its seed and :data:`GENERATOR_VERSION`: the same version and seed give the
same bytes, whatever ``jobs``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from digitize.model import DocType
from digitize.synth import GENERATOR_VERSION, cards, data, degrade, gcn2009, gcn2024, gcn_old, photo, real_style
from digitize.synth.canvas import Rendered
from digitize.synth.degrade import Sample
from digitize.truth import GroundTruth, TruthLine, save_truth

CONDITIONS = ("clean", "scan", "phone", "aged", "damaged", "rotated", "two_pages")
# pages and captures as real certificates look (generator 1.2.0); only in the real_style set
REAL_STYLE = real_style.CONDITION
ALL_CONDITIONS = (*CONDITIONS, REAL_STYLE)

# (doc_type, page_role, weight in the default mix)
UNITS: list[tuple[str, str, float]] = [
    ("gcn_2009_2014", "trang_1", 1.0),
    ("gcn_2009_2014", "trang_2", 2.0),
    ("gcn_2009_2014", "trang_3", 0.6),
    ("gcn_2009_2014", "trang_4", 0.3),
    ("gcn_2024", "trang_1", 1.6),
    ("gcn_2024", "trang_2", 0.3),
    ("gcn_truoc_2009", "trang_1", 1.0),
    ("cccd_mat_truoc", "mat_truoc", 1.0),
    ("cccd_mat_sau", "mat_sau", 0.7),
    ("can_cuoc_2024_mat_truoc", "mat_truoc", 0.7),
    ("can_cuoc_2024_mat_sau", "mat_sau", 0.6),
    ("cmnd", "mat_truoc", 0.6),
]

SET_SEEDS = {"default": 20250711, "quick": 77, "samples": 5, real_style.SET_NAME: real_style.SET_SEED}
SET_SIZES = {"default": 300, "quick": 40, real_style.SET_NAME: len(real_style.plan_cells())}


@dataclass(frozen=True)
class Item:
    """One image to make."""

    index: int
    doc_type: str
    page_role: str
    condition: str
    seed: int

    @property
    def stem(self) -> str:
        """File name stem: index, type, role and condition."""
        role = self.page_role.replace("+", "_")
        return f"{self.index:04d}_{self.doc_type}_{role}_{self.condition}"


def conditions_for(doc_type: str) -> tuple[str, ...]:
    """Conditions that apply to a document type (two facing pages only for the folded 2009 form)."""
    return CONDITIONS if doc_type == "gcn_2009_2014" else tuple(c for c in CONDITIONS if c != "two_pages")


def item_seed(set_seed: int, index: int) -> int:
    """A per-image seed derived from the set seed and the image index."""
    return int(np.random.SeedSequence([set_seed, index]).generate_state(1)[0])


def plan(name: str, seed: int | None = None, count: int | None = None) -> list[Item]:
    """The items of a named set: every type x condition cell, then more by weight."""
    s = SET_SEEDS.get(name, 0) if seed is None else seed
    if name == "samples":
        fixed = [("gcn_2009_2014", "trang_2", "clean"), ("gcn_2024", "trang_1", "clean"),
                 ("gcn_2009_2014", "trang_2", "phone"), ("cccd_mat_truoc", "mat_truoc", "clean"),
                 ("gcn_truoc_2009", "trang_1", "scan")]
        return [Item(i, d, r, c, item_seed(s, i)) for i, (d, r, c) in enumerate(fixed)]
    if name == real_style.SET_NAME:
        fixed_cells = real_style.plan_cells()[: count or None]
        return [Item(i, d, r, c, item_seed(s, i)) for i, (d, r, c) in enumerate(fixed_cells)]
    n = count or SET_SIZES.get(name, 40)
    cells = [(d, r, c) for d, r, _ in UNITS for c in conditions_for(d)]
    weights = {(d, r): w for d, r, w in UNITS}
    rng = np.random.default_rng(s)
    chosen = list(cells) if n >= len(cells) else [cells[i] for i in sorted(rng.choice(len(cells), n, replace=False))]
    pool = np.array([weights[(d, r)] for d, r, _ in cells], dtype=float)
    while len(chosen) < n:
        chosen.append(cells[int(rng.choice(len(cells), p=pool / pool.sum()))])
    items = []
    for i, (d, r, c) in enumerate(chosen):
        if c == "two_pages":
            r = "trang_2+trang_3" if rng.random() < 0.7 else "trang_4+trang_1"
        items.append(Item(i, d, r, c, item_seed(s, i)))
    return items


# -------------------------------------------------------------------- rendering
def _render_page(doc_type: str, role: str, rng: np.random.Generator, cert: data.Certificate | None
                 ) -> Rendered:
    if doc_type == "gcn_2009_2014":
        assert cert is not None
        return gcn2009.RENDERERS[role](cert, rng)
    if doc_type == "gcn_2024":
        assert cert is not None
        return gcn2024.RENDERERS[role](cert, rng)
    if doc_type == "gcn_truoc_2009":
        assert cert is not None
        return gcn_old.RENDERERS[role](cert, rng)
    kind, fn = cards.RENDERERS[(doc_type, role)]
    return fn(data.make_id_card(rng, kind), rng)


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        if k in out and isinstance(out[k], dict) and isinstance(v, dict):
            out[k] = _merge(out[k], v)
        elif k in out and isinstance(out[k], list) and isinstance(v, list):
            merged = list(out[k])
            for i, x in enumerate(v):
                if i < len(merged) and isinstance(merged[i], dict) and isinstance(x, dict):
                    merged[i] = _merge(merged[i], x)
                elif i >= len(merged):
                    merged.append(x)
            out[k] = merged
        else:
            out[k] = v
    return out


def render(item: Item) -> tuple[np.ndarray, GroundTruth, int]:
    """Make one image: render, degrade, measure.  Returns (RGB image, truth, JPEG quality)."""
    rng = np.random.default_rng(item.seed)
    if item.condition == REAL_STYLE:
        real, real_record = real_style.render_sample(item.doc_type, item.page_role, rng, _merge)
        return real.image, build_truth(real, item, real_record), real.jpeg_quality
    cert = None
    if item.doc_type in ("gcn_2009_2014", "gcn_2024", "gcn_truoc_2009"):
        cert = data.make_certificate(rng, item.doc_type)
    roles = item.page_role.split("+")
    pages = [_render_page(item.doc_type, r, rng, cert) for r in roles]
    record: dict[str, Any] = {}
    for p in pages:
        record = _merge(record, p.record)
    s = degrade.from_rendered(pages[0])
    if len(pages) == 2:
        s = degrade.side_by_side(s, degrade.from_rendered(pages[1]), rng)
    if item.doc_type == "gcn_truoc_2009" and item.condition == "phone" and rng.random() < 0.6:
        s = degrade.on_cover(s, rng)
    s = apply_condition(s, item.condition, rng, is_card=DocType(item.doc_type).is_id_card)
    truth = build_truth(s, item, record)
    return s.image, truth, s.jpeg_quality


def apply_condition(s: Sample, condition: str, rng: np.random.Generator, is_card: bool = False) -> Sample:
    """Run the degradation chain of an older condition (``real_style`` images are made in :mod:`real_style`)."""
    bleed = not is_card

    def capture(mild: bool) -> Callable[[Sample], Sample]:
        if rng.random() < 0.5:
            return lambda x: degrade.scanner(x, rng, max_skew=3.0 if mild else 10.0, bleed=bleed)
        return lambda x: photo.phone(x, rng, max_tilt=4.0 if mild else 8.0)

    if condition == "clean":
        return degrade.print_jitter(s, rng)
    if condition == "scan":
        if not is_card and rng.random() < 0.2:  # a certified photocopy (the original is mortgaged)
            s = degrade.photocopy(s, rng)
            if rng.random() < 0.75:
                s = degrade.certified_copy(s, rng)
            return degrade.scanner(s, rng, bleed=False)
        return degrade.scanner(s, rng, bleed=bleed)
    if condition == "phone":
        s = photo.phone(s, rng)
        if rng.random() < 0.2:  # sent through a phone scanner app (CamScanner and the like)
            s = photo.scanner_app(s, rng)
        return s
    if condition == "aged":
        return capture(True)(degrade.age(s, rng))
    if condition == "damaged":
        s = degrade.card_damage(s, rng) if is_card else degrade.damage(s, rng)
        if rng.random() < 0.4:
            s = degrade.age(s, rng)
        if is_card or rng.random() < 0.3:  # held in hand for the photo: a thumb over an edge
            return degrade.finger(photo.phone(s, rng), rng)
        return capture(False)(s)
    if condition == "rotated":
        s = capture(True)(s)
        return degrade.rotate90(s, int(rng.integers(1, 4)))
    if condition == "two_pages":
        if rng.random() < 0.35:  # the unfolded A3 sheet on a flatbed
            return degrade.scanner(s, rng, max_skew=4.0, dpi=float(rng.choice([100, 150])), bleed=False)
        return photo.phone(s, rng, long_side=int(rng.integers(2000, 2600)), fill=(0.8, 0.95), max_tilt=5.0)
    raise ValueError(f"unknown condition {condition!r}")


def _clip(q: np.ndarray, w: int, h: int) -> np.ndarray:
    return np.stack([np.clip(q[:, 0], 0, w), np.clip(q[:, 1], 0, h)], axis=1)


def build_truth(s: Sample, item: Item, record: dict[str, Any]) -> GroundTruth:
    """The ground truth of a finished sample (all coordinates on the final image)."""
    w, h = s.size
    covered = np.maximum(s.damage, s.occlusion)
    lines = []
    for ln in s.lines:
        occluded = degrade.covered_fraction(covered, ln.quad) > 0.25
        poly = [(round(float(x), 1), round(float(y), 1)) for x, y in _clip(ln.quad, w, h)]
        lines.append(TruthLine(text=ln.text, polygon=poly, kind=ln.kind, field=ln.field,  # type: ignore[arg-type]
                               occluded=occluded))
    boxes: dict[str, list[float]] = {}
    unreadable = []
    for path, quad in sorted(s.boxes.items()):
        q = _clip(quad, w, h)
        boxes[path] = [round(float(q[:, 0].min()), 1), round(float(q[:, 1].min()), 1),
                       round(float(q[:, 0].max()), 1), round(float(q[:, 1].max()), 1)]
        if degrade.covered_fraction(s.damage, quad) >= 0.3:
            unreadable.append(path)
    rot, skew = degrade.orientation(s.corners)
    corners = [[round(float(x), 1), round(float(y), 1)] for x, y in _clip(s.corners, w, h)]
    return GroundTruth(
        generator_version=GENERATOR_VERSION, seed=item.seed, doc_type=DocType(item.doc_type),
        page_role=item.page_role, condition=item.condition, degradations=list(s.steps), record=record,
        unreadable=unreadable, field_boxes=boxes, page_corners=corners, rotation_deg=rot,
        skew_deg=round(skew, 2), image_size=(w, h), dpi=s.dpi, lines=lines,
    )


def write_item(item: Item, out_dir: Path) -> Path:
    """Render one item and write ``<stem>.jpg`` and ``<stem>.gt.json``."""
    cv2.setNumThreads(1)
    img, truth, quality = render(item)
    path = out_dir / f"{item.stem}.jpg"
    extra: dict[str, Any] = {"dpi": (truth.dpi, truth.dpi)} if truth.dpi else {}
    Image.fromarray(img).save(path, quality=quality, optimize=False, **extra)
    save_truth(truth, path)
    return path


def _write_item_args(args: tuple[Item, str]) -> str:
    return str(write_item(args[0], Path(args[1])))


def write_pdf(cert_seed: int, out_dir: Path, stem: str = "gcn_2009_2014_trang_1-2") -> Path:
    """A two-page PDF of a GCN 2009/2014 (pages 1 and 2, light scan), truth per page.

    The truths are ``<stem>-p1.gt.json`` and ``<stem>-p2.gt.json``; their coordinates are
    on the page rasterised at the truth's ``dpi``.
    """
    rng = np.random.default_rng(cert_seed)
    cert = data.make_certificate(rng, "gcn_2009_2014")
    images = []
    for n, role in enumerate(("trang_1", "trang_2"), start=1):
        r = gcn2009.RENDERERS[role](cert, rng, dpi=150.0)
        s = degrade.print_jitter(degrade.from_rendered(r), rng)
        item = Item(n, "gcn_2009_2014", role, "clean", cert_seed)
        truth = build_truth(s, item, r.record)
        save_truth(truth, out_dir / f"{stem}-p{n}.jpg")
        images.append(Image.fromarray(s.image))
    path = out_dir / f"{stem}.pdf"
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=150.0, quality=80)
    return path


def generate_set(name: str, out_dir: Path, seed: int | None = None, jobs: int = 1) -> list[Path]:
    """Write a named set (``default``, ``quick``, ``samples``) into ``out_dir``; return the image paths.

    Writes ``manifest.json`` listing every image with doc_type, page_role, condition, seed and truth file.
    """
    if name not in SET_SEEDS:
        raise ValueError(f"unknown set {name!r}; known: {sorted(SET_SEEDS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    items = plan(name, seed)
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as ex:
            paths = [Path(p) for p in ex.map(_write_item_args, [(it, str(out_dir)) for it in items], chunksize=2)]
    else:
        paths = [write_item(it, out_dir) for it in items]
    entries: list[dict[str, Any]] = [
        {"file": p.name, "truth": p.with_name(p.stem + ".gt.json").name, "doc_type": it.doc_type,
         "page_role": it.page_role, "condition": it.condition, "seed": it.seed}
        for it, p in zip(items, paths, strict=True)
    ]
    if name == "samples":
        pdf_seed = item_seed(SET_SEEDS["samples"] if seed is None else seed, 1000)
        pdf = write_pdf(pdf_seed, out_dir)
        entries.append({"file": pdf.name, "truth": [f"{pdf.stem}-p1.gt.json", f"{pdf.stem}-p2.gt.json"],
                        "doc_type": "gcn_2009_2014", "page_role": "trang_1+trang_2", "condition": "clean",
                        "seed": pdf_seed})
        paths.append(pdf)
    manifest = {"generator_version": GENERATOR_VERSION, "set": name,
                "seed": SET_SEEDS[name] if seed is None else seed, "count": len(entries), "images": entries}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return paths


def default_jobs() -> int:
    """Worker processes to use by default: the CPU count."""
    return max(1, os.cpu_count() or 1)
