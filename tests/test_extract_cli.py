"""``digitize extract`` as a newcomer uses it: outputs, overwrites, stdin, page lists, Ctrl-C."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from digitize.cli import main
from digitize.config import Settings
from digitize.errors import ExitCode
from digitize.extract_cli import EXIT_INTERRUPTED
from digitize.model import Line, Page, Reading, TextKind
from digitize.ocr import base
from digitize.ocr.base import OcrBackend
from digitize.ocr.fake import FakeBackend
from digitize.truth import load_page_truth

FAKE = ["--backend", "fake", "--no-preprocess"]


class ExplodingBackend(FakeBackend):
    """Fails the moment it is created: a run that gets this far has started OCR."""

    name = "explode"

    def __init__(self, settings: Settings) -> None:
        raise RuntimeError("OCR started")


class InterruptingBackend(FakeBackend):
    """Perfect OCR, but Ctrl-C when the third input's page arrives."""

    name = "interrupt"
    seen: ClassVar[list[str]] = []

    def read_page(self, page: Page) -> list[Line]:
        if page.source.path not in self.seen:
            self.seen.append(page.source.path)
        if len(self.seen) == 3:
            raise KeyboardInterrupt
        return super().read_page(page)


class FixedTruthBackend(FakeBackend):
    """Reads every page as the truth of one known image (for inputs without a sidecar, such as stdin)."""

    name = "fixed"
    truth_of: ClassVar[Path | None] = None

    def read_page(self, page: Page) -> list[Line]:
        assert self.truth_of is not None
        truth = load_page_truth(self.truth_of, 0, 1)
        assert truth is not None
        return [Line(text=t.text, confidence=0.99, polygon=list(t.polygon), engine="fake") for t in truth.lines
                if t.text.strip() and not t.occluded]


class RecordingBackend(OcrBackend):
    """Reads nothing; remembers which page of which file it was given."""

    name = "record"
    pages: ClassVar[list[int]] = []

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def read_page(self, page: Page) -> list[Line]:
        self.pages.append(page.source.page_index)
        return []

    def reread(self, page: Page, lines: list[Line], kind: TextKind) -> list[Reading | None]:
        return [None for _ in lines]


@pytest.fixture(autouse=True)
def _test_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, cls in (("explode", "ExplodingBackend"), ("interrupt", "InterruptingBackend"),
                      ("fixed", "FixedTruthBackend"), ("record", "RecordingBackend")):
        monkeypatch.setitem(base._REGISTRY, name, f"tests.test_extract_cli:{cls}")
    InterruptingBackend.seen.clear()
    RecordingBackend.pages.clear()


