"""The ``digitize`` command line.

Exit codes (:class:`digitize.errors.ExitCode`): 0 all files done; 2 bad arguments;
3 at least one input could not be read (the others were still processed);
4 a system package or model is missing; 15 an internal error.
"""

from __future__ import annotations

import csv
import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from digitize import __version__
from digitize.config import Settings
from digitize.errors import DigitizeError, ExitCode, InputError, MissingDependency

log = logging.getLogger("digitize")


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    config_file = ctx.find_root().params.get("config")
    try:
        return Settings.load(config_file, **overrides)
    except (OSError, ValueError) as exc:
        raise click.BadParameter(str(exc), param_hint="--config / DIGITIZE_*") from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digitize")
@click.option("--config", type=click.Path(dir_okay=False), default=None, help="TOML settings file.")
@click.option("-v", "--verbose", count=True, help="More log output (never personal data).")
def main(config: str | None, verbose: int) -> None:
    """Vietnamese land certificates and ID cards to Form 01 records, offline."""
    logging.basicConfig(
        level=logging.WARNING - 10 * min(verbose, 2), format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


def _error(message: str) -> None:
    click.echo(f"digitize: error: {message}", err=True)


def _write_csv_fields(docs: list[dict[str, Any]], stream: Any) -> None:
    writer = csv.writer(stream)
    writer.writerow(["source", "loai_tai_lieu", "path", "value", "raw", "confidence", "status", "page", "box"])
    for doc in docs:
        for f in doc["fields"]:
            value = f["value"]
            writer.writerow([
                doc["source"], doc["loai_tai_lieu"], f["path"],
                "" if value is None else (json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict)
                                          else value),
                f["raw"] or "", f"{f['confidence']:.3f}", f["status"],
                "" if f["page"] is None else f["page"] + 1,
                "" if f["box"] is None else " ".join(f"{v:.0f}" for v in f["box"]),
            ])


def expand_inputs(paths: tuple[Path, ...]) -> list[Path]:
    """Files as given; a folder stands for the supported files in it (sorted, not recursive)."""
    from digitize.io.loader import SUPPORTED_EXTENSIONS

    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS))
        else:
            out.append(path)
    return out


def _write_results(docs: list[Any], fmt: str, output: Path | None, out_dir: Path | None,
                   include_lines: bool) -> None:
    from digitize.export import form01

    if fmt in ("csv", "fields-csv"):
        target = (out_dir / ("form01.csv" if fmt == "csv" else "fields.csv")) if out_dir is not None else output
        writer = form01.write_csv if fmt == "csv" else _write_csv_fields
        payload = docs if fmt == "csv" else [d.to_output() for d in docs]
        if target is None:
            writer(payload, sys.stdout)  # type: ignore[operator]
        else:
            with open(target, "w", encoding="utf-8-sig", newline="") as fh:
                writer(payload, fh)  # type: ignore[operator]
        return
    if fmt == "xlsx":
        target = (out_dir / "form01.xlsx") if out_dir is not None else output
        if target is None:
            raise click.UsageError("--format xlsx needs -o FILE.xlsx or -o FOLDER/")
        form01.write_xlsx(docs, target)
        return
    results = [d.to_output(include_lines=include_lines) for d in docs]
    if out_dir is not None:
        for doc, result in zip(docs, results, strict=True):
            (out_dir / f"{Path(doc.source).stem}.json").write_text(
                json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    elif output is not None:
        if results:
            output.write_text(json.dumps(results[0] if len(results) == 1 else results, ensure_ascii=False,
                                         indent=2), encoding="utf-8")
    else:
        for result in results:
            click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Output file, or a folder (ends with / or exists) for one <name>.json per input. "
                   "Default: standard output.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx", "fields-csv"]), default="json",
              show_default=True, help="json: full result; csv/xlsx: Form 01 rows (PL3 columns); "
                                      "fields-csv: one row per field.")
@click.option("--dossier", is_flag=True,
              help="All inputs (files or a folder) are one certificate with its owners' ID cards: one record.")
