"""The engine must run with the network off and keep ``import digitize`` light."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import needs_tesseract

ROOT = Path(__file__).resolve().parents[1]

# Blocks every socket in the child process, for machines where unshare is not allowed.
_SOCKET_BLOCKER = """
import socket
def _refuse(*args, **kwargs):
    raise OSError("network disabled by test")
socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""


def _can_unshare() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False).returncode == 0


def _run_offline(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGITIZE_")}
    env["HOME"] = str(tmp_path / "home")  # an empty HOME: no cached models to lean on
    (tmp_path / "home").mkdir(exist_ok=True)
    blocker = tmp_path / "blocker"
    blocker.mkdir(exist_ok=True)
    (blocker / "sitecustomize.py").write_text(_SOCKET_BLOCKER, encoding="utf-8")
    env["PYTHONPATH"] = os.pathsep.join([str(blocker), str(ROOT)])
    prefix = ["unshare", "-n"] if _can_unshare() else []
    return subprocess.run([*prefix, sys.executable, "-m", "digitize.cli", *args], capture_output=True, text=True,
                          env=env, timeout=600, check=False)


@needs_tesseract
@pytest.mark.slow
def test_pipeline_runs_with_network_disabled(gcn_page2: Path, tmp_path: Path) -> None:
    result = _run_offline(["extract", str(gcn_page2)], tmp_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["backend"] == "default"
    assert doc["record"]["thua_dat"][0]["so_thua"] == "318"


def test_network_is_really_off_in_the_child(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    (tmp_path / "sitecustomize.py").write_text(_SOCKET_BLOCKER, encoding="utf-8")
    prefix = ["unshare", "-n"] if _can_unshare() else []
    code = "import socket; socket.create_connection(('pypi.org', 443), timeout=3)"
    result = subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            check=False, timeout=60)
    assert result.returncode != 0


def test_import_digitize_stays_light() -> None:
    code = (
        "import sys, digitize, digitize.cli, digitize.pipeline, digitize.model;"
        "heavy = [m for m in ('onnxruntime', 'tesserocr', 'paddle', 'paddleocr', 'torch') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == ""
