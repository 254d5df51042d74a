"""``digitize preprocess FILE -o OUT.png [--report report.json] [--debug DIR]``.

The command object is registered in the main CLI group by ``digitize/cli.py``.  A file
that cannot be read gives a one-line error and the input exit code; bad pixels never
crash (they give a result with warnings).  Two facing pages in one photo are written as
``OUT-1.png`` and ``OUT-2.png``; several pages of a PDF/TIFF as ``OUT-p<N>.png``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import cv2

from digitize.errors import DigitizeError, ExitCode


def _out_name(out: Path, index: int, count: int) -> Path:
    return out if count == 1 else out.with_name(f"{out.stem}-{index + 1}{out.suffix or '.png'}")


@click.command("preprocess")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Processed page image for OCR (PNG).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write corners, rotation, skew, transforms, quality and warnings as JSON.")
@click.option("--debug", "debug_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write every intermediate image to this folder.")
@click.option("--color", "color_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the reviewer's colour copy.")
def preprocess_command(file: Path, output: Path, report_path: Path | None, debug_dir: Path | None,
                       color_path: Path | None) -> None:
    """Find, rectify, orient, deskew and clean a photo or scan of a certificate or ID card."""
    from digitize.io.loader import load_pages
    from digitize.preprocess.pipeline import preprocess, report

    try:
        pages = load_pages(file)
    except DigitizeError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(int(exc.exit_code))
    except OSError as exc:
        click.echo(f"error: {file}: {exc}", err=True)
        sys.exit(int(ExitCode.BAD_INPUT))
    results = []
    for page_index, page in enumerate(pages):
        dbg = None
        if debug_dir is not None:
            dbg = debug_dir if len(pages) == 1 else debug_dir / f"p{page_index + 1}"
        for piece in preprocess(page, debug_dir=dbg):
            results.append((page_index, piece))
    out_dir = output.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    reports = []
    for i, (page_index, piece) in enumerate(results):
        target = _out_name(output, i, len(results))
        if piece.image is None or not cv2.imwrite(str(target), piece.image):
            click.echo(f"error: cannot write {target}", err=True)
            sys.exit(int(ExitCode.BAD_ARGS))
        if color_path is not None and piece.color_image is not None:
            cv2.imwrite(str(_out_name(color_path, i, len(results))), piece.color_image)
        entry = {"file": str(file), "page_index": page_index, "output": str(target), **report(piece)}
        reports.append(entry)
        for warning in piece.warnings:
            click.echo(f"warning: {warning}", err=True)
    if report_path is not None:
        report_path.parent.mkdir(parents=True, exist_ok=True)
        data = reports[0] if len(reports) == 1 else {"pages": reports}
        report_path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