def _copy(gcn_page2: Path, target: Path) -> Path:
    """The test page and its ground-truth sidecar under another name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(gcn_page2, target)
    shutil.copy(gcn_page2.with_name("gcn_page2.gt.json"), target.with_suffix(".gt.json"))
    return target


def _extract(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["extract", *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def test_existing_result_is_refused_before_any_ocr_and_replaced_with_force(gcn_page2: Path, tmp_path: Path) -> None:
    out = tmp_path / "r"
    code, _, _ = _extract(str(gcn_page2), "-o", f"{out}/", *FAKE)
    assert code == 0
    first = (out / "gcn_page2.json").stat().st_mtime_ns
    # Same run again with a backend that fails when created: refused first, so it never starts.
    code, _, err = _extract(str(gcn_page2), "-o", f"{out}/", "--backend", "explode")
    assert code == ExitCode.BAD_ARGS, err
    assert f"would overwrite {out / 'gcn_page2.json'}" in err and "--force" in err
    assert (out / "gcn_page2.json").stat().st_mtime_ns == first
    code, _, err = _extract(str(gcn_page2), "-o", f"{out}/", "--force", *FAKE)
    assert code == 0, err
    assert (out / "gcn_page2.json").stat().st_mtime_ns != first
    # A single output file too.
    single = tmp_path / "one.json"
    single.write_text("{}", encoding="utf-8")
    code, _, err = _extract(str(gcn_page2), "-o", str(single), "--backend", "explode")
    assert code == ExitCode.BAD_ARGS and str(single) in err
    assert single.read_text(encoding="utf-8") == "{}"


def test_bad_output_is_refused_before_any_ocr(gcn_page2: Path, tmp_path: Path) -> None:
    explode = ["--backend", "explode"]
    code, _, err = _extract(str(gcn_page2), "-o", str(tmp_path / "missing" / "x.json"), *explode)
    assert code == ExitCode.BAD_ARGS and "does not exist" in err
    code, _, err = _extract(str(gcn_page2), "--format", "xlsx", *explode)
    assert code == ExitCode.BAD_ARGS and "needs -o" in err
    a_file = tmp_path / "taken"
    a_file.write_text("x", encoding="utf-8")
    other = _copy(gcn_page2, tmp_path / "other.png")
    code, _, err = _extract(str(gcn_page2), str(other), "-o", str(a_file), *explode)
    assert code == ExitCode.BAD_ARGS and "need a folder" in err
    code, _, err = _extract(str(gcn_page2), "-o", str(a_file / "sub") + "/", *explode)
    assert code == ExitCode.BAD_ARGS and "cannot create the folder" in err
    # The same arguments with a working backend get past these checks: the refusals above were not
    # an accident of the exploding backend.
    assert _extract(str(gcn_page2), "-o", str(tmp_path / "ok.json"), *FAKE)[0] == 0


def test_output_folder_with_one_input_and_same_names_in_two_folders(gcn_page2: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    code, _, _ = _extract(str(gcn_page2), "-o", f"{out}/", *FAKE)
    assert code == 0 and out.is_dir() and (out / "gcn_page2.json").is_file()
    a = _copy(gcn_page2, tmp_path / "in" / "a" / "scan.png")
    b = _copy(gcn_page2, tmp_path / "in" / "b" / "scan.png")
    code, _, err = _extract(str(a), str(b), "-o", str(tmp_path / "r"), *FAKE)
    assert code == 0, err
    written = sorted(str(p.relative_to(tmp_path / "r")) for p in (tmp_path / "r").rglob("*.json"))
    assert written == ["a/scan.json", "b/scan.json"]
    source = json.loads((tmp_path / "r" / "b" / "scan.json").read_text(encoding="utf-8"))["source"]
    assert source == str(b)
    # Same stem, different extension, same folder: the extension stays in the name.
    tiff = tmp_path / "in" / "a" / "scan.tif"
    Image.open(a).save(tiff)
    # (scan.tif reads the same sidecar, scan.gt.json)
    code, _, err = _extract(str(a), str(tiff), "-o", str(tmp_path / "s"), *FAKE)
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "s").rglob("*.json")) == ["scan.png.json", "scan.tif.json"]


def test_folders_are_searched_recursively(gcn_page2: Path, tmp_path: Path) -> None:
    _copy(gcn_page2, tmp_path / "in" / "top.png")
    _copy(gcn_page2, tmp_path / "in" / "sub" / "deep.png")
    _copy(gcn_page2, tmp_path / "in" / ".hidden" / "skip.png")
    code, _, err = _extract(str(tmp_path / "in"), "-o", str(tmp_path / "out"), *FAKE)
    assert code == 0, err
    written = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*.json"))
    assert written == ["sub/deep.json", "top.json"]
    top = json.loads((tmp_path / "out" / "top.json").read_text(encoding="utf-8"))
    assert any("duplicate of deep.png" in w for w in top["warnings"])  # added after the run, to the file


def test_several_inputs_on_stdout_are_json_lines(gcn_page2: Path, tmp_path: Path) -> None:
    a = _copy(gcn_page2, tmp_path / "a.png")
    b = _copy(gcn_page2, tmp_path / "b.png")
    code, out, err = _extract(str(a), str(b), *FAKE)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 2
    assert [json.loads(line)["source"] for line in lines] == [str(a), str(b)]
    assert "a.png: duplicate of b.png" in err  # what cannot be added to lines already written
    # One input stays one pretty JSON document.
    code, out, _ = _extract(str(a), *FAKE)
    assert code == 0 and out.startswith("{\n") and json.loads(out)["source"] == str(a)


def test_page_lists_and_pages_beyond_the_file(tmp_path: Path) -> None:
    tiff = tmp_path / "scan.tif"
    frames = [Image.fromarray(np.full((60, 80, 3), 200 + i, np.uint8)) for i in range(5)]
    frames[0].save(tiff, save_all=True, append_images=frames[1:])
    code, out, err = _extract(str(tiff), "--pages", "1,3-4", "--backend", "record", "--no-preprocess")
    assert code == 0, err
    assert sorted(set(RecordingBackend.pages)) == [0, 2, 3]
    assert [p["source"]["page_index"] for p in json.loads(out)["pages"]] == [0, 2, 3]
    RecordingBackend.pages.clear()
    code, out, err = _extract(str(tiff), "--pages", "2,9", "--backend", "record", "--no-preprocess")
    assert code == ExitCode.BAD_INPUT
    assert f"{tiff}: page 9 was asked for, but the file has 5 pages" in err
    assert out == "" and RecordingBackend.pages == []  # nothing read, no empty record
    code, _, err = _extract(str(tiff), "--pages", "3-1", "--backend", "record")
    assert code == ExitCode.BAD_ARGS and "--pages" in err


def test_stdin_is_read_and_named_dash(gcn_page2: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FixedTruthBackend, "truth_of", gcn_page2)
    code, out, err = _extract("-", "--backend", "fixed", "--no-preprocess", input=gcn_page2.read_bytes())
    assert code == 0, err
    doc = json.loads(out)
    assert doc["source"] == "-" and doc["record"]["thua_dat"][0]["so_thua"] == "318"
    assert all(p["source"]["path"] == "-" for p in doc["pages"])
    code, _, err = _extract("-", "--backend", "fixed", input=b"not an image")
    assert code == ExitCode.BAD_INPUT and "-: not a supported image" in err and "digitize-stdin" not in err


def test_ctrl_c_keeps_what_is_done_and_exits_130(gcn_page2: Path, tmp_path: Path) -> None:
    inputs = [str(_copy(gcn_page2, tmp_path / "in" / f"{name}.png")) for name in "abcd"]
    out = tmp_path / "out"
    code, _, err = _extract(*inputs, "-o", str(out), "--backend", "interrupt", "--no-preprocess")
    assert code == EXIT_INTERRUPTED, err
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.json"]  # no temporary files left
    assert json.loads((out / "b.json").read_text(encoding="utf-8"))["record"]["thua_dat"][0]["so_thua"] == "318"
    assert "2 done" in err and "interrupted, 2 not processed" in err
    # A table is written from what was done, too.
    InterruptingBackend.seen.clear()
    table = tmp_path / "form01.csv"
    code, _, err = _extract(*inputs, "--format", "csv", "-o", str(table), "--backend", "interrupt",
                            "--no-preprocess")
    assert code == EXIT_INTERRUPTED, err
    assert len(table.read_text(encoding="utf-8-sig").splitlines()) == 3  # header + 2 rows


def test_summary_and_progress_on_stderr(gcn_page2: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_text("not an image", encoding="utf-8")
    result = CliRunner().invoke(main, ["-v", "extract", str(gcn_page2), str(bad), "-o", str(tmp_path / "o"),
                                       *FAKE])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "[1/2] " in result.stderr and "gcn_2009_2014" in result.stderr
    assert "[2/2] " in result.stderr and "failed (unsupported_format)" in result.stderr
    assert "1 done (1 need review), 1 failed, of 2 inputs in" in result.stderr
    # Without -v and without a terminal: the summary only.
    code, _, err = _extract(str(gcn_page2), *FAKE)
    assert code == 0 and "[1/1]" not in err and "1 done" in err


def test_dossier_to_a_folder(gcn_page2: Path, tmp_path: Path) -> None:
    folder = tmp_path / "hs01"
    _copy(gcn_page2, folder / "p2.png")
    code, _, err = _extract(str(folder), "--dossier", "-o", str(tmp_path / "out") + "/", *FAKE)
    assert code == 0, err
    doc = json.loads((tmp_path / "out" / "hs01.json").read_text(encoding="utf-8"))
    assert doc["source"] == str(folder) and doc["record"]["thua_dat"][0]["so_thua"] == "318"