@click.option("--backend", default=None, help="OCR backend name (digitize backends lists them). Default: default.")
@click.option("--dpi", type=click.IntRange(50, 1200), default=None, help="PDF rendering resolution.")
@click.option("--pages", "page_range", default=None, help="PDF/TIFF pages, 1-based: '2' or '1-3'.")
@click.option("--threads", type=click.IntRange(1, 64), default=None, help="Threads per OCR model.")
@click.option("--no-preprocess", is_flag=True, help="Skip the image pipeline (for comparison).")
@click.option("--include-lines", is_flag=True, help="Include every OCR line in the JSON.")
@click.pass_context
def extract(
    ctx: click.Context, files: tuple[Path, ...], output: Path | None, fmt: str, dossier: bool,
    backend: str | None, dpi: int | None, page_range: str | None, threads: int | None, no_preprocess: bool,
    include_lines: bool,
) -> None:
    """Extract Form 01 fields from photos, scans and PDFs (one result per input, or one per dossier)."""
    from digitize.dossier import find_duplicates, merge_dossier
    from digitize.io.loader import parse_page_range
    from digitize.ocr.base import create_backend
    from digitize.pipeline import process_file

    settings = _settings(ctx, backend=backend, pdf_dpi=dpi, threads=threads,
                         preprocess=False if no_preprocess else None)
    try:
        pages = parse_page_range(page_range)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pages") from exc
    inputs = expand_inputs(files)
    if not inputs:
        raise click.BadParameter("no supported files found", param_hint="FILES")
    out_dir: Path | None = None
    many = len(inputs) > 1 and not dossier
    if output is not None and (output.is_dir() or str(output).endswith("/") or (many and fmt == "json")):
        out_dir = output
        out_dir.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_backend(settings.backend, settings)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--backend") from exc
    except MissingDependency as exc:
        _error(str(exc))
        ctx.exit(ExitCode.MISSING_DEPENDENCY)
        return

    exit_code = ExitCode.OK
    docs = []
    try:
        for path in inputs:
            try:
                doc = process_file(path, engine, settings, pages)
            except InputError as exc:
                _error(str(exc))
                exit_code = max(exit_code, ExitCode.BAD_INPUT)
                continue
            except MissingDependency as exc:
                _error(f"{path}: {exc}")
                exit_code = max(exit_code, ExitCode.MISSING_DEPENDENCY)
                continue
            except DigitizeError as exc:
                _error(f"{path}: {exc}")
                exit_code = max(exit_code, ExitCode.INTERNAL_ERROR)
                continue
            except Exception as exc:
                log.exception("internal error on one input")
                _error(f"{path}: internal error ({type(exc).__name__})")
                exit_code = max(exit_code, ExitCode.INTERNAL_ERROR)
                continue
            found = sum(1 for f in doc.fields if f.status.value != "not_found")
            log.info("%s: %s, %d/%d fields found", path.name, doc.loai_tai_lieu.value, found, len(doc.fields))
            docs.append(doc)
    finally:
        engine.close()

    if dossier and docs:
        source = str(files[0]) if len(files) == 1 else ", ".join(str(f) for f in files)
        docs = [merge_dossier(docs, source, settings.review_threshold)]
    else:
        for index, notes in find_duplicates(docs).items():
            docs[index] = docs[index].model_copy(update={"warnings": [*docs[index].warnings, *notes]})
    _write_results(docs, fmt, output, out_dir, include_lines)
    ctx.exit(exit_code)


@main.command()
def schema() -> None:
    """Print the JSON Schema of a result (record + fields + pages)."""
    from digitize.schema import result_schema

    click.echo(json.dumps(result_schema(), ensure_ascii=False, indent=2))


@main.command()
@click.pass_context
def backends(ctx: click.Context) -> None:
    """List the OCR backends and whether each can run here."""
    from digitize.ocr.base import available_backends

    for name, problem in available_backends(_settings(ctx)).items():
        click.echo(f"{name:10s} {'ok' if problem is None else 'unavailable: ' + problem}")


@main.group()
def models() -> None:
    """Model files: list and verify (nothing is ever downloaded)."""


@models.command("list")
def models_list() -> None:
    """List every model file in the manifest and where it is on this machine."""
    from digitize.ocr.models import load_manifest

    for entry in load_manifest():
        path = entry.path()
        click.echo(f"{entry.id:28s} {entry.package:22s} {entry.license:11s} {path or 'NOT INSTALLED'}")


@models.command("verify")
@click.option("--all", "check_all", is_flag=True, help="Also fail on missing optional models.")
@click.pass_context
def models_verify(ctx: click.Context, check_all: bool) -> None:
    """Check every model file is present and matches its recorded sha256."""
    from digitize.ocr.models import verify_models

    failed = False
    for result in verify_models():
        entry = result.entry
        note = "" if result.path is None else str(result.path)
        if result.status == "ok":
            click.echo(f"ok        {entry.id:28s} {note}")
        elif result.status == "missing":
            fatal = check_all or not entry.optional
            failed |= fatal
            click.echo(f"{'MISSING' if fatal else 'absent':9s} {entry.id:28s} (package {entry.package}"
                       f"{', optional' if entry.optional else ''})")
        else:
            failed = True
            click.echo(f"MISMATCH  {entry.id:28s} {note} sha256 {result.actual_sha256}")
    ctx.exit(ExitCode.MISSING_DEPENDENCY if failed else ExitCode.OK)


def _register_commands() -> None:
    """Commands whose code lives with their stage; their modules import heavy parts lazily."""
    from digitize.bench.calibrate import calibrate_command
    from digitize.bench.cli import bench_command
    from digitize.preprocess.cli import preprocess_command
    from digitize.web.cli import serve_command, users_command

    main.add_command(preprocess_command)
    main.add_command(serve_command)
    main.add_command(users_command)
    main.add_command(bench_command)
    main.add_command(calibrate_command)


_register_commands()


if __name__ == "__main__":
    main()
