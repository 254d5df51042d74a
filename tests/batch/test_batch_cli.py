"""The ``digitize batch`` command: arguments, exit codes, summary."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from digitize.cli import main
from tests.batch.conftest import PLUGIN, failures, make_inputs


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["batch", *args, "--plain"], catch_exceptions=False)
    return result.exit_code, result.output


def test_exit_3_when_an_input_failed_with_a_summary_of_counts_and_no_personal_data(tmp_path: Path,
                                                                                    monkeypatch) -> None:
    monkeypatch.setenv("DIGITIZE_PREPROCESS", "false")
    make_inputs(tmp_path / "in", ["a.jpg", "b.jpg"])
    (tmp_path / "in" / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    code, output = _invoke(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--backend", "fake",
                           "--jobs", "1")
    assert code == 3
    assert "3 inputs: 2 done" in output and "1 failed" in output
    assert [f["path"] for f in failures(tmp_path / "out")] == ["bad.png"]
    code, output = _invoke(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--backend", "fake")
    assert code == 3 and "2 already done, 1 failed before" in output


def test_bad_arguments_exit_2_and_an_unloadable_backend_exits_4(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, output = _invoke(str(tmp_path / "empty"), "--out", str(tmp_path / "out"), "--backend", "fake")
    assert code == 2 and "no supported files" in output
    code, _ = _invoke(str(tmp_path / "missing"), "--out", str(tmp_path / "out"))
    assert code == 2
    code, _ = _invoke(str(tmp_path / "empty"), "--out", str(tmp_path / "out"), "--backend", "nope")
    assert code == 2
    code, output = _invoke(str(tmp_path / "empty"), "--out", str(tmp_path / "out"), "--ray-address", "h:6379")
    assert code == 2 and "--executor ray" in output
    make_inputs(tmp_path / "in", ["a.jpg"])
    code, output = _invoke(str(tmp_path / "in"), "--out", str(tmp_path / "out2"), "--backend", "broken",
                           "--plugin", PLUGIN, "--jobs", "1")
    assert code == 4 and "cannot start" in output
