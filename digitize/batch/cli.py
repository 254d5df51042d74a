"""``digitize batch``: process a whole share of scans overnight; run it again to resume."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from digitize.errors import ExitCode

log = logging.getLogger(__name__)

DEFAULT_MAX_TASKS_PER_WORKER = 200
DEFAULT_PAGE_TIMEOUT_S = 300.0
DEFAULT_MAX_ATTEMPTS = 3
CLUSTER_CPUS = 0  # --jobs for a Ray cluster: one actor per CPU the cluster has


def _summary_lines(summary: object) -> list[str]:
    from digitize.batch.runner import BatchSummary

    assert isinstance(summary, BatchSummary)
    counts, plan = summary.counts, summary.plan
    rate = summary.pages_done / summary.wall_seconds if summary.wall_seconds else 0.0
    lines = [
        f"batch: {counts.get('inputs', 0)} inputs: {counts.get('done', 0)} done "
        f"({counts.get('needs_review', 0)} need review), {counts.get('failed', 0)} failed, "
        f"{counts.get('pending', 0)} not finished",
        f"batch: this run: {plan.new} new, {plan.changed} changed, {plan.skipped_done} already done, "
        f"{plan.skipped_failed} failed before (--retry-failed retries them); {summary.pages_done} pages in "
        f"{summary.wall_seconds:.1f} s ({rate:.2f} pages/s)",
    ]
    if plan.vanished:
        lines.append(f"batch: {len(plan.vanished)} listed files disappeared before they were read")
    if summary.repaired_outputs:
        lines.append(f"batch: {summary.repaired_outputs} results a stopped run had not written were written")
    if summary.dossiers_built:
        lines.append(f"batch: {summary.dossiers_built} dossiers merged")
    if summary.interrupted:
        lines.append("batch: interrupted: what was done is saved; run the same command again to go on")
    return lines


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder: OUT/<path>.json per input, OUT/failures.jsonl, OUT/digitize.db by default.")
@click.option("--db", default=None, help="Store URL (postgresql+psycopg://user@host/db) or SQLite file. "
                                         "Default: OUT/digitize.db.")
@click.option("--jobs", type=click.IntRange(1, 512), default=None,
              help="Worker processes (Ray actors). Default: the CPUs of this machine (of the Ray cluster "
                   "with --ray-address).")
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: worker processes on this machine; ray: Ray actors (pip install 'digitize[ray]').")
@click.option("--ray-address", default=None, help="Ray cluster to join (ray start --head prints it). "
                                                   "Default: a local Ray.")
@click.option("--dossier-by", type=click.Choice(["none", "folder"]), default="none", show_default=True,
              help="folder: each folder's inputs are one dossier, merged into OUT/<folder>/dossier.json.")
@click.option("--retry-failed", is_flag=True, help="Try again the inputs that failed in an earlier run.")
@click.option("--force", is_flag=True, help="Process every input again, finished or not.")
@click.option("--rehash", is_flag=True, help="Re-hash every file to find changed ones (default: size and "
                                             "modification time decide, as for make and rsync).")
@click.option("--page-timeout", type=click.FloatRange(1.0), default=DEFAULT_PAGE_TIMEOUT_S, show_default=True,
              help="Seconds one page may take before its worker is killed (the page counts an attempt).")
@click.option("--max-attempts", type=click.IntRange(1, 20), default=DEFAULT_MAX_ATTEMPTS, show_default=True,
              help="Attempts at a page whose worker crashes or hangs before the input is failed.")
@click.option("--max-tasks-per-worker", type=click.IntRange(1), default=DEFAULT_MAX_TASKS_PER_WORKER,
              show_default=True, help="A worker is replaced after this many pages (long runs leak).")
@click.option("--backend", default=None, help="OCR backend name (digitize backends lists them).")
@click.option("--plugin", "plugins", multiple=True,
              help="Module (dotted name or .py file) imported by the coordinator and every worker, "
                   "e.g. to register an OCR backend.")
@click.option("--plain", is_flag=True, help="Plain progress lines even on a terminal.")
@click.pass_context
def batch_command(ctx: click.Context, inputs: tuple[str, ...], out_dir: Path, db: str | None, jobs: int | None,
                  executor: str, ray_address: str | None, dossier_by: str, retry_failed: bool, force: bool,
                  rehash: bool, page_timeout: float, max_attempts: int, max_tasks_per_worker: int,
                  backend: str | None, plugins: tuple[str, ...], plain: bool) -> None:
    """Process every photo, scan and PDF under INPUT... (folders, globs, @list.txt) into OUT.

    Running the same command again resumes: finished inputs are skipped, interrupted ones
    redone, failed ones retried with --retry-failed.  Exit 0: all processed (some may need
    review); 3: some failed (OUT/failures.jsonl); 130: interrupted.
    """
    import os

    from digitize.batch.discovery import DiscoveryError
    from digitize.batch.executors.base import ExecutorError
    from digitize.batch.runner import BatchOptions, Coordinator
    from digitize.batch.tasks import load_plugins
    from digitize.extract_cli import settings_from_context
    from digitize.ocr.base import get_backend_class

    if ray_address and executor != "ray":
        raise click.UsageError("--ray-address needs --executor ray")
    settings = settings_from_context(ctx, backend=backend)
    try:
        load_plugins(plugins)
        get_backend_class(settings.backend)
    except (ImportError, ValueError) as exc:
        raise click.BadParameter(str(exc), param_hint="--backend / --plugin") from exc
    options = BatchOptions(
        inputs=list(inputs), out_dir=out_dir, settings=settings, db=db,
        jobs=jobs or (CLUSTER_CPUS if ray_address else os.cpu_count() or 1),
        executor=executor, ray_address=ray_address, dossier_by=dossier_by, retry_failed=retry_failed, force=force,
        rehash=rehash, page_timeout=page_timeout, max_attempts=max_attempts,
        max_tasks_per_worker=max_tasks_per_worker, plugins=list(plugins), plain_progress=plain)
    try:
        summary = Coordinator(options).run()
    except DiscoveryError as exc:
        raise click.BadParameter(str(exc), param_hint="INPUT") from exc
    except ExecutorError as exc:
        click.echo(f"digitize: error: {exc}", err=True)
        ctx.exit(ExitCode.MISSING_DEPENDENCY if exc.code == "missing_dependency" else ExitCode.INTERNAL_ERROR)
        return
    except KeyboardInterrupt:  # before any work was planned
        ctx.exit(130)
        return
    for line in _summary_lines(summary):
        click.echo(line, err=True)
    sys.stderr.flush()
    ctx.exit(summary.exit_code)
