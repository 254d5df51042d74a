"""``kill -9`` of a whole real batch (coordinator and workers) at random moments, then the same command again.

Every input must end in the store and on disk exactly once: none lost, none duplicated.
Ctrl-C commits what is done and exits 130.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.batch.conftest import REPO, exactly_once, make_inputs, sqlite_rows, worker_env

N_INPUTS = 24
N_KILLS = 3
SEED = 20261207
EARLY_KILL_S = (0.5, 3.0)
LATE_KILL_S = (0.0, 0.5)
RUN_TIMEOUT_S = 240


def _command(inputs: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "digitize.cli", "batch", str(inputs), "--out", str(out), "--backend", "fake",
            "--jobs", "2", "--plain"]


def _start(inputs: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(_command(inputs, out), cwd=REPO, env=worker_env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_sigkill_of_the_whole_batch_at_random_points_then_resume_is_exactly_once(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    names = [f"{'sub/' if i % 3 == 0 else ''}scan_{i:03d}.{'pdf' if i % 8 == 0 else 'jpg'}" for i in range(N_INPUTS)]
    make_inputs(inputs, names)
    out = tmp_path / "out"
    rng = random.Random(SEED)
    on_disk = []
    for k in range(N_KILLS):
        before = len(list(out.rglob("*.json")))
        proc = _start(inputs, out)
        if k == 0:  # during start-up: registration, worker launch
            time.sleep(rng.uniform(*EARLY_KILL_S))
        else:  # a random moment after the first new result
            deadline = time.monotonic() + RUN_TIMEOUT_S
            while time.monotonic() < deadline and proc.poll() is None and len(list(out.rglob("*.json"))) <= before:
                time.sleep(0.05)
            time.sleep(rng.uniform(*LATE_KILL_S))
        os.killpg(proc.pid, signal.SIGKILL)  # the coordinator and every worker at once
        proc.wait()
        on_disk.append(len(list(out.rglob("*.json"))))
    assert any(0 < n < N_INPUTS for n in on_disk), on_disk  # a kill landed while results were being written
    final = subprocess.run(_command(inputs, out), cwd=REPO, env=worker_env(), capture_output=True,
                           timeout=RUN_TIMEOUT_S)
    assert final.returncode == 0, final.stderr.decode(errors="replace")[-2000:]
    report = exactly_once(out, names)
    assert report["lost"] == [] and report["duplicated"] == [] and report["mismatched"] == []
    assert report["extra_files"] == [] and report["temp_files"] == [] and report["failed"] == []
    jobs = sqlite_rows(out / "digitize.db", "SELECT status FROM jobs ORDER BY id")
    assert jobs[-1] == ("done",) and len(jobs) <= N_KILLS + 1


def test_ctrl_c_commits_what_is_done_and_exits_130(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    names = [f"scan_{i:03d}.jpg" for i in range(16)]
    make_inputs(inputs, names)
    out = tmp_path / "out"
    proc = _start(inputs, out)
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline and len(list(out.glob("*.json"))) < 3:  # some results are in
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode(errors="replace")[-2000:]
    done = sqlite_rows(out / "digitize.db", "SELECT path FROM inputs WHERE status = 'done'")
    assert len(done) >= 3
    assert {f"{p}.json" for (p,) in done} <= {p.name for p in out.glob("*.json")}
    assert sqlite_rows(out / "digitize.db", "SELECT status FROM jobs") == [("interrupted",)]
    final = subprocess.run(_command(inputs, out), cwd=REPO, env=worker_env(), capture_output=True,
                           timeout=RUN_TIMEOUT_S)
    assert final.returncode == 0
    report = exactly_once(out, names)
    assert report["lost"] == [] and report["duplicated"] == []
