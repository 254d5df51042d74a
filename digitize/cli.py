"""The ``digitize`` command line.

Exit codes (:class:`digitize.errors.ExitCode`): 0 all files done; 2 bad arguments;
3 at least one input could not be read (the others were still processed);
4 a system package or model is missing; 15 an internal error.
"""

from __future__ import annotations

import json
import logging
import sys

import click

from digitize import __version__
from digitize.errors import ExitCode
from digitize.extract_cli import extract_command, settings_from_context

log = logging.getLogger("digitize")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digitize")
@click.option("--config", type=click.Path(dir_okay=False), default=None, help="TOML settings file.")
@click.option("-v", "--verbose", count=True, help="More log output (never personal data).")
def main(config: str | None, verbose: int) -> None:
    """Vietnamese land certificates and ID cards to Form 01 records, offline."""
    logging.basicConfig(
        level=logging.WARNING - 10 * min(verbose, 2), format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


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

    for name, problem in available_backends(settings_from_context(ctx)).items():
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
    from digitize.batch.cli import batch_command
    from digitize.bench.calibrate import calibrate_command
    from digitize.bench.cli import bench_command
    from digitize.export.cli import export_command
    from digitize.preprocess.cli import preprocess_command
    from digitize.synth.cli import synth_command
    from digitize.web.cli import serve_command, users_command

    main.add_command(extract_command)
    main.add_command(preprocess_command)
    main.add_command(serve_command)
    main.add_command(users_command)
    main.add_command(bench_command)
    main.add_command(calibrate_command)
    main.add_command(export_command)
    main.add_command(batch_command)
    main.add_command(synth_command)


_register_commands()


if __name__ == "__main__":
    main()
