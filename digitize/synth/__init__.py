"""Synthetic Vietnamese land certificates and ID cards with ground truth.

Renders GCN (pre-2009 red book, 2009/2014 pink form, 2024 form) pages and ID cards
(CCCD 2021, Căn cước 2024, old CMND), degrades them like archives and phone photos, and
writes ``<stem>.gt.json`` (``digitize.truth.GroundTruth``) beside each image.  See
docs/synth.md.  Entry point: :func:`digitize.synth.sets.generate_set`.
"""

from __future__ import annotations

from pathlib import Path

GENERATOR_VERSION = "1.2.0"

__all__ = ["GENERATOR_VERSION", "generate_set"]


def generate_set(name: str, out_dir: Path, seed: int | None = None, jobs: int = 1) -> list[Path]:
    """Write a named set of images with ground truth and a manifest (see :mod:`digitize.synth.sets`)."""
    from digitize.synth.sets import generate_set as _generate

    return _generate(name, out_dir, seed=seed, jobs=jobs)
