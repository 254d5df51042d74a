"""The README's first command ends by printing a summary of an extracted record with a
Python snippet embedded in scripts/setup.sh; a syntax error there breaks the set-up."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

SETUP_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "setup.sh"


def _summary_snippet() -> str:
    text = SETUP_SCRIPT.read_text(encoding="utf-8")
    match = re.search(r"python\" -c '\n(.*?)'(?: <[^\n]*)?\n", text, re.DOTALL)
    assert match, "setup.sh no longer prints the record with an embedded snippet"
    return match.group(1)


def test_setup_script_is_valid_bash() -> None:
    subprocess.run(["bash", "-n", str(SETUP_SCRIPT)], check=True)


def test_summary_snippet_prints_an_extract_result() -> None:
    document = {
        "loai_tai_lieu": "gcn_2009_2014",
        "record": {"so_phat_hanh": "CĐ 123456"},
        "fields": [{"path": "so_phat_hanh", "status": "extracted", "confidence": 0.97}],
        "warnings": [],
    }
    completed = subprocess.run(
        [sys.executable, "-c", _summary_snippet()],
        input=json.dumps(document),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "so_phat_hanh=extracted(0.97)" in completed.stdout
    assert "CĐ 123456" in completed.stdout
