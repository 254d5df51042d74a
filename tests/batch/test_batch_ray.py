"""The Ray executor on a small local Ray, and Ray staying optional."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from digitize.batch.runner import BatchOptions, Coordinator
from digitize.config import Settings
from tests.batch.conftest import PLUGIN, REPO, exactly_once, failures, make_inputs, worker_env


def test_import_and_a_local_batch_do_not_import_ray(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in", ["a.jpg"])
    code = (
        "import sys\n"
        "import digitize, digitize.cli, digitize.batch.cli, digitize.batch.runner\n"
        "from digitize.batch.runner import BatchOptions, Coordinator\n"
        "from digitize.config import Settings\n"
        f"opts = BatchOptions(inputs=[{str(tmp_path / 'in')!r}], out_dir=__import__('pathlib').Path("
        f"{str(tmp_path / 'out')!r}), settings=Settings(backend='fake', preprocess=False), jobs=1, "
        "plain_progress=True)\n"
        "summary = Coordinator(opts).run()\n"
        "assert summary.counts['done'] == 1, summary.counts\n"
        "assert 'ray' not in sys.modules, 'ray was imported'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=worker_env(), capture_output=True, timeout=180)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]


def test_the_ray_executor_runs_the_same_pipeline_and_replaces_a_crashed_actor(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    inputs = tmp_path / "in"
    names = ["a.jpg", "sub/b.jpg", "c.pdf", "crash.jpg", "d.jpg"]
    make_inputs(inputs, names)
    out = tmp_path / "out"
    options = BatchOptions(inputs=[str(inputs)], out_dir=out, settings=Settings(backend="chaos", preprocess=False),
                           jobs=2, executor="ray", plugins=[PLUGIN], plain_progress=True, max_attempts=2)
    summary = Coordinator(options, progress_stream=io.StringIO()).run()
    assert summary.exit_code == 3
    assert [(f["path"], f["code"], f["attempts"]) for f in failures(out)] == [("crash.jpg", "worker_crash", 2)]
    report = exactly_once(out, [n for n in names if n != "crash.jpg"])
    assert report["lost"] == [] and report["duplicated"] == [] and report["mismatched"] == []
    assert summary.workers_started >= 4  # two actors, and one new actor per crash
