"""Run the engine and its baselines over a generated set and score every result.

Each variant (backend x image pipeline on/off) runs in a process pool, one backend per
worker process; workers return compact results and only this coordinating process
aggregates and writes.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from digitize.bench.metrics import (
    FLAGGED_STATUSES,
    FREE_TEXT_KEYS,
    FieldOutcome,
    accuracy_coverage,
    angle_error,
    corner_error,
    expected_calibration_error,
    score_fields,
    score_lines,
    text_field_errors,
)
from digitize.config import Settings
from digitize.truth import TRUTH_SUFFIX, GroundTruth


@dataclass(frozen=True)
class Variant:
    """One configuration measured side by side with the others."""

    name: str
    backend: str
    preprocess: bool
    description: str


MAIN_VARIANT = Variant("digitize", "default", True, "digitize: image pipeline + default backend")
BASELINES = (
    Variant("tesseract_page", "tesseract", False, "plain Tesseract vie, page mode, unprocessed image"),
    Variant("no_preprocess", "default", False, "digitize without its image pipeline"),
)


def variants_for(backends: list[str] | None, settings: Settings, baselines: bool = True) -> list[Variant]:
    """The main variant, the baselines, and digitize with each other installed backend."""
    from digitize.ocr.base import available_backends

    available = {name for name, problem in available_backends(settings).items() if problem is None}
    chosen = [MAIN_VARIANT]
    if baselines:
        chosen.extend(v for v in BASELINES if v.backend in available)
    if backends is not None:
        names = backends
    elif baselines:
        names = sorted(available - {"fake", "default", "tesseract"})
    else:
        names = []  # --no-baselines without --backend: the main variant alone
    for name in names:
        if name in available and name not in ("default", "fake"):
            chosen.append(Variant(f"backend_{name}", name, True, f"digitize with the {name} backend"))
    unique: dict[str, Variant] = {v.name: v for v in chosen}
    return list(unique.values())


# -- the benchmark set ---------------------------------------------------------------------

@dataclass
class Item:
    image: Path
    truth: GroundTruth


def find_items(folder: Path) -> list[Item]:
    """Every image in ``folder`` that has a ground-truth sidecar."""
    items = []
    for truth_file in sorted(folder.glob(f"*{TRUTH_SUFFIX}")):
        stem = truth_file.name[: -len(TRUTH_SUFFIX)]
        candidates = [p for p in folder.glob(f"{stem}.*") if not p.name.endswith(TRUTH_SUFFIX)
                      and p.suffix.lower() != ".json"]
        if not candidates:
            continue
        truth = GroundTruth.model_validate_json(truth_file.read_text(encoding="utf-8"))
        items.append(Item(candidates[0], truth))
    return items


def ensure_set(name: str, cache_dir: Path, jobs: int = 1, seed: int | None = None) -> Path:
    """Generate the named set once into ``cache_dir/<name>-<generator version>`` and reuse it."""
    from digitize import synth

    version = getattr(synth, "GENERATOR_VERSION", "dev")
    folder = cache_dir / f"{name}-{version}" if seed is None else cache_dir / f"{name}-{version}-seed{seed}"
    done = folder / ".complete"
    if not done.exists():
        folder.mkdir(parents=True, exist_ok=True)
        synth.generate_set(name, folder, seed=seed, jobs=jobs)  # type: ignore[attr-defined]
        done.write_text(time.strftime("%Y-%m-%dT%H:%M:%S"), encoding="utf-8")
    return folder


# -- workers ----------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(variant: Variant, settings_json: str) -> None:
    """Start one worker: one :class:`~digitize.engine.Engine` for the whole run, backend loaded and warm."""
    from digitize.engine import Engine

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    settings = Settings.model_validate_json(settings_json).model_copy(
        update={"backend": variant.backend, "preprocess": variant.preprocess})
    engine = Engine(settings).start()
    _WORKER.update(engine=engine, load_seconds=engine.load_seconds)


def _run_one(image: str) -> dict[str, Any]:
    """One benchmark image through the worker's engine: its fields, page geometry and timings, or its error."""
    from digitize.engine import Engine, Failure

    engine: Engine = _WORKER["engine"]
    start = time.perf_counter()
    doc = engine.process(image)
    if isinstance(doc, Failure):
        return {"image": image, "error": f"{doc.code}: {doc.message}", "seconds": time.perf_counter() - start,
                "rss_mb": _rss_mb(), "load_seconds": _WORKER["load_seconds"]}
    seconds = time.perf_counter() - start
    pages = []
    for page in doc.pages:
        lines = [(ln.text, page.to_original(ln.polygon) if page.transforms else list(ln.polygon))
                 for ln in page.lines if ln.polygon]
        pages.append({"rotation_deg": page.rotation_deg, "skew_deg": page.skew_deg,
                      "page_corners": page.page_corners, "lines": lines,
                      "retake": page.quality.retake_recommended})
    return {
        "image": image,
        "doc_type": doc.loai_tai_lieu.value,
        "fields": [{**f.model_dump(mode="json", include={"path", "value", "status", "confidence"}),
                    "signals": f.signals} for f in doc.fields],
        "pages": pages,
        "timings": doc.timings,
        "seconds": seconds,
        "rss_mb": _rss_mb(),
        "load_seconds": _WORKER["load_seconds"],
    }


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_variant(variant: Variant, images: list[Path], settings: Settings, jobs: int,
                progress: Callable[[int, int], None] | None = None) -> tuple[list[dict[str, Any]], float]:
    """Process ``images`` with ``jobs`` worker processes; returns results (input order) and wall seconds."""
    start = time.perf_counter()
    results: list[dict[str, Any]] = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(variant, settings.model_dump_json())) as pool:
        for i, result in enumerate(pool.map(_run_one, [str(p) for p in images], chunksize=1)):
            results.append(result)
            if progress:
                progress(i + 1, len(images))
    return results, time.perf_counter() - start


