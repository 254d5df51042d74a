"""``digitize export``: Form 01 workbook/CSV, JSON Lines or searchable PDFs from stored results.

Reads a batch output folder (``--out DIR``: every ``DIR/**/*.json`` result plus
``DIR/failures.jsonl``) or the SQL store (``--db URL``).  See docs/exports.md.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from digitize.errors import ExitCode
from digitize.export.items import STATUS_CHOICES, ExportItem, filter_items, load_output_folder

FORMATS = ("xlsx", "csv", "jsonl", "pdf")


def _load(out_dir: Path | None, db: str | None, statuses: tuple[str, ...]) -> list[ExportItem]:
    if (out_dir is None) == (db is None):
        raise click.UsageError("give exactly one of --out DIR and --db URL")
    if db is not None:
        from digitize.export.from_store import load_store

        return load_store(db, statuses)
    assert out_dir is not None
    if not out_dir.is_dir():
        raise click.BadParameter(f"{out_dir} is not a folder", param_hint="--out")
    return filter_items(load_output_folder(out_dir), statuses)


@click.command("export")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Batch output folder: its **/*.json results and failures.jsonl.")
@click.option("--db", default=None, help="Store URL (postgresql+psycopg://...) or SQLite file, instead of --out.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="xlsx", show_default=True,
              help="xlsx/csv: Form 01 rows; jsonl: full results; pdf: searchable PDFs, one per document.")
@click.option("--status", "statuses", type=click.Choice(STATUS_CHOICES), multiple=True,
              help="Only documents with a field of this status (repeatable); 'failed': failed inputs.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Output file (xlsx, csv, jsonl; '-' or none: standard output for csv/jsonl) or folder (pdf).")
@click.option("--images", "image_root", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="pdf: folder the inputs' paths are relative to (default: as recorded).")
@click.option("--include-lines", is_flag=True, help="jsonl: include every OCR line.")
@click.pass_context
def export_command(ctx: click.Context, out_dir: Path | None, db: str | None, fmt: str, statuses: tuple[str, ...],
                   output: Path | None, image_root: Path | None, include_lines: bool) -> None:
    """Export results: Form 01 spreadsheet (xlsx/csv), JSON Lines, or searchable PDFs."""
    begin = time.perf_counter()
    items = _load(out_dir, db, statuses)
    exit_code = ExitCode.OK
    to_stdout = output is None or str(output) == "-"
    if fmt == "xlsx":
        if to_stdout:
            raise click.UsageError("--format xlsx needs -o FILE.xlsx")
        from digitize.export.xlsx import write_form01_xlsx

        assert output is not None
        count = write_form01_xlsx(items, output)
        what = f"{count} Form 01 rows"
    elif fmt in ("csv", "jsonl"):
        from digitize.export.jsonl import write_jsonl
        from digitize.export.tabular import write_form01_csv

        def write(stream: object) -> int:
            if fmt == "csv":
                return write_form01_csv(items, stream)  # type: ignore[arg-type]
            return write_jsonl(items, stream, include_lines=include_lines)  # type: ignore[arg-type]

        if to_stdout:
            count = write(sys.stdout)
        else:
            assert output is not None
            with open(output, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as fh:
                count = write(fh)
        what = f"{count} {'Form 01 rows' if fmt == 'csv' else 'lines'}"
    else:
        if output is None:
            raise click.UsageError("--format pdf needs -o FOLDER")
        try:
            from digitize.export.pdf import write_searchable_pdfs
        except ImportError:
            click.echo("digitize: error: searchable PDFs need pikepdf (pip install 'digitize[pdf]')", err=True)
            ctx.exit(ExitCode.MISSING_DEPENDENCY)
            return
        try:
            report = write_searchable_pdfs(items, output, image_root)
        except FileNotFoundError as exc:  # no font for the text layer
            click.echo(f"digitize: error: {exc}", err=True)
            ctx.exit(ExitCode.MISSING_DEPENDENCY)
            return
        for problem in report.problems:
            click.echo(f"digitize: error: {problem}", err=True)
        if report.problems:
            exit_code = ExitCode.BAD_INPUT
        what = f"{len(report.written)} PDF files, {report.pages} pages"
    failures = sum(1 for i in items if i.failure is not None)
    click.echo(f"exported {len(items) - failures} documents and {failures} failed inputs: {what} "
               f"in {time.perf_counter() - begin:.1f} s", err=True)
    ctx.exit(exit_code)
