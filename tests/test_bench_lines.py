"""``digitize bench --lines``: the line recognisers side by side on a folder of crops."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from digitize.bench.lines import LineTally, load_line_set, render_lines_markdown, run_line_bench
from tests.conftest import HAVE_TESSERACT


def _line_set(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [("a.png", "Thua dat so 318", "clean", "text", "serif"),
            ("b.png", "1.342,5", "clean", "digits", "sans"),
            ("c.png", "To ban do 12", "blur", "text", "serif"),
            ("gone.png", "missing image", "clean", "text", "serif")]
    for name, text, condition, _, _ in rows[:3]:
        image: np.ndarray = np.full((40, 12 * len(text) + 20, 3), 255, np.uint8)
        cv2.putText(image, text, (6, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (0, 0, 0), 2)
        if condition == "blur":
            image = cv2.GaussianBlur(image, (3, 3), 0)
        cv2.imwrite(str(folder / name), image)
    lines = ["file\ttext\tcondition\tkind\tfont"] + ["\t".join(r) for r in rows]
    (folder / "lines.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_load_line_set_reads_columns_and_skips_missing_images(tmp_path: Path) -> None:
    samples = load_line_set(_line_set(tmp_path / "set"))
    assert [s.file.name for s in samples if s.file] == ["a.png", "b.png", "c.png"]
    assert samples[1].tags == {"condition": "clean", "kind": "digits", "font": "sans", "content": "numeric"}
    assert samples[0].tags["content"] == "words" and samples[0].load().shape[0] == 40
    assert len(load_line_set(tmp_path / "set", limit=2)) == 2
    with pytest.raises(FileNotFoundError):
        load_line_set(tmp_path)


def test_load_the_line_datasets_shards_and_png_export(tmp_path: Path) -> None:
    """The layout of ``digitize synth lines``: labels.jsonl with npz shards, or labels.tsv without a header."""
    folder = tmp_path / "heldout"
    folder.mkdir()
    lines = [np.full((32, w), v, np.uint8) for w, v in ((40, 10), (24, 20), (60, 30))]
    np.savez(folder / "shard-00000.npz", pixels=np.concatenate(lines[:2], axis=1), widths=np.array([40, 24]))
    np.savez(folder / "shard-00001.npz", pixels=lines[2], widths=np.array([60]))
    records = [{"text": t, "condition": c, "doc_type": "cmnd_mat_truoc", "kind": "print", "field": None}
               for t, c in (("Họ tên", "clean"), ("012345678", "phone"), ("Nguyễn", "clean"))]
    (folder / "labels.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                         encoding="utf-8")
    samples = load_line_set(folder)
    assert [s.text for s in samples] == ["Họ tên", "012345678", "Nguyễn"]
    assert [s.load().shape[1] for s in samples] == [40, 24, 60] and samples[2].load()[0, 0] == 30
    assert samples[1].tags == {"condition": "phone", "kind": "print", "content": "numeric",
                               "doc_type": "cmnd_mat_truoc"}
    assert len(load_line_set(folder, limit=2)) == 2
    export = tmp_path / "png_export"
    (export / "png").mkdir(parents=True)
    cv2.imwrite(str(export / "png" / "0000000.png"), lines[0])
    (export / "labels.tsv").write_text("png/0000000.png\tHọ tên\tclean\tcccd_mat_truoc\tprint\t\n", "utf-8")
    [sample] = load_line_set(export)
    assert sample.text == "Họ tên" and sample.tags["doc_type"] == "cccd_mat_truoc" and sample.load().size


def test_tally_counts_cer_and_exact_lines() -> None:
    tally = LineTally()
    tally.add("Thửa đất", "Thửa đất")
    tally.add("Thua đất", "Thửa đất")
    assert tally.summary() == {"lines": 2, "cer": round(1 / 16, 4), "exact": 0.5}


def test_run_and_render_with_a_stub_reader(tmp_path: Path) -> None:
    samples = load_line_set(_line_set(tmp_path / "set"))
    truth = {s.file.name: s.text for s in samples if s.file}
    order = [s.file.name for s in samples if s.file]

    def perfect(crops: list[np.ndarray]) -> list[str]:
        return [truth[name] for name in order[: len(crops)]]

    result = run_line_bench(samples, {"perfect": perfect, "blank": lambda crops: ["" for _ in crops]})
    assert result["perfect"]["overall"] == {"lines": 3, "cer": 0.0, "exact": 1.0}
    assert result["blank"]["overall"]["cer"] == 1.0
    assert set(result["perfect"]["by"]) == {"condition", "kind", "font", "content"}
    assert result["blank"]["by"]["kind"]["digits"]["lines"] == 1
    markdown = render_lines_markdown(result, {"folder": "set", "lines": 3}, {"trained": "not available"})
    assert "| perfect | 0.0 % | 100.0 % |" in markdown
    assert "Per kind" in markdown and "trained: not measured (not available)" in markdown


def test_bench_lines_command_with_the_tiny_trained_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from digitize.bench.cli import LINES_BEGIN, bench_command
    from digitize.ocr import models
    from tests.ocr.test_trained import CHARSET, _models_copy
    from tests.ocr.tiny_onnx import write_tiny_model

    pytest.importorskip("onnxruntime")
    folder = _models_copy(tmp_path)
    write_tiny_model(folder / "recognizer", CHARSET)
    monkeypatch.setattr(models, "models_dir", lambda: folder)
    line_set = _line_set(tmp_path / "set")
    bench_md = tmp_path / "BENCHMARKS.md"
    bench_md.write_text("# Benchmarks\n\nkept\n", encoding="utf-8")
    readers = "trained,tesseract" if HAVE_TESSERACT else "trained"
    result = CliRunner().invoke(bench_command, ["--lines", str(line_set), "--readers", readers + ",nope",
                                                "-o", str(tmp_path / "out"), "--write-benchmarks", str(bench_md)])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "lines.json").read_text(encoding="utf-8"))
    assert data["readers"]["trained"]["overall"]["lines"] == 3
    assert "nope" in data["missing"]
    if HAVE_TESSERACT:
        assert data["readers"]["tesseract"]["overall"]["cer"] < 0.5
    text = bench_md.read_text(encoding="utf-8")
    assert "kept" in text and LINES_BEGIN in text and "| trained |" in text


def test_report_splits_ocr_seconds_into_detection_and_recognition() -> None:
    from digitize.bench.report import _ocr_split, ocr_seconds
    from digitize.bench.runner import Variant, VariantReport

    timings = {"ocr": 0.9, "ocr.detect": 0.5, "ocr.recognise": 0.3, "ocr.arbitrate": 0.1, "ocr.second_reader": 0.2}
    assert ocr_seconds(timings) == pytest.approx(1.1)
    assert ocr_seconds({"extract": 0.1}) is None
    reports = [VariantReport(Variant(name, name, True, ""), {}, {}, {}, {}, {}, {}, t, 1.0, 1, 0.0, 0.0)
               for name, t in (("digitize", timings), ("fake", {"extract": 0.1}))]
    rows: list[str] = []
    _ocr_split(reports, rows.append)
    assert "| digitize | 1.100 | 0.500 | 0.300 | 0.100 | 0.200 |" in rows
    assert not any(row.startswith("| fake") for row in rows)
