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


def exactly_once(out: Path, rels: Sequence[str]) -> dict[str, Any]:
    """How the store and the output folder of a finished batch hold the inputs ``rels``.

    ``lost``: inputs with no document in the store or no result file; ``duplicated``: inputs
    held more than once (rows, documents, or failures); ``mismatched``: result files whose
    record differs from the stored one; ``temp_files``: leftovers of a killed write.
    """
    db = out / "digitize.db"
    stored = sqlite_rows(db, "SELECT i.path, i.status, COUNT(d.id) FROM inputs i "
                             "LEFT JOIN documents d ON d.input_id = i.id GROUP BY i.id")
    by_path: dict[str, list[tuple[str, int]]] = {}
    for path, status, n_docs in stored:
        by_path.setdefault(path, []).append((status, n_docs))
    files = results(out)
    failed = [f["path"] for f in failures(out)]
    stored_records = {p: json.loads(r)["record"] for p, r in sqlite_rows(
        db, "SELECT i.path, d.result FROM inputs i JOIN documents d ON d.input_id = i.id")}
    lost = [r for r in rels if not by_path.get(r) or by_path[r][0] != ("done", 1) or f"{r}.json" not in files]
    duplicated = [r for r in rels if len(by_path.get(r, [])) > 1 or any(n > 1 for _s, n in by_path.get(r, []))
                  or failed.count(r) > 0]
    mismatched = [r for r in rels if f"{r}.json" in files and files[f"{r}.json"]["record"] != stored_records.get(r)]
    extra = sorted(set(files) - {f"{r}.json" for r in rels})
    temps = [p.name for p in out.rglob(".*.tmp")]
    return {"inputs": len(rels), "lost": lost, "duplicated": duplicated, "mismatched": mismatched,
            "extra_files": extra, "temp_files": temps, "failed": failed}
