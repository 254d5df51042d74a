"""The benchmark end to end on a tiny set (the full and quick sets are run by hand / in CI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from digitize.bench.cli import BEGIN, END, write_section
from digitize.cli import main
from tests.conftest import needs_tesseract
from tests.fixtures import GCN_PAGE2_LINES, GCN_PAGE2_RECORD, render_lines


@needs_tesseract
@pytest.mark.slow
def test_bench_on_a_tiny_set(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    for i in range(2):
        render_lines(folder / f"p{i}.jpg", GCN_PAGE2_LINES, record=GCN_PAGE2_RECORD)
    out = tmp_path / "out"
    bench_md = tmp_path / "BENCHMARKS.md"
    bench_md.write_text("# Benchmarks\n\nintro kept\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["bench", "--set-dir", str(folder), "--no-baselines", "--jobs", "1",
                                       "-o", str(out), "--write-benchmarks", str(bench_md)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    main_variant = data["variants"][0]
    assert main_variant["variant"]["name"] == "digitize"
    assert main_variant["overall"]["images"] == 2
    assert main_variant["overall"]["field_exact"] > 0.5
    text = bench_md.read_text(encoding="utf-8")
    assert "intro kept" in text and BEGIN in text and "| digitize |" in text


def test_write_section_replaces_only_the_generated_block(tmp_path: Path) -> None:
    path = tmp_path / "B.md"
    path.write_text(f"head\n{BEGIN}\nold\n{END}\ntail\n", encoding="utf-8")
    write_section(path, "new")
    assert path.read_text(encoding="utf-8") == f"head\n{BEGIN}\nnew\n{END}\ntail\n"


def test_no_baselines_runs_the_main_variant_alone_unless_backends_are_named() -> None:
    from digitize.bench.runner import MAIN_VARIANT, variants_for
    from digitize.config import Settings

    settings = Settings()
    assert variants_for(None, settings, baselines=False) == [MAIN_VARIANT]
    named = variants_for(["fake"], settings, baselines=False)
    assert named == [MAIN_VARIANT]  # "fake" is never a compared backend
    with_baselines = variants_for(None, settings, baselines=True)
    assert with_baselines[0] == MAIN_VARIANT and len(with_baselines) >= 2
