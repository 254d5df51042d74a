"""``digitize bench``: accuracy, confidence quality and speed on a generated set."""

from __future__ import annotations

import os
import platform
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import click

from digitize.config import Settings


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB, Python {platform.python_version()}"


@click.command("bench")
@click.option("--set", "set_name", default="default", show_default=True, help="Generated set: default, quick, ...")
@click.option("--quick", is_flag=True, help="The ~40-image smoke set (same as --set quick).")
@click.option("--set-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Use images with .gt.json sidecars from this folder instead of generating a set.")
@click.option("--backend", "backends", multiple=True, help="Extra backends to compare (default: all installed).")
@click.option("--jobs", type=click.IntRange(1, 64), default=2, show_default=True, help="Worker processes.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N images (for a look).")
@click.option("--no-baselines", is_flag=True, help="Only the main variant.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("bench-data"),
              show_default=True, help="Where generated sets are cached.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("bench-out"),
              show_default=True, help="Where results.json and report.md go.")
@click.option("--write-benchmarks", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the report into this Markdown file (e.g. BENCHMARKS.md).")
@click.option("--fail-on-errors", is_flag=True,
              help="Exit with status 1 when any image made the engine fail (the CI smoke test).")
@click.option("--lines", "lines_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Instead: the line recognisers on a folder of line crops with lines.tsv (file, text, "
                   "condition, kind ...).")
@click.option("--readers", default="tesseract,asterocr,trained", show_default=True,
              help="With --lines: the recognisers to compare.")
def bench_command(set_name: str, quick: bool, set_dir: Path | None, backends: tuple[str, ...], jobs: int,
                  limit: int | None, no_baselines: bool, data_dir: Path, out: Path,
                  write_benchmarks: Path | None, fail_on_errors: bool, lines_dir: Path | None,
                  readers: str) -> None:
    """Measure field accuracy, confidence quality, image-pipeline geometry and speed against baselines."""
    if lines_dir is not None:
        bench_lines(lines_dir, [r.strip() for r in readers.split(",") if r.strip()], limit, out, write_benchmarks)
        return
    from digitize.bench.report import render_markdown
    from digitize.bench.runner import (
        MAIN_VARIANT,
        find_items,
        items_to_jsonl,
        report_to_json,
        run_variant,
        score_variant,
        variants_for,
    )

    if quick:
        set_name = "quick"
    settings = Settings.load()
    if set_dir is None:
        from digitize.bench.runner import ensure_set

        click.echo(f"bench: preparing set '{set_name}' in {data_dir} ...", err=True)
        set_dir = ensure_set(set_name, data_dir, jobs=jobs)
    items = find_items(set_dir)
    if limit:
        items = items[:limit]
    if not items:
        raise click.ClickException(f"no images with ground truth in {set_dir}")
    variants = variants_for(list(backends) if backends else None, settings, baselines=not no_baselines)
    reports = []
    for variant in variants:
        click.echo(f"bench: {variant.name} on {len(items)} images with {jobs} worker(s)", err=True)

        def progress(done: int, total: int, name: str = variant.name) -> None:
            if done == total or done % 10 == 0:
                click.echo(f"  {name}: {done}/{total}", err=True)

        results, wall = run_variant(variant, [it.image for it in items], settings, jobs, progress)
        reports.append(score_variant(variant, items, results, wall, jobs, settings.review_threshold))
    speed: dict[str, Any] = {"throughput": {}}
    main_report = reports[0]
    # Throughput leaves out the one-off model load of each worker (it is reported on its own).
    busy = max(main_report.wall_seconds - main_report.load_seconds, 1e-6)
    speed["throughput"][jobs] = {"images": len(items), "wall_seconds": busy, "images_per_second": len(items) / busy}
    other_jobs = 1 if jobs != 1 else 2
    subset = [it.image for it in items[: min(len(items), 12)]]
    click.echo(f"bench: throughput with {other_jobs} worker(s) on {len(subset)} images", err=True)
    sub_results, wall = run_variant(MAIN_VARIANT, subset, settings, other_jobs)
    busy = max(wall - max(r["load_seconds"] for r in sub_results), 1e-6)
    speed["throughput"][other_jobs] = {"images": len(subset), "wall_seconds": busy,
                                       "images_per_second": len(subset) / busy}
    meta: dict[str, Any] = {
        "set": set_name if set_dir.parent == data_dir else str(set_dir),
        "images": len(items),
        "generator_version": items[0].truth.generator_version,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": _machine(),
        "command": "digitize " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
    }
    if main_report.variant.preprocess:
        from digitize.bench.deskew_compare import compare_deskew

        click.echo("bench: skew estimation against the deskew / jdeskew packages", err=True)
        skews = [(rec.get("skew") or [None])[0] for rec in main_report.items]
        meta["deskew_comparison"] = compare_deskew([(it.image, it.truth) for it in items], skews)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(report_to_json(reports, speed, meta), encoding="utf-8")
    for report in reports:
        (out / f"items-{report.variant.name}.jsonl").write_text(items_to_jsonl(report), encoding="utf-8")
    markdown = render_markdown(reports, speed, meta)
    (out / "report.md").write_text(markdown, encoding="utf-8")
    if write_benchmarks is not None:
        write_section(write_benchmarks, markdown)
    click.echo(markdown)
    failed = sum(r.overall["errors"] for r in reports)
    if fail_on_errors and failed:
        raise click.ClickException(f"{failed} image(s) made the engine fail (see Failures above)")


def bench_lines(folder: Path, reader_names: list[str], limit: int | None, out: Path,
                write_benchmarks: Path | None) -> None:
    """The line benchmark (:mod:`digitize.bench.lines`): results.json-like lines.json and lines.md."""
    import json

    from digitize.bench.lines import load_line_set, make_readers, render_lines_markdown, run_line_bench

    samples = load_line_set(folder, limit)
    if not samples:
        raise click.ClickException(f"no line images listed in {folder}/lines.tsv")
    readers, missing = make_readers(reader_names, Settings.load().threads)
    click.echo(f"bench: {len(samples)} lines with {', '.join(readers) or 'no reader'}", err=True)
    result = run_line_bench(samples, readers)
    meta = {"folder": str(folder), "lines": len(samples), "date": time.strftime("%Y-%m-%d %H:%M"),
            "machine": _machine(), "command": "digitize " + " ".join(shlex.quote(a) for a in sys.argv[1:])}
    markdown = render_lines_markdown(result, meta, missing)
    out.mkdir(parents=True, exist_ok=True)
    (out / "lines.json").write_text(json.dumps({"meta": meta, "readers": result, "missing": missing},
                                               ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "lines.md").write_text(markdown, encoding="utf-8")
    if write_benchmarks is not None:
        write_section(write_benchmarks, markdown, LINES_BEGIN, LINES_END)
    click.echo(markdown)


BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"
LINES_BEGIN = "<!-- bench-lines:begin -->"
LINES_END = "<!-- bench-lines:end -->"


def write_section(path: Path, markdown: str, begin: str = BEGIN, end: str = END) -> None:
    """Replace the generated section (between ``begin`` and ``end``) of a Markdown file (or append it)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    block = f"{begin}\n{markdown}\n{end}"
    if begin in text and end in text:
        head, _, rest = text.partition(begin)
        _, _, tail = rest.partition(end)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
