"""scripts/train_recognizer.py --quick: a tiny model trained end to end, exported, read by onnxruntime."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from digitize.ocr.line_input import LINE_HEIGHT, batch_lines, ctc_greedy_decode, default_charset, prepare_line

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("torch", reason="the train extra (PyTorch) is not installed: pip install -e .[train]")


def test_quick_training_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "rec"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_recognizer.py"), "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["loss_last"] < summary["loss_first"]
    assert (out / "last.pt").exists()

    import onnxruntime as ort

    vocab = json.loads((out / "export" / "vocab.json").read_text(encoding="utf-8"))
    assert vocab["charset"] == default_charset() and vocab["height"] == LINE_HEIGHT
    session = ort.InferenceSession(str(out / "export" / "digitize_rec.onnx"), providers=["CPUExecutionProvider"])
    crops = [np.full((20, 90), 255, np.uint8), np.full((40, 300, 3), 200, np.uint8)]
    batch = batch_lines([prepare_line(c) for c in crops])
    (logprobs,) = session.run(["logprobs"], {"images": batch})
    assert logprobs.shape == (2, batch.shape[3] // 4, len(default_charset()) + 1)
    assert np.allclose(np.exp(logprobs).sum(axis=2), 1.0, atol=1e-3)
    text, confs = ctc_greedy_decode(logprobs[0], default_charset())
    assert len(text) == len(confs)


def test_quick_training_resumes(tmp_path: Path) -> None:
    """A run stopped by its checkpoint resumes from it (same step count at the end)."""
    script = str(ROOT / "scripts" / "train_recognizer.py")
    data = tmp_path / "data"
    from digitize.synth.lines import generate_lines

    generate_lines(data, count=40, heldout_count=10, seed=3, jobs=1)
    out = tmp_path / "rec"
    args = [sys.executable, script, "--quick", "--data", str(data), "--out", str(out), "--steps", "6"]
    first = subprocess.run(args, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert (out / "last.pt").exists(), first.stdout[-2000:] + first.stderr[-2000:]
    again = subprocess.run([*args, "--resume"], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert "resumed from" in again.stdout and "at step 6" in again.stdout, again.stdout[-2000:] + again.stderr[-2000:]


def test_a_fine_tune_starts_from_a_checkpoint_with_more_data(tmp_path: Path) -> None:
    """--init-from takes a checkpoint's weights (fresh schedule); --more-data adds another set's train split."""
    script = str(ROOT / "scripts" / "train_recognizer.py")
    from digitize.synth.lines import generate_lines

    data, extra = tmp_path / "data", tmp_path / "extra"
    generate_lines(data, count=40, heldout_count=10, seed=3, jobs=1)
    generate_lines(extra, count=30, heldout_count=1, seed=4, jobs=1)
    first = tmp_path / "first"
    base = [sys.executable, script, "--quick", "--data", str(data), "--steps", "4"]
    done = subprocess.run([*base, "--out", str(first)], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert (first / "last.pt").exists(), done.stdout[-2000:] + done.stderr[-2000:]
    tuned = subprocess.run([*base, "--out", str(tmp_path / "tuned"), "--init-from", str(first / "last.pt"),
                            "--more-data", str(extra)], capture_output=True, text=True, timeout=600, cwd=ROOT)
    # 4 steps are too few for --quick's loss check (exit 1); the run itself must finish and export
    assert (tmp_path / "tuned" / "summary.json").exists(), tuned.stdout[-2000:] + tuned.stderr[-2000:]
    assert f"weights from {first / 'last.pt'}" in tuned.stdout
    trained_on = int(tuned.stdout.split("data: ")[1].split(" train")[0])
    assert trained_on > 40  # both sets' training lines
