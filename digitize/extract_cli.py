"""``digitize extract``: one Engine call per input, each result written the moment it is done.

Arguments and outputs are checked before any OCR (a bad ``-o``, an xlsx without ``-o``, a
result that would overwrite an existing file without ``--force``: exit 2).  Each input is
then one :meth:`Engine.process` call; its JSON is written at once, so an interrupted run
keeps what it finished (Ctrl-C exits 130 after writing it).  A summary goes to standard
error at the end, and one progress line per input when standard error is a terminal or
with ``-v``.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import click

from digitize.config import Settings
from digitize.engine import Engine, Failure
from digitize.errors import ExitCode, MissingDependency
from digitize.extract_output import (
    STDIN_NAME,
    InputItem,
    OutputPlan,
    ResultWriter,
    discover_inputs,
    input_items,
    plan_output,
)
from digitize.model import Document, FieldStatus

log = logging.getLogger("digitize")

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C
REVIEW_STATUSES = frozenset({FieldStatus.NEEDS_REVIEW, FieldStatus.CONFLICT, FieldStatus.UNREADABLE,
                             FieldStatus.NOT_FOUND})  # the Form 01 "fields to check" column
DOSSIER_DEFAULT_NAME = "dossier"
STDIN_CHUNK = 1 << 20


def _error(message: str) -> None:
    click.echo(f"digitize: error: {message}", err=True)


def settings_from_context(ctx: click.Context, **overrides: Any) -> Settings:
    """Settings from the group's ``--config``, the environment and a command's flags (bad ones: exit 2)."""
    config_file = ctx.find_root().params.get("config")
    try:
        return Settings.load(config_file, **overrides)
    except (OSError, ValueError) as exc:
        raise click.BadParameter(str(exc), param_hint="--config / DIGITIZE_*") from exc


def needs_review(document: Document) -> bool:
    """Whether a reviewer has to open this result (a field flagged, in conflict, unreadable or missing)."""
    return any(f.status in REVIEW_STATUSES for f in document.fields)


@dataclass
class RunStats:
    """Counts for the end-of-run summary."""

    total: int
    done: int = 0
    review: int = 0
    failed: int = 0
    exit_code: int = int(ExitCode.OK)

    def summary(self, seconds: float, interrupted: bool) -> str:
        """One line: done / need review / failed, and the time taken."""
        text = (f"digitize: {self.done} done ({self.review} need review), {self.failed} failed, "
                f"of {self.total} input{'s' if self.total != 1 else ''} in {seconds:.1f} s")
        if interrupted:
            left = self.total - self.done - self.failed
            text += f"; interrupted, {left} not processed"
        return text


def _spool_stdin() -> Path:
    """Standard input copied to a temporary file (the loader checks its content, not its name)."""
    fd, name = tempfile.mkstemp(prefix="digitize-stdin-")
    stream = sys.stdin.buffer
    with open(fd, "wb") as handle:
        for chunk in iter(lambda: stream.read(STDIN_CHUNK), b""):
            handle.write(chunk)
    return Path(name)


def _from_stdin(result: Document | Failure, spooled: Path) -> Document | Failure:
    """Show standard input as ``-``, never the temporary file's name."""
    if isinstance(result, Failure):
        return result.model_copy(update={"message": result.message.replace(str(spooled), STDIN_NAME)})
    pages = [p.model_copy(update={"source": p.source.model_copy(update={"path": STDIN_NAME})})
             for p in result.pages]
    return result.model_copy(update={"source": STDIN_NAME, "pages": pages})


def _progress(index: int, total: int, name: str, result: Document | Failure, seconds: float) -> None:
    """One line per input on standard error: its type and fields to review, or why it failed."""
    if isinstance(result, Failure):
        text = f"failed ({result.code})"
    else:
        flagged = sum(1 for f in result.fields if f.status in REVIEW_STATUSES)
        text = f"{result.loai_tai_lieu.value}, {flagged} field{'s' if flagged != 1 else ''} to review"
    click.echo(f"[{index}/{total}] {name}: {text} ({seconds:.1f} s)", err=True)


def _run(engine: Engine, items: list[InputItem], pages: list[int] | None, writer: ResultWriter | None,
         stats: RunStats, show_progress: bool, keep: list[Document] | None) -> bool:
    """Process every input in order; returns True when interrupted (Ctrl-C)."""
    spooled: Path | None = None
    try:
        for index, item in enumerate(items, 1):
            path = item.path
            if item.name == STDIN_NAME:
                spooled = path = _spool_stdin()
            started = time.perf_counter()
            result = engine.process(path, pages, display_name=item.name)
            if spooled is not None and item.name == STDIN_NAME:
                result = _from_stdin(result, spooled)
            if isinstance(result, Failure):
                _error(result.message)
                if writer is not None:
                    writer.add_failure(result)
                stats.failed += 1
                stats.exit_code = max(stats.exit_code, result.exit_code)
            else:
                try:
                    if writer is not None:
                        writer.add(item.name, result)
                except OSError as exc:
                    _error(f"{item.name}: the result cannot be written ({exc.strerror or type(exc).__name__})")
                    stats.failed += 1
                    stats.exit_code = max(stats.exit_code, int(ExitCode.INTERNAL_ERROR))
                    continue
                if keep is not None:
                    keep.append(result)
                stats.done += 1
                stats.review += needs_review(result)
                log.info("%s: %s, %d fields", item.name, result.loai_tai_lieu.value, len(result.fields))
            if show_progress:
                _progress(index, len(items), item.name, result, time.perf_counter() - started)
    except KeyboardInterrupt:
        return True
    finally:
        if spooled is not None:
            spooled.unlink(missing_ok=True)
    return False


