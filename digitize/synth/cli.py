"""``digitize synth``: the synthetic generator's commands (``set``: a named image set, ``lines``: recogniser lines).

The command group is registered in the main CLI group by ``digitize/cli.py``;
``python -m digitize.synth`` keeps writing named sets as before.
"""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.group("synth")
def synth_command() -> None:
    """Synthetic certificates and ID cards with exact truth."""


@synth_command.command("set")
@click.argument("name")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", type=int, default=None, help="Override the set's frozen seed.")
@click.option("--jobs", type=int, default=None, help="Worker processes (default: the CPU count).")
def synth_set(name: str, out_dir: Path, seed: int | None, jobs: int | None) -> None:
    """Write the named image set NAME (default, quick, samples, real_style) into OUT_DIR."""
    from digitize.synth import GENERATOR_VERSION
    from digitize.synth.sets import SET_SEEDS, default_jobs, generate_set

    if name not in SET_SEEDS:
        raise click.BadParameter(f"unknown set {name!r}; known: {', '.join(sorted(SET_SEEDS))}", param_hint="NAME")
    t0 = time.perf_counter()
    paths = generate_set(name, out_dir, seed=seed, jobs=jobs or default_jobs())
    click.echo(f"{len(paths)} files in {out_dir} (generator {GENERATOR_VERSION}, {time.perf_counter() - t0:.0f} s)")


@synth_command.command("lines")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Dataset folder (train/ and heldout/ inside).")
@click.option("--count", type=click.IntRange(min=1), required=True, help="Training lines to write.")
@click.option("--heldout-count", type=click.IntRange(min=1), default=None,
              help="Held-out lines (default: 5 %% of --count), from document seeds never used for training.")
@click.option("--seed", type=int, default=None, help="Base seed of the document seeds.")
@click.option("--jobs", type=int, default=None, help="Worker processes (default: the CPU count).")
@click.option("--png", is_flag=True, help="Also write every line as a PNG with labels.tsv, for inspection.")
def synth_lines(out_dir: Path, count: int, heldout_count: int | None, seed: int | None, jobs: int | None,
                png: bool) -> None:
    """Render text lines with truth, cropped like the detector crops them, for the line recogniser."""
    from digitize.synth.lines import DEFAULT_SEED, default_jobs, generate_lines

    summary = generate_lines(out_dir, count, seed=DEFAULT_SEED if seed is None else seed,
                             jobs=jobs or default_jobs(), png=png, heldout_count=heldout_count)
    splits = ", ".join(f"{k}: {v['lines']} lines from {v['documents']} documents"
                       for k, v in summary["splits"].items())
    click.echo(f"{out_dir}: {splits} ({summary['seconds']:.0f} s)")
