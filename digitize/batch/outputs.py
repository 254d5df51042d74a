"""The output folder: one ``<input path>.json`` per input, ``dossier.json`` per folder, ``failures.jsonl``.

Every file is written atomically (a hidden temporary file in the same folder, fsync,
``os.replace``, fsync of the folder): a reader or a killed run sees the old file or the
new one, never half of one.  Temporary names never end in ``.json``, so a reader of
``OUT/**/*.json`` never picks one up; a run removes those a killed run left.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

RESULT_SUFFIX = ".json"
DOSSIER_FILE = "dossier.json"
FAILURES_FILE = "failures.jsonl"
TEMP_SUFFIX = ".tmp"


def result_path(out_dir: Path, rel: str) -> Path:
    """Where the result of the input named ``rel`` goes: ``OUT/<rel>.json``."""
    return out_dir / (rel + RESULT_SUFFIX)


def dossier_path(out_dir: Path, folder: str) -> Path:
    """Where the merged record of a folder's dossier goes: ``OUT/<folder>/dossier.json``."""
    return out_dir / folder / DOSSIER_FILE


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that it is either entirely there or not changed at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}{TEMP_SUFFIX}")
    with open(temp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temp, path)
    _fsync_dir(path.parent)


def atomic_write_json(path: Path, data: Any) -> None:
    """Write one JSON document atomically (UTF-8, indented like ``digitize extract``)."""
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2))


def remove_output(path: Path) -> None:
    """Delete an output that no longer stands (its input changed or failed), durably."""
    try:
        path.unlink()
    except FileNotFoundError:
        return
    _fsync_dir(path.parent)


def remove_stale_temps(out_dir: Path) -> int:
    """Delete the temporary files a killed run left in ``out_dir``; returns how many."""
    removed = 0
    if not out_dir.is_dir():
        return 0
    for current, _dirs, files in os.walk(out_dir):
        for name in files:
            if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                (Path(current) / name).unlink(missing_ok=True)
                removed += 1
    return removed


def failure_record(path: str, code: str, message: str, attempts: int) -> dict[str, Any]:
    """One line of ``failures.jsonl``: the input's path, the error code, the message, the attempts."""
    return {"path": path, "code": code, "message": message, "attempts": attempts}


class FailureLog:
    """``OUT/failures.jsonl``: appended the moment an input fails, rewritten from the store at start and end.

    The store is the truth: a rewrite drops lines of inputs that were retried and succeeded
    and lines a killed run wrote twice, and adds those a killed run had no time to write.
    """

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / FAILURES_FILE

    def append(self, record: dict[str, Any]) -> None:
        """Add one failure durably."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def rewrite(self, records: Iterable[dict[str, Any]]) -> None:
        """Replace the file with exactly ``records`` (removed when there are none)."""
        lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records]
        if not lines:
            remove_output(self.path)
            return
        atomic_write_text(self.path, "".join(lines))