@click.command("extract")
@click.argument("files", nargs=-1, required=True)
@click.option("-o", "--output", default=None,
              help="Output file; or a folder (ends with /, or exists; always with several JSON results): "
                   "one <relative path>.json per input, or form01.csv/fields.csv/form01.xlsx. "
                   "Default (or -): standard output (several results: JSON Lines).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx", "fields-csv"]), default="json",
              show_default=True, help="json: full result; csv/xlsx: Form 01 rows (PL3 columns); "
                                      "fields-csv: one row per field.")
@click.option("--force", is_flag=True, help="Replace result files that exist already.")
@click.option("--dossier", is_flag=True,
              help="All inputs (files or a folder) are one certificate with its owners' ID cards: one record.")
@click.option("--backend", default=None, help="OCR backend name (digitize backends lists them). Default: default.")
@click.option("--dpi", type=click.IntRange(50, 1200), default=None, help="PDF rendering resolution.")
@click.option("--pages", "page_range", default=None, help="PDF/TIFF pages, 1-based: '2', '1-3' or '1,3-5'.")
@click.option("--threads", type=click.IntRange(1, 64), default=None, help="Threads per OCR model.")
@click.option("--no-preprocess", is_flag=True, help="Skip the image pipeline (for comparison).")
@click.option("--include-lines", is_flag=True, help="Include every OCR line in the JSON.")
@click.pass_context
def extract_command(
    ctx: click.Context, files: tuple[str, ...], output: str | None, fmt: str, force: bool, dossier: bool,
    backend: str | None, dpi: int | None, page_range: str | None, threads: int | None, no_preprocess: bool,
    include_lines: bool,
) -> None:
    """Extract Form 01 fields from photos, scans and PDFs (one result per input, or one per dossier).

    FILES are images, PDFs, folders (searched recursively, hidden entries skipped) or '-'
    for one file on standard input.
    """
    from digitize.dossier import find_duplicates
    from digitize.io.loader import parse_page_range

    begin = time.perf_counter()
    settings = settings_from_context(ctx, backend=backend, pdf_dpi=dpi, threads=threads,
                         preprocess=False if no_preprocess else None)
    try:
        pages = parse_page_range(page_range)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pages") from exc
    items = input_items(discover_inputs(files), files)
    if not items:
        raise click.BadParameter("no supported files found", param_hint="FILES")
    dossier_name = None
    if dossier:
        first = files[0]
        dossier_name = DOSSIER_DEFAULT_NAME if first == STDIN_NAME else (PurePath(first).stem or DOSSIER_DEFAULT_NAME)
    plan: OutputPlan = plan_output(output, fmt, items, dossier_name, force)
    engine = Engine(settings)
    try:
        engine.start()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--backend") from exc
    except MissingDependency as exc:
        _error(str(exc))
        ctx.exit(ExitCode.MISSING_DEPENDENCY)
        return
    except KeyboardInterrupt:
        click.echo("digitize: interrupted while the OCR models were loading: nothing processed", err=True)
        ctx.exit(EXIT_INTERRUPTED)
        return

    verbose = int(ctx.find_root().params.get("verbose") or 0)
    show_progress = verbose > 0 or sys.stderr.isatty()
    stats = RunStats(total=len(items))
    writer = ResultWriter(plan, include_lines, single=len(items) == 1 or dossier)
    kept: list[Document] | None = [] if dossier else None
    try:
        interrupted = _run(engine, items, pages, None if dossier else writer, stats, show_progress, kept)
    finally:
        engine.close()

    if dossier and kept and not interrupted:
        source = files[0] if len(files) == 1 else ", ".join(files)
        writer.add(dossier_name or DOSSIER_DEFAULT_NAME, engine.dossier(kept, source))
    for note in writer.finish({} if dossier else find_duplicates([d for _, d in writer.kept])):
        click.echo(f"digitize: {note}", err=True)
    click.echo(stats.summary(time.perf_counter() - begin, interrupted), err=True)
    if interrupted and dossier:
        click.echo("digitize: interrupted before the dossier was merged: nothing written", err=True)
    ctx.exit(EXIT_INTERRUPTED if interrupted else stats.exit_code)
