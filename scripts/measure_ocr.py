#!/usr/bin/env python
"""OCR seconds per page and line CER per capture condition, backends side by side (one thread).

    python scripts/measure_ocr.py --set-dir /work/main/bench-data/quick-1.2.0 \\
        --backends default,trained --per-condition 3

A quicker look than ``digitize bench`` (no field extraction, no second reading of fields):
each image goes through the image pipeline once, then each backend reads the processed
page(s); reported per condition: OCR seconds per page split into detection, recognition
and arbitration (the backend's stage times), line recall and line CER against the truth
lines (:func:`digitize.bench.metrics.score_lines`, the benchmark's rule), and the worker's
peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
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
from digitize.ocr.base import create_backend
from digitize.pipeline import preprocess_page

STAGES = ("detect", "recognise", "arbitrate")


def measure(set_dirs: list[Path], backends: list[str], per_condition: int) -> dict[str, Any]:
    """{backend: {condition: {pages, ocr_seconds, detect, recognise, arbitrate, line_recall, line_cer}}}."""
    settings = Settings(threads=1)
    engines = {name: create_backend(name, settings) for name in backends}
    chosen: dict[str, list[Any]] = defaultdict(list)
    for item in [it for d in set_dirs for it in find_items(d)]:
        if len(chosen[item.truth.condition]) < per_condition:
            chosen[item.truth.condition].append(item)
    totals: dict[str, dict[str, dict[str, float]]] = {
        n: defaultdict(lambda: defaultdict(float)) for n in backends}
    for condition, items in sorted(chosen.items()):
        for item in items:
            [page] = load_pages(item.image)
            pages = preprocess_page(page, settings)
            truth = [(ln.text, ln.polygon) for ln in item.truth.lines if not ln.occluded and ln.text.strip()]
            for name, engine in engines.items():
                engine.take_stage_times()
                predicted: list[tuple[str, Any]] = []
                start = time.perf_counter()
                for p in pages:
                    for line in engine.read_page(p):
                        predicted.append((line.text, p.to_original(line.polygon) if p.transforms
                                          else list(line.polygon)))
                cell = totals[name][condition]
                cell["ocr"] += time.perf_counter() - start
                for stage, seconds in engine.take_stage_times().items():
                    cell[stage] += seconds
                score = score_lines(predicted, truth)
                cell["pages"] += 1
                cell["truth_lines"] += score.truth_lines
                cell["found"] += score.found
                cell["edits"] += score.edits + score.missed_chars
                cell["chars"] += score.chars + score.missed_chars
            print(f"{condition} {item.image.name}", file=sys.stderr, flush=True)
    out: dict[str, Any] = {}
    for name, by_condition in totals.items():
        rows: dict[str, Any] = {}
        everything: dict[str, float] = defaultdict(float)
        for condition, cell in sorted(by_condition.items()):
            for k, v in cell.items():
                everything[k] += v
            rows[condition] = _row(cell)
        rows["all"] = _row(everything)
        out[name] = rows
    for engine in engines.values():
        engine.close()
    return {"backends": out, "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def _row(cell: dict[str, float]) -> dict[str, Any]:
    pages = max(cell["pages"], 1)
    return {"pages": int(cell["pages"]), "ocr_seconds": round(cell["ocr"] / pages, 3),
            **{s: round(cell[s] / pages, 3) for s in STAGES},
            "line_recall": round(cell["found"] / max(cell["truth_lines"], 1), 4),
            "line_cer": round(cell["edits"] / max(cell["chars"], 1), 4)}


def markdown(result: dict[str, Any]) -> str:
    lines = ["| backend | condition | pages | OCR s/page | detect | recognise | arbitrate | line recall | line CER |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, rows in result["backends"].items():
        for condition, r in rows.items():
            lines.append(f"| {name} | {condition} | {r['pages']} | {r['ocr_seconds']:.3f} | {r['detect']:.3f} "
                         f"| {r['recognise']:.3f} | {r['arbitrate']:.3f} | {r['line_recall']:.1%} "
                         f"| {r['line_cer']:.1%} |")
    lines.append(f"\nPeak memory of the process (all backends loaded): {result['peak_rss_mb']} MiB")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set-dir", type=Path, required=True, nargs="+")
    parser.add_argument("--backends", default="default,trained")
    parser.add_argument("--per-condition", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    result = measure(args.set_dir, [b for b in args.backends.split(",") if b], args.per_condition)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
