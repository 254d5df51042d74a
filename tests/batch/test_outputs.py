"""Atomic output files and failures.jsonl."""

from __future__ import annotations

import json
from pathlib import Path

from digitize.batch.outputs import FailureLog, atomic_write_json, remove_stale_temps, result_path


def test_results_are_named_after_the_input_path_and_written_whole(tmp_path: Path) -> None:
    target = result_path(tmp_path, "sub/a.jpg")
    assert target == tmp_path / "sub" / "a.jpg.json"
    atomic_write_json(target, {"source": "sub/a.jpg", "fields": []})
    atomic_write_json(target, {"source": "sub/a.jpg", "fields": [1]})
    assert json.loads(target.read_text(encoding="utf-8"))["fields"] == [1]
    assert [p.name for p in target.parent.iterdir()] == ["a.jpg.json"]  # no temporary file left


def test_temporary_files_of_a_killed_run_are_removed_and_never_look_like_results(tmp_path: Path) -> None:
    stale = tmp_path / "sub" / ".a.jpg.json.1234.tmp"
    stale.parent.mkdir()
    stale.write_text("{", encoding="utf-8")
    assert not stale.name.endswith(".json")
    assert remove_stale_temps(tmp_path) == 1
    assert not stale.exists()


def test_the_failure_log_appends_and_is_rewritten_from_the_truth(tmp_path: Path) -> None:
    log = FailureLog(tmp_path)
    record = {"path": "a.jpg", "code": "corrupt_file", "message": "a.jpg: corrupt", "attempts": 1}
    log.append(record)
    log.append(record)  # a killed run may have written it twice
    assert len(log.path.read_text(encoding="utf-8").splitlines()) == 2
    log.rewrite([record])
    assert [json.loads(line) for line in log.path.read_text(encoding="utf-8").splitlines()] == [record]
    log.rewrite([])
    assert not log.path.exists()
