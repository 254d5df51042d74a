#!/usr/bin/env python
"""Detection cost and line recall per capture condition, at several detector input sizes.

    python scripts/measure_detection.py --set-dir /work/main/bench-data/default-1.2.0 \\
        --per-condition 12 --sizes 960,1280,1600 --text-heights 12,16 --out det.json

Each image goes through the image pipeline once (as in the engine); the PP-OCRv4 DB
detector (one thread) then runs on the processed page at each setting: a fixed max side
(``det_max_side``), or a fixed max side with a letter-height target
(``det_text_height``: the page's measured text height scaled to that many pixels).
Reported per condition: seconds of detection per page and line recall, a truth line
being found when detected quads (mapped back to the original image) cover at least half
of it (:func:`digitize.bench.metrics.score_lines`, the benchmark's rule).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digitize.bench.metrics import score_lines
from digitize.bench.runner import find_items
from digitize.config import Settings
from digitize.io.loader import load_pages
from digitize.ocr.default import make_detector, page_text_height
from digitize.pipeline import preprocess_page

Setting = tuple[str, int, float | None]  # (detector model id, max side, text-height target)


def setting_name(setting: Setting) -> str:
    model, side, target = setting
    name = f"{side}" if target is None else f"{side}/th{target:g}"
    return name if model == "ppocr_v4_det" else f"{name} {model.removeprefix('ppocr_v4_det_')}"


def measure(set_dirs: list[Path], per_condition: int, settings_list: list[Setting],
            conditions: list[str] | None = None) -> dict[str, Any]:
    """{setting: {condition: {pages, seconds_per_page, megapixels, truth_lines, found, recall}}} and the
    pages' text heights.  ``megapixels`` (the detector's input per page) is the cost free of machine load."""
    settings = Settings(threads=1)
    detectors = {s: make_detector(settings.model_copy(update={"det_model": s[0], "det_max_side": s[1],
                                                              "det_text_height": s[2]}))
                 for s in settings_list}
    chosen: dict[str, list[Any]] = defaultdict(list)
    for item in [it for d in set_dirs for it in find_items(d)]:
        condition = item.truth.condition
        if conditions and condition not in conditions:
            continue
        if len(chosen[condition]) < per_condition:
            chosen[condition].append(item)
    totals: dict[Setting, dict[str, dict[str, float]]] = {
        s: defaultdict(lambda: defaultdict(float)) for s in settings_list}
    heights: dict[str, list[float]] = defaultdict(list)
    for condition, items in sorted(chosen.items()):
        for item in items:
            [page] = load_pages(item.image)
            pages = preprocess_page(page, settings)
            truth = [(ln.text, ln.polygon) for ln in item.truth.lines if not ln.occluded and ln.text.strip()]
            for p in pages:
                th = page_text_height(p)
                if th:
                    heights[condition].append(th)
            for setting, detector in detectors.items():
                predicted: list[tuple[str, list[tuple[float, float]]]] = []
                seconds = megapixels = 0.0
                for p in pages:
                    assert p.image is not None
                    th = page_text_height(p)
                    scale = detector.input_scale(p.image.shape[0], p.image.shape[1], th)
                    megapixels += p.image.shape[0] * p.image.shape[1] * scale * scale / 1e6
                    start = time.perf_counter()
                    quads = detector.detect(p.image, th)
                    seconds += time.perf_counter() - start
                    predicted.extend(("", p.to_original(q) if p.transforms else [tuple(x) for x in q.tolist()])
                                     for q, _ in quads)
                score = score_lines(predicted, truth)  # type: ignore[arg-type]
                cell = totals[setting][condition]
                cell["pages"] += 1
                cell["seconds"] += seconds
                cell["megapixels"] += megapixels
                cell["truth_lines"] += score.truth_lines
                cell["found"] += score.found
            print(f"{condition} {item.image.name}", file=sys.stderr, flush=True)
    out: dict[str, Any] = {"settings": {}, "text_height_px": {}}
    for setting, by_condition in totals.items():
        rows = {}
        all_cell: dict[str, float] = defaultdict(float)
        for condition, cell in sorted(by_condition.items()):
            for k, v in cell.items():
                all_cell[k] += v
            rows[condition] = _row(cell)
        rows["all"] = _row(all_cell)
        out["settings"][setting_name(setting)] = rows
    for condition, values in heights.items():
        values.sort()
        out["text_height_px"][condition] = {"median": values[len(values) // 2], "min": values[0],
                                            "max": values[-1]}
    return out


def _row(cell: dict[str, float]) -> dict[str, float]:
    pages = max(cell["pages"], 1)
    return {"pages": int(cell["pages"]), "seconds_per_page": round(cell["seconds"] / pages, 3),
            "megapixels": round(cell["megapixels"] / pages, 3),
            "truth_lines": int(cell["truth_lines"]), "found": int(cell["found"]),
            "recall": round(cell["found"] / max(cell["truth_lines"], 1), 4)}


def markdown(result: dict[str, Any]) -> str:
    """Two tables: seconds per page and line recall, conditions down, settings across."""
    settings = list(result["settings"])
    conditions = list(next(iter(result["settings"].values())))
    lines = []
    for title, key, fmt in (("Detection seconds per page (one thread)", "seconds_per_page", "{:.3f}"),
                            ("Detector input, megapixels per page", "megapixels", "{:.2f}"),
                            ("Line recall", "recall", "{:.1%}")):
        lines += [f"{title}:", "", "| condition | pages | " + " | ".join(settings) + " |",
                  "|---|---|" + "---|" * len(settings)]
        for c in conditions:
            first = result["settings"][settings[0]][c]
            cells = [fmt.format(result["settings"][s][c][key]) for s in settings]
            lines.append(f"| {c} | {first['pages']} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set-dir", type=Path, required=True, nargs="+")
    parser.add_argument("--per-condition", type=int, default=12)
    parser.add_argument("--sizes", default="960,1280,1600")
    parser.add_argument("--text-heights", default="", help="letter-height targets, each with the largest size")
    parser.add_argument("--models", default="ppocr_v4_det",
                        help="detector model ids (comma-separated), each measured at every setting")
    parser.add_argument("--conditions", default="", help="comma-separated; default all")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    models = [m for m in args.models.split(",") if m]
    settings_list: list[Setting] = [(m, s, None) for m in models for s in sizes]
    settings_list += [(m, max(sizes), float(t)) for m in models for t in args.text_heights.split(",") if t]
    result = measure(args.set_dir, args.per_condition, settings_list,
                     [c for c in args.conditions.split(",") if c] or None)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(markdown(result))
    print("text height (px of the processed page):", json.dumps(result["text_height_px"]))


if __name__ == "__main__":
    main()