# -- scoring ------------------------------------------------------------------------------------

@dataclass
class Tally:
    """Counters for one slice (a condition, a document type, a field, a variant)."""

    n: int = 0
    fields: int = 0
    correct: int = 0
    readable_fields: int = 0
    readable_correct: int = 0
    wrong: int = 0
    wrong_flagged: int = 0
    correct_flagged: int = 0
    spurious: int = 0
    unreadable_truth: int = 0
    unreadable_handled: int = 0  # damage-destroyed fields the engine did not pass off as read
    doc_type_right: int = 0
    line_truth: int = 0
    line_found: int = 0
    line_edits: int = 0
    line_chars: int = 0
    errors: int = 0
    seconds: float = 0.0
    text_edits: int = 0
    text_chars: int = 0

    def add_outcomes(self, outcomes: list[FieldOutcome]) -> None:
        for o in outcomes:
            if o.spurious:
                self.spurious += 1
                continue
            flagged = o.status in FLAGGED_STATUSES
            if o.unreadable_in_truth:
                self.unreadable_truth += 1
                self.unreadable_handled += int(flagged)
                continue
            self.fields += 1
            self.correct += int(o.correct)
            if o.key in FREE_TEXT_KEYS and isinstance(o.expected, str):
                edits, chars = text_field_errors(o.expected, o.predicted if not o.correct else o.expected)
                self.text_edits += edits
                self.text_chars += chars
            self.readable_fields += 1
            self.readable_correct += int(o.correct)
            if o.correct:
                self.correct_flagged += int(flagged)
            else:
                self.wrong += 1
                self.wrong_flagged += int(flagged)

    def summary(self) -> dict[str, Any]:
        def ratio(a: float, b: float) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "images": self.n,
            "fields": self.fields,
            "field_exact": ratio(self.correct, self.fields),
            "wrong_flagged": ratio(self.wrong_flagged, self.wrong),
            "correct_flagged": ratio(self.correct_flagged, self.correct),
            "spurious_fields": self.spurious,
            "unreadable_handled": ratio(self.unreadable_handled, self.unreadable_truth),
            "doc_type_accuracy": ratio(self.doc_type_right, self.n),
            "line_recall": ratio(self.line_found, self.line_truth),
            "line_cer": ratio(self.line_edits, self.line_chars),
            "text_field_cer": ratio(self.text_edits, self.text_chars),
            "errors": self.errors,
            "seconds_per_image": ratio(self.seconds, self.n),
        }


@dataclass
class VariantReport:
    variant: Variant
    overall: dict[str, Any]
    by_condition: dict[str, dict[str, Any]]
    by_doc_type: dict[str, dict[str, Any]]
    by_field: dict[str, dict[str, Any]]
    confidence: dict[str, Any]
    geometry: dict[str, Any]
    timings: dict[str, float]
    wall_seconds: float
    jobs: int
    load_seconds: float
    peak_rss_mb: float
    failures: list[str] = field(default_factory=list)
    # "condition|doc_type" -> summary: conditions side by side per document type (e.g. real_style vs phone)
    by_condition_doc_type: dict[str, dict[str, Any]] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)  # per image: what was wrong, for debugging


