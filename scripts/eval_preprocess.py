#!/usr/bin/env python
"""Evaluate the image pipeline against ground truth (``<stem>.gt.json``, digitize.truth).

    python scripts/eval_preprocess.py DIR [DIR...]        # images with GT beside them
    python scripts/eval_preprocess.py --synthetic OUT -n 40   # make our own sets first
    python scripts/eval_preprocess.py ... --ocr            # also line CER (Tesseract vie)

Reports orientation accuracy, skew error (median / p95) against the ``deskew`` and
``jdeskew`` packages on the same images, page-corner error as a percentage of the
diagonal, seconds per page (one thread), and with ``--ocr`` the line CER with no
preprocessing, with preprocessing but no colour dropout, and with the full pipeline.
``evaluate(paths)`` returns the same figures as a dict for the benchmark.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digitize.model import DocType, Page, SourceInfo
from digitize.preprocess import PreprocessSettings, preprocess
from digitize.preprocess import testing as synth
from digitize.preprocess.geometry import apply
from digitize.truth import GroundTruth, TruthLine, load_truth, save_truth

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp"}


# -- synthetic sets -------------------------------------------------------------------
def make_synthetic_sets(out: Path, n: int = 40, seed: int = 0) -> list[Path]:
    """Write three sets with GT: scan (rotated + skewed, some aged), phone, card."""
    rng = np.random.default_rng(seed)
    paths: list[Path] = []
    kinds = ["wood", "cloth", "dark", "clutter", "desk"]
    for cond in ("scan", "phone", "card"):
        folder = out / cond
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(n):
            s = seed * 1000 + i + {"scan": 0, "phone": 300, "card": 600}[cond]
            card = cond == "card"
            size = (856, 540) if card else (1240, 1754)
            page = synth.render_page(s, size=size, pink=bool(rng.integers(0, 2)), seal=not card,
                                     font_index=int(rng.integers(0, 5)), n_lines=8 if card else 22)
            rot = int(rng.choice([0, 90, 180, 270]))
            skew = float(rng.uniform(-15, 15)) if cond == "scan" else float(rng.uniform(-8, 8))
            if cond == "scan":
                img, m = synth.scan(page, rot, skew, yellow=float(rng.uniform(0, 0.9)), seed=s)
                _ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 90])
                decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
                assert decoded is not None
                img = decoded
                corners = None
                persp = 0.0
            else:
                persp = float(rng.uniform(0, 0.05))
                ph = synth.photograph(page, seed=s, bg_kind=kinds[i % 5], rotation_deg=rot, skew_deg=skew,
                                      perspective=persp, fill=float(rng.uniform(0.55, 0.85)),
                                      finger=bool(i % 4 == 1),
                                      photo_size=[(1200, 1600), (1500, 2000), (540, 960)][i % 3])
                img, m, corners = ph.image, ph.homography, ph.corners.tolist()
            lines = []
            for text, poly in page.lines:
                lines.append(TruthLine(text=text, polygon=[tuple(p) for p in apply(m, np.array(poly)).tolist()]))
            path = folder / f"{cond}_{i:03d}.jpg"
            cv2.imwrite(str(path), img, [cv2.IMWRITE_JPEG_QUALITY, 92])
            gt = GroundTruth(
                generator="preprocess-eval", generator_version="1", seed=s,
                doc_type=DocType.CCCD_MAT_TRUOC if card else DocType.GCN_2009_2014,
                condition=cond,
                degradations=[f"perspective={persp:.3f}"], page_corners=corners, rotation_deg=rot,
                skew_deg=skew, image_size=(img.shape[1], img.shape[0]), lines=lines,
            )
            save_truth(gt, path)
            paths.append(path)
    return paths


# -- metrics ----------------------------------------------------------------------------
def _cer(ref: str, hyp: str) -> float:
    from rapidfuzz.distance import Levenshtein

    ref = unicodedata.normalize("NFC", ref)
    hyp = unicodedata.normalize("NFC", hyp)
    return Levenshtein.distance(ref, hyp) / max(1, len(ref))


def _baseline_skews(gray: np.ndarray) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    try:
        from deskew import determine_skew

        a = determine_skew(gray)
        out["deskew"] = None if a is None else -float(a)  # it returns the correction
    except ImportError:
        pass
    try:
        from jdeskew.estimator import get_angle

        out["jdeskew"] = -float(get_angle(gray))
    except ImportError:
        pass
    return out


def _angle_err(est: float, truth: float, period: float) -> float:
    d = (est - truth) % period
    return min(d, period - d)


class _Ocr:
    def __init__(self) -> None:
        import tesserocr

        from digitize.config import find_tessdata

        self.api = tesserocr.PyTessBaseAPI(path=find_tessdata() or "", lang="vie", psm=tesserocr.PSM.SINGLE_LINE)
        self.tesserocr = tesserocr

    def read(self, crop: np.ndarray) -> str:
        from PIL import Image

        if crop.size == 0 or min(crop.shape[:2]) < 4:
            return ""
        self.api.SetPageSegMode(self.tesserocr.PSM.SINGLE_LINE)
        self.api.SetImage(Image.fromarray(crop))
        text = self.api.GetUTF8Text().strip()
        if not text:  # psm 7 sometimes returns nothing on a readable line (ocr-stack.md)
            self.api.SetPageSegMode(self.tesserocr.PSM.RAW_LINE)
            self.api.SetImage(Image.fromarray(crop))
            text = self.api.GetUTF8Text().strip()
        return text


def _crop_box(image: np.ndarray, poly: np.ndarray, pad: float = 0.25) -> np.ndarray:
    x0, y0 = poly.min(axis=0)
    x1, y1 = poly.max(axis=0)
    h = min(y1 - y0, x1 - x0) if (x1 - x0) < (y1 - y0) else (y1 - y0)
    p = pad * max(h, 4)
    H, W = image.shape[:2]
    xa, ya = int(max(0, x0 - p)), int(max(0, y0 - p))
    xb, yb = int(min(W, x1 + p)), int(min(H, y1 + p))
    return image[ya:yb, xa:xb]


def evaluate(paths: list[Path], ocr: bool = False, max_lines: int = 12) -> dict[str, Any]:
    """Figures over the images in ``paths`` that have ground truth beside them."""
    cv2.setNumThreads(1)  # "one core": OpenCV and onnxruntime (threads=1) in this thread
    rows: list[dict[str, Any]] = []
    reader = _Ocr() if ocr else None
    nodrop = PreprocessSettings(dropout=False)
    for path in paths:
        gt = load_truth(path)
        if gt is None:
            continue
        img = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if img is None:
            continue
        page = Page(source=SourceInfo(path=str(path), width=img.shape[1], height=img.shape[0]), image=img)
        t = time.perf_counter()
        c = time.thread_time()
        pages = preprocess(page)
        dt = time.perf_counter() - t
        cpu = time.thread_time() - c
        res = pages[0]
        # ID cards and certificate pages fail in different ways (small in the frame vs
        # background), so a condition is reported per kind of document as well.
        kind = "card" if gt.doc_type is not None and DocType(gt.doc_type).is_id_card else "page"
        row: dict[str, Any] = {"path": str(path), "condition": gt.condition, "kind": kind,
                               "seconds": dt, "cpu_seconds": cpu,
                               "retake": any(p.quality.retake_recommended for p in pages),
                               "flags": sorted({f for p in pages for f in p.quality.flags}),
                               "rotation_ok": res.rotation_deg == gt.rotation_deg,
                               "rotation": res.rotation_deg, "rotation_gt": gt.rotation_deg}
        # Skew is compared only on flat captures: under perspective or paper bow "skew" is
        # not one number (the generator measures the mean of two edge angles).
        persp = any(
            d in ("perspective", "bow") or (d.startswith("perspective=") and float(d.split("=")[1]) > 0)
            for d in gt.degradations
        )
        row["perspective"] = persp
        if res.skew_deg is not None and res.rotation_deg is not None:
            row["skew_err"] = abs(res.skew_deg - gt.skew_deg)
        else:
            row["skew_err"] = None
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        for name, est in _baseline_skews(gray).items():
            row[f"skew_err_{name}"] = None if est is None else _angle_err(est, gt.skew_deg, 90.0)
        if gt.page_corners is not None:
            diag = math.hypot(*img.shape[:2])
            truth = np.asarray(gt.page_corners, float)
            found_corners = res.page_corners
            if len(pages) == 2 and pages[0].page_corners and pages[1].page_corners:
                # a split spread: its outline is the left page's left side + the right page's right side
                a, b = pages[0].page_corners, pages[1].page_corners
                found_corners = [a[0], b[1], b[2], a[3]]
            row["pages_out"] = len(pages)
            h0, w0 = img.shape[:2]
            frame = np.array([[0, 0], [w0 - 1, 0], [w0 - 1, h0 - 1], [0, h0 - 1]], float)
            whole = min(float(np.max(np.hypot(*(np.roll(truth, k, axis=0) - frame).T))) for k in range(4)) / diag
            if found_corners is None and whole <= 0.01:
                # the page IS the whole image (a flat scan): "no outline" is the right answer
                row["corner_err_pct"] = 0.0
                row["corner_err_any_order_pct"] = 0.0
            elif found_corners is None:
                row["corner_err_pct"] = None
                row["corner_err_any_order_pct"] = None
            else:
                found = np.asarray(found_corners, float)
                row["corner_err_pct"] = float(np.max(np.hypot(*(found - truth).T)) / diag * 100)
                row["corner_err_any_order_pct"] = min(
                    float(np.max(np.hypot(*(np.roll(found, k, axis=0) - truth).T)) / diag * 100) for k in range(4)
                )
        if reader is not None and gt.lines:
            raw_cer, pre_cer, nodrop_cer = [], [], []
            proc = cv2.cvtColor(res.image, cv2.COLOR_BGR2GRAY) if res.image is not None else None
            res_nd = preprocess(page, options=nodrop)[0]
            proc_nd = cv2.cvtColor(res_nd.image, cv2.COLOR_BGR2GRAY) if res_nd.image is not None else None
            for line in gt.lines[:max_lines]:
                poly = np.asarray(line.polygon, float)
                raw_cer.append(_cer(line.text, reader.read(_crop_box(gray, poly))))
                if proc is not None:
                    pre_cer.append(_cer(line.text, reader.read(_crop_box(proc, np.asarray(res.from_original(poly))))))
                if proc_nd is not None:
                    nodrop_cer.append(_cer(line.text, reader.read(
                        _crop_box(proc_nd, np.asarray(res_nd.from_original(poly))))))
            row["cer_raw"] = float(np.mean(raw_cer)) if raw_cer else None
            row["cer_pre"] = float(np.mean(pre_cer)) if pre_cer else None
            row["cer_nodrop"] = float(np.mean(nodrop_cer)) if nodrop_cer else None
        rows.append(row)
    return summarise(rows)


def _stats(values: list[float | None]) -> dict[str, float | int | None]:
    vals = [v for v in values if v is not None]
    missing = len(values) - len(vals)
    if not vals:
        return {"n": 0, "missing": missing}
    a = np.asarray(vals)
    return {"n": len(vals), "missing": missing, "median": round(float(np.median(a)), 4),
            "p95": round(float(np.percentile(a, 95)), 4), "mean": round(float(a.mean()), 4)}


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"images": len(rows)}
    groups = sorted({r["condition"] for r in rows})
    groups += sorted({f"{r['condition']}/{r['kind']}" for r in rows if r.get("kind")} - set(groups))
    for cond in groups:
        rs = [r for r in rows if r["condition"] == cond or f"{r['condition']}/{r.get('kind')}" == cond]
        flat = [r for r in rs if not r["perspective"]]
        entry: dict[str, Any] = {
            "images": len(rs),
            "orientation_accuracy": round(sum(r["rotation_ok"] for r in rs) / len(rs), 4),
            "orientation_undecided": sum(r["rotation"] is None for r in rs),
            "pages_out": {str(k): sum(1 for r in rs if r.get("pages_out", 1) == k) for k in (1, 2)},
            "seconds_per_page": _stats([r["seconds"] for r in rs]),
            "cpu_seconds_per_page": _stats([r["cpu_seconds"] for r in rs]),
            "retake_share": round(sum(r["retake"] for r in rs) / len(rs), 4),
            "flags": {f: n for f in sorted({f for r in rs for f in r["flags"]})
                      if (n := sum(f in r["flags"] for r in rs))},
        }
        if flat:
            entry["skew_error_deg"] = _stats([r["skew_err"] for r in flat])
            for name in ("deskew", "jdeskew"):
                if any(f"skew_err_{name}" in r for r in flat):
                    entry[f"skew_error_deg_{name}"] = _stats([r.get(f"skew_err_{name}") for r in flat])
        corner = [r.get("corner_err_pct") for r in rs if "corner_err_pct" in r]
        if corner:
            entry["corner_error_pct"] = _stats(corner)
            entry["corner_within_1pct"] = round(sum(1 for c in corner if c is not None and c <= 1.0) / len(corner), 4)
            anyo = [r.get("corner_err_any_order_pct") for r in rs if "corner_err_pct" in r]
            entry["corner_within_1pct_any_order"] = round(
                sum(1 for c in anyo if c is not None and c <= 1.0) / len(anyo), 4)
        if any("cer_raw" in r for r in rs):
            for key in ("cer_raw", "cer_nodrop", "cer_pre"):
                entry[key] = _stats([r.get(key) for r in rs])
        out[cond] = entry
    out["failures"] = [
        {k: r[k] for k in ("path", "rotation", "rotation_gt", "skew_err", "flags") if k in r}
        | {"corner_err_pct": r.get("corner_err_pct")}
        for r in rows
        if not r["rotation_ok"] or (r.get("corner_err_pct") or 0) > 1.0 or r.get("corner_err_pct", 0) is None
    ][:60]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*", type=Path)
    ap.add_argument("--synthetic", type=Path, help="write our synthetic sets here first and evaluate them")
    ap.add_argument("-n", type=int, default=40, help="images per synthetic set")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ocr", action="store_true", help="also measure line CER with Tesseract (slow)")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)
    paths: list[Path] = []
    if args.synthetic:
        paths += make_synthetic_sets(args.synthetic, args.n, args.seed)
    for d in args.dirs:
        paths += sorted(p for p in d.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not paths:
        ap.error("no images: give folders with <stem>.gt.json beside the images, or --synthetic DIR")
    figures = evaluate(paths, ocr=args.ocr)
    text = json.dumps(figures, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
