"""Markdown for BENCHMARKS.md from benchmark reports."""

from __future__ import annotations

from typing import Any

from digitize.bench.runner import VariantReport


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def _num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}x"


def render_markdown(reports: list[VariantReport], speed: dict[str, Any], meta: dict[str, Any]) -> str:
    main = reports[0]
    by_name = {r.variant.name: r for r in reports}
    lines: list[str] = []
    add = lines.append
    add(f"## Benchmark: set `{meta['set']}` ({meta['images']} images, generator {meta['generator_version']})")
    add("")
    add(f"- Date: {meta['date']}; machine: {meta['machine']}")
    add(f"- Command: `{meta['command']}`")
    add(f"- Review threshold: {main.confidence['review_threshold']}")
    add("")
    add("### Variants")
    add("")
    add("| variant | what | field exact | free-text CER | wrong flagged | correct flagged | doc type | line recall "
        "| line CER | s/image | errors |")
    add("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in reports:
        o = r.overall
        add(f"| {r.variant.name} | {r.variant.description} | {_pct(o['field_exact'])} "
            f"| {_pct(o.get('text_field_cer'))} | {_pct(o['wrong_flagged'])} "
            f"| {_pct(o['correct_flagged'])} | {_pct(o['doc_type_accuracy'])} | {_pct(o['line_recall'])} "
            f"| {_pct(o['line_cer'])} | {_num(o['seconds_per_image'])} | {o['errors']} |")
    add("")
    add("### Per condition (digitize), with baselines as ratios")
    add("")
    baseline_names = [r.variant.name for r in reports[1:]]
    header = ("| condition | images | fields right | free-text CER | wrong caught by review | correct flagged "
              "| line CER | s/image")
    header += "".join(f" | field exact vs {n}" for n in baseline_names) + " |"
    add(header)
    add("|" + "---|" * (8 + len(baseline_names)))
    for condition, s in main.by_condition.items():
        row = (f"| {condition} | {s['images']} | {_pct(s['field_exact'])} | {_pct(s.get('text_field_cer'))} "
               f"| {_pct(s['wrong_flagged'])} "
               f"| {_pct(s['correct_flagged'])} | {_pct(s['line_cer'])} | {_num(s['seconds_per_image'])}")
        for name in baseline_names:
            other = by_name[name].by_condition.get(condition, {})
            row += f" | {_ratio(s['field_exact'], other.get('field_exact'))}"
        add(row + " |")
    add("")
    add("Line CER per condition, every variant (lower is better):")
    add("")
    add("| condition | " + " | ".join(r.variant.name for r in reports) + " |")
    add("|---|" + "---|" * len(reports))
    for condition in main.by_condition:
        add(f"| {condition} | " + " | ".join(_pct(r.by_condition.get(condition, {}).get("line_cer"))
                                               for r in reports) + " |")
    add("")
    add("### Per document type (digitize)")
    add("")
    add("| document type | images | doc type right | fields right | wrong flagged | correct flagged |")
    add("|---|---|---|---|---|---|")
    for doc_type, s in main.by_doc_type.items():
        add(f"| {doc_type} | {s['images']} | {_pct(s['doc_type_accuracy'])} | {_pct(s['field_exact'])} "
            f"| {_pct(s['wrong_flagged'])} | {_pct(s['correct_flagged'])} |")
    add("")
    _condition_by_doc_type(main, add)
    add("### Per field (digitize)")
    add("")
    add("| field | expected | right | CER (free text) | wrong flagged | correct flagged | spurious |")
    add("|---|---|---|---|---|---|---|")
    for key, s in main.by_field.items():
        text_cer = _pct(s["text_field_cer"]) if s.get("text_field_cer") is not None else ""
        add(f"| `{key}` | {s['fields']} | {_pct(s['field_exact'])} | {text_cer} | {_pct(s['wrong_flagged'])} "
            f"| {_pct(s['correct_flagged'])} | {s['spurious_fields']} |")
    add("")
    add("### Confidence (digitize)")
    add("")
    c = main.confidence
    add(f"- Expected calibration error (10 bins): {_num(c['ece'], 3)}")
    add(f"- Wrong fields flagged for review: {_pct(c['wrong_flagged'])}; correct fields flagged: "
        f"{_pct(c['correct_flagged'])}")
    if c["accuracy_at_coverage"]:
        add("- Accuracy of the most confident fields: " + ", ".join(
            f"{float(k) * 100:.0f} % coverage -> {_pct(v)}" for k, v in c["accuracy_at_coverage"].items()))
    add("")
    if main.geometry:
        g = main.geometry
        add("### Image pipeline (digitize)")
        add("")
        add(f"- Orientation correct: {_pct(g['orientation_accuracy'])}")
        add(f"- Skew error: median {_num(g['skew_error_median'], 3)} deg, 95th percentile "
            f"{_num(g['skew_error_p95'], 3)} deg; could not tell on {g['skew_unknown']} images")
        for condition, share in g["corners_within_1pct"].items():
            add(f"- Page corners within 1 % of the diagonal ({condition}): {_pct(share)}")
        if meta.get("deskew_comparison"):
            add("")
            add("Skew estimation on the flat captures (scans without perspective; absolute error, degrees):")
            add("")
            add("| method | images | median | 95th percentile | could not tell |")
            add("|---|---|---|---|---|")
            for name, s in meta["deskew_comparison"].items():
                add(f"| {name} | {s.get('images', '')} | {_num(s.get('median'), 3)} | {_num(s.get('p95'), 3)} "
                    f"| {s.get('unknown', 0)} |")
        add("")
    add("### Speed")
    add("")
    for jobs, s in sorted(speed.get("throughput", {}).items()):
        add(f"- {jobs} worker(s): {_num(s['images_per_second'], 3)} images/s ({s['images']} images, "
            f"{_num(s['wall_seconds'], 1)} s wall)")
    add(f"- Model load time per worker: {_num(main.load_seconds)} s; peak memory per worker: "
        f"{main.peak_rss_mb:.0f} MiB")
    add("- Mean seconds per image by stage: " + ", ".join(f"{k} {v:.3f}" for k, v in main.timings.items()))
    _ocr_split(reports, add)
    if any(r.failures for r in reports):
        add("")
        add("### Failures")
        for r in reports:
            for f in r.failures[:10]:
                add(f"- {r.variant.name}: {f}")
    add("")
    return "\n".join(lines)


def _condition_by_doc_type(main: VariantReport, add: Any) -> None:
    """Field exact per document type (rows) and condition (columns), images in brackets."""
    cells = main.by_condition_doc_type
    if not cells:
        return
    conditions = sorted({k.split("|", 1)[0] for k in cells})
    doc_types = sorted({k.split("|", 1)[1] for k in cells})
    add("### Fields right per document type and condition (digitize)")
    add("")
    add("| document type | " + " | ".join(conditions) + " |")
    add("|---|" + "---|" * len(conditions))
    for doc_type in doc_types:
        row = []
        for condition in conditions:
            s = cells.get(f"{condition}|{doc_type}")
            row.append(f"{_pct(s['field_exact'])} ({s['images']})" if s else "")
        add(f"| {doc_type} | " + " | ".join(row) + " |")
    add("")


OCR_STAGES = (("detect", "ocr.detect"), ("recognise", "ocr.recognise"), ("arbitrate", "ocr.arbitrate"),
              ("second reader (fields)", "ocr.second_reader"))


def ocr_seconds(timings: dict[str, float]) -> float | None:
    """OCR seconds per image: the page reading (turned tries included) and the fields' second reading."""
    if "ocr" not in timings:
        return None
    return timings["ocr"] + timings.get("ocr.second_reader", 0.0)


def _ocr_split(reports: list[VariantReport], add: Any) -> None:
    """Per variant: OCR seconds per image, split into detection, recognition and second readings."""
    rows = [r for r in reports if "ocr" in r.timings]
    if not rows:
        return
    add("")
    add("OCR seconds per image (mean over images read; detection and recognition one thread per worker):")
    add("")
    add("| variant | OCR total | " + " | ".join(name for name, _ in OCR_STAGES) + " |")
    add("|---|---|" + "---|" * len(OCR_STAGES))
    for r in rows:
        cells = [_num(r.timings.get(key), 3) if key in r.timings else "n/a" for _, key in OCR_STAGES]
        add(f"| {r.variant.name} | {_num(ocr_seconds(r.timings), 3)} | " + " | ".join(cells) + " |")