def score_variant(variant: Variant, items: list[Item], results: list[dict[str, Any]], wall: float, jobs: int,
                  review_threshold: float) -> VariantReport:
    overall = Tally()
    by_condition: dict[str, Tally] = defaultdict(Tally)
    by_doc_type: dict[str, Tally] = defaultdict(Tally)
    by_cell: dict[str, Tally] = defaultdict(Tally)
    by_field: dict[str, Tally] = defaultdict(Tally)
    confidences: list[float] = []
    correctness: list[bool] = []
    rotation_hits: list[bool] = []
    skew_errors: list[float] = []
    skew_unknown = 0
    corner_errors: dict[str, list[float]] = defaultdict(list)
    corners_missing: dict[str, int] = defaultdict(int)
    stage_totals: dict[str, float] = defaultdict(float)
    failures: list[str] = []
    items_out: list[dict[str, Any]] = []
    for item, result in zip(items, results, strict=True):
        truth = item.truth
        tallies = (overall, by_condition[truth.condition], by_doc_type[truth.doc_type.value],
                   by_cell[f"{truth.condition}|{truth.doc_type.value}"])
        for t in tallies:
            t.n += 1
            t.seconds += result["seconds"]
        if "error" in result:
            for t in tallies:
                t.errors += 1
            failures.append(f"{item.image.name}: {result['error']}")
            outcomes = score_fields([], truth.record, truth.unreadable)
        else:
            outcomes = score_fields(result["fields"], truth.record, truth.unreadable)
            for t in tallies:
                t.doc_type_right += int(result["doc_type"] == truth.doc_type.value)
            for key, value in result["timings"].items():
                stage_totals[key] += value
            truth_lines = [(ln.text, ln.polygon) for ln in truth.lines if not ln.occluded and ln.text.strip()]
            predicted_lines = [tuple(x) for page in result["pages"] for x in page["lines"]]
            ls = score_lines(predicted_lines, truth_lines)  # type: ignore[arg-type]
            for t in tallies:
                t.line_truth += ls.truth_lines
                t.line_found += ls.found
                t.line_edits += ls.edits + ls.missed_chars
                t.line_chars += ls.chars + ls.missed_chars
            if variant.preprocess and result["pages"]:
                first = result["pages"][0]
                if truth.condition != "two_pages":
                    rotation_hits.append(first["rotation_deg"] == truth.rotation_deg)
                    err = angle_error(first["skew_deg"], truth.skew_deg)
                    if err is None:
                        skew_unknown += 1
                    else:
                        skew_errors.append(err)
                    if truth.page_corners is not None:
                        ce = corner_error(first["page_corners"], truth.page_corners, truth.image_size)
                        if ce is None:
                            corners_missing[truth.condition] += 1
                        else:
                            corner_errors[truth.condition].append(ce)
        for t in tallies:
            t.add_outcomes(outcomes)
        item_record: dict[str, Any] = {
            "image": item.image.name, "condition": truth.condition, "doc_type": truth.doc_type.value,
            "predicted_doc_type": result.get("doc_type"), "error": result.get("error"),
            "wrong": [{"path": o.path, "expected": o.expected, "predicted": o.predicted, "status": o.status,
                       "confidence": round(o.confidence, 3)} for o in outcomes if not o.correct],
        }
        if result.get("pages"):
            first = result["pages"][0]
            item_record.update(rotation=[first["rotation_deg"], truth.rotation_deg],
                               skew=[first["skew_deg"], truth.skew_deg])
        items_out.append(item_record)
        for o in outcomes:
            by_field[o.key].add_outcomes([o])
            if not o.spurious and not o.unreadable_in_truth:
                confidences.append(o.confidence)
                correctness.append(o.correct)
    n_ok = max(1, sum(1 for r in results if "error" not in r))
    confidence = {
        "ece": expected_calibration_error(confidences, correctness),
        "review_threshold": review_threshold,
        "wrong_flagged": overall.summary()["wrong_flagged"],
        "correct_flagged": overall.summary()["correct_flagged"],
        "accuracy_at_coverage": accuracy_coverage(confidences, correctness),
    }
    geometry: dict[str, Any] = {}
    if variant.preprocess:
        geometry = {
            "orientation_accuracy": float(np.mean(rotation_hits)) if rotation_hits else None,
            "skew_error_median": float(np.median(skew_errors)) if skew_errors else None,
            "skew_error_p95": float(np.percentile(skew_errors, 95)) if skew_errors else None,
            "skew_unknown": skew_unknown,
            "corners_within_1pct": {c: float(np.mean(np.asarray(v) <= 0.01)) for c, v in corner_errors.items()},
            "corners_missing": dict(corners_missing),
        }
    return VariantReport(
        variant=variant,
        overall=overall.summary(),
        by_condition={k: v.summary() for k, v in sorted(by_condition.items())},
        by_doc_type={k: v.summary() for k, v in sorted(by_doc_type.items())},
        by_field={k: v.summary() for k, v in sorted(by_field.items())},
        confidence=confidence,
        geometry=geometry,
        timings={k: v / n_ok for k, v in sorted(stage_totals.items())},
        wall_seconds=wall,
        jobs=jobs,
        load_seconds=float(np.mean([r["load_seconds"] for r in results])) if results else 0.0,
        peak_rss_mb=max((r["rss_mb"] for r in results), default=0.0),
        failures=failures,
        by_condition_doc_type={k: v.summary() for k, v in sorted(by_cell.items())},
        items=items_out,
    )


def report_to_json(reports: list[VariantReport], speed: dict[str, Any], meta: dict[str, Any]) -> str:
    variants = [{k: v for k, v in asdict(r).items() if k != "items"} for r in reports]
    return json.dumps({"meta": meta, "speed": speed, "variants": variants}, ensure_ascii=False, indent=1,
                      default=str)


def items_to_jsonl(report: VariantReport) -> str:
    """One line per image: what the variant got wrong on it (synthetic data only: no personal data)."""
    return "".join(json.dumps(item, ensure_ascii=False, default=str) + "\n" for item in report.items)
