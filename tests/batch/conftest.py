"""Input folders for the batch tests: copies of the samples (with their ground truth) under new names."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
PLUGIN = "tests.batch.injected_backends"
# Small, quick samples (the fake backend reads their ground truth).
QUICK = ("0002_gcn_2009_2014_trang_2_phone.jpg", "0004_gcn_truoc_2009_trang_1_scan.jpg",
         "0003_cccd_mat_truoc_mat_truoc_clean.jpg")
PDF = "gcn_2009_2014_trang_1-2.pdf"


def copy_sample(sample: str, target: Path) -> Path:
    """Copy ``sample`` to ``target`` (a new stem) with its ground-truth sidecars."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = SAMPLES / sample
    shutil.copyfile(source, target)
    stem = source.stem
    for truth in SAMPLES.glob(f"{stem}*.gt.json"):
        suffix = truth.name[len(stem):]
        shutil.copyfile(truth, target.with_name(target.stem + suffix))
    return target


def make_inputs(folder: Path, names: Sequence[str], sample_cycle: Sequence[str] = QUICK) -> list[Path]:
    """One input per name (``sub/x.jpg``), each a copy of the next quick sample."""
    out = []
    for i, name in enumerate(names):
        sample = PDF if name.endswith(".pdf") else sample_cycle[i % len(sample_cycle)]
        out.append(copy_sample(sample, folder / name))
    return out


def worker_env() -> dict[str, str]:
    """Environment for a ``python -m digitize.cli`` subprocess: this checkout first, no preprocessing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGITIZE_") or k.startswith("DIGITIZE_TEST_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["DIGITIZE_PREPROCESS"] = "false"
    return env


def sqlite_rows(db: Path, query: str) -> list[tuple[Any, ...]]:
    """Rows of a query on a batch's SQLite store."""
    with sqlite3.connect(db) as conn:
        return conn.execute(query).fetchall()


def results(out: Path) -> dict[str, dict[str, Any]]:
    """Every result JSON under ``out`` by its relative path."""
    return {p.relative_to(out).as_posix(): json.loads(p.read_text(encoding="utf-8")) for p in out.rglob("*.json")}


def failures(out: Path) -> list[dict[str, Any]]:
    """The objects of ``OUT/failures.jsonl``."""
    path = out / "failures.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def _flaky_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITIZE_TEST_FLAKY_DIR", str(tmp_path))
