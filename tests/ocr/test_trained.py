"""The trained line recogniser: batching, odd crops, decoding, a real ONNX file, the backend."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from digitize.config import Settings
from digitize.errors import MissingDependency
from digitize.ocr import trained as trained_mod
from digitize.ocr.line_input import MAX_WIDTH, WIDTH_MULTIPLE, ctc_greedy_decode
from digitize.ocr.trained import TrainedLineReader, load_vocab, plan_batches
from tests.ocr.tiny_onnx import write_tiny_model

CHARSET = ["x", "y", "z", " "]


def _blocks(count: int, width: int = 400, height: int = 40) -> np.ndarray:
    """A white line with ``count`` separate black blocks: the tiny model reads ``"x" * count``."""
    image = np.full((height, width), 255, np.uint8)
    step = width // (count + 1)
    for k in range(count):
        x = step * (k + 1) - step // 4
        image[4:-4, x : x + step // 2] = 0
    return image


@pytest.fixture(scope="module")
def tiny_reader(tmp_path_factory: pytest.TempPathFactory) -> TrainedLineReader:
    pytest.importorskip("onnxruntime")
    model, vocab = write_tiny_model(tmp_path_factory.mktemp("rec"), CHARSET)
    return TrainedLineReader(model, vocab, threads=1, max_batch_lines=3)


def test_plan_batches_sorts_by_width_and_caps_lines_and_columns() -> None:
    widths = [400, 100, 300, 200, 5000]
    batches = plan_batches(widths, max_lines=2, max_columns=1000)
    assert batches == [[1, 3], [2, 0], [4]]  # the over-wide line alone
    assert sorted(i for b in batches for i in b) == list(range(len(widths)))
    assert plan_batches([], 4, 100) == []


def test_decode_of_a_hand_made_logprob_array() -> None:
    # steps: x x blank y blank blank y space z  -> "xy y z"? no: "xyy z" with repeats merged per run
    classes = len(CHARSET) + 1
    path = [1, 1, 0, 2, 0, 2, 4, 3]
    probs = np.full((len(path), classes), 0.02, np.float32)
    for t, c in enumerate(path):
        probs[t, c] = 0.9
    probs[1, 1] = 0.95  # the run's best step gives the character its confidence
    probs /= probs.sum(axis=1, keepdims=True)
    text, confs = ctc_greedy_decode(np.log(probs), CHARSET)
    assert text == "xyy z"
    assert len(confs) == len(text) and confs[0] > confs[1]


def test_vocab_file_forms(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"charset": ["a", "b"], "height": 32, "stride": 4}), "utf-8")
    (tmp_path / "b.json").write_text(json.dumps(["a", "b"]), "utf-8")
    (tmp_path / "c.json").write_text(json.dumps({"height": 32}), "utf-8")
    assert load_vocab(tmp_path / "a.json") == ["a", "b"] == load_vocab(tmp_path / "b.json")
    with pytest.raises(ValueError, match="charset"):
        load_vocab(tmp_path / "c.json")


def test_batches_keep_the_order_of_lines(tiny_reader: TrainedLineReader) -> None:
    counts = [3, 1, 5, 2, 4, 1, 2]  # more lines than one batch holds, in no width order
    widths = [600, 120, 900, 300, 700, 200, 500]
    crops = [_blocks(c, w) for c, w in zip(counts, widths, strict=True)]
    readings = tiny_reader.read_batch(crops)
    assert [text for text, _, _ in readings] == ["x" * c for c in counts]
    for text, mean, confs in readings:
        assert len(confs) == len(text) and 0.0 < mean <= 1.0
        assert all(0.0 <= c <= 1.0 for c in confs)


def test_empty_tiny_and_blank_crops_read_empty(tiny_reader: TrainedLineReader) -> None:
    crops = [np.zeros((0, 0, 3), np.uint8), np.zeros((1, 50), np.uint8), np.full((30, 200, 3), 255, np.uint8),
             _blocks(2)]
    readings = tiny_reader.read_batch(crops)
    assert readings[:3] == [("", 0.0, [])] * 3
    assert readings[3][0] == "xx"
    assert tiny_reader.read_batch([]) == []


def test_a_crop_wider_than_max_width_is_squeezed_not_failed(tiny_reader: TrainedLineReader) -> None:
    wide = _blocks(6, width=MAX_WIDTH * 3, height=32)
    [(text, _, confs)] = tiny_reader.read_batch([wide])
    assert text == "xxxxxx" and len(confs) == 6


def test_a_failing_batch_is_read_line_by_line(tiny_reader: TrainedLineReader,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    real = tiny_reader._infer
    calls: list[int] = []

    def flaky(blob: np.ndarray) -> np.ndarray:
        calls.append(blob.shape[0])
        if blob.shape[0] > 1 or blob.shape[3] > 800:  # the batch fails, and so does one wide line
            raise RuntimeError("shape error")
        return real(blob)

    monkeypatch.setattr(tiny_reader, "_infer", flaky)
    readings = tiny_reader.read_batch([_blocks(1, 200), _blocks(2, 1200), _blocks(3, 300)])
    assert [text for text, _, _ in readings] == ["x", "", "xxx"]
    assert calls[0] > 1


def test_padding_steps_are_not_decoded(tiny_reader: TrainedLineReader) -> None:
    # A short line batched with a long one: the long line's steps past the short one's end are ignored.
    short, long = _blocks(1, 100), _blocks(4, 800)
    assert [r[0] for r in tiny_reader.read_batch([short, long])] == ["x", "xxxx"]
    assert WIDTH_MULTIPLE == 4


def test_missing_model_file_is_a_clear_missing_dependency(tmp_path: Path) -> None:
    with pytest.raises(MissingDependency, match="not available"):
        TrainedLineReader(tmp_path / "nope.onnx", tmp_path / "vocab.json")


def test_a_vocab_that_does_not_fit_the_model_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    model, vocab = write_tiny_model(tmp_path, CHARSET)
    vocab.write_text(json.dumps({"charset": [*CHARSET, "q"]}), "utf-8")
    # The tiny model declares its class count: a longer charset cannot be its alphabet.
    with pytest.raises(ValueError, match="classes"):
        TrainedLineReader(model, vocab)


def test_trained_backend_without_its_model_says_why(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from digitize.ocr import models
    from digitize.ocr.base import available_backends, create_backend

    monkeypatch.setattr(models, "models_dir", lambda: _models_copy(tmp_path))
    problems = available_backends(Settings())
    assert "trained" in problems and "not available" in str(problems["trained"])
    assert "digitize_rec" in str(problems["trained"])
    settings = Settings(recogniser="trained")
    if available_backends(Settings())["default"] is None:
        assert "not available" in str(available_backends(settings)["default"])
        with pytest.raises(MissingDependency, match="digitize_rec"):
            create_backend("trained", settings)


PROJECT_ENTRIES = """
[[model]]
id = "digitize_rec"
file = "recognizer/digitize_rec.onnx"
source = "project"
package = "digitize"

[[model]]
id = "digitize_rec_vocab"
file = "recognizer/vocab.json"
source = "project"
package = "digitize"
"""


def _models_copy(tmp_path: Path) -> Path:
    """A models folder with the real manifest (the recogniser's entries added where it lacks them)
    and no recogniser files."""
    folder = tmp_path / "models"
    folder.mkdir(exist_ok=True)
    manifest = (Path(trained_mod.__file__).resolve().parents[2] / "models" / "manifest.toml").read_text("utf-8")
    if 'id = "digitize_rec"' not in manifest:
        manifest += PROJECT_ENTRIES
    (folder / "manifest.toml").write_text(manifest, "utf-8")
    return folder


@pytest.mark.slow
def test_trained_backend_reads_a_page_with_a_tiny_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                          gcn_page2: Path) -> None:
    """The plumbing end to end: detection, batched reading, Tesseract as second reader, stage times."""
    from digitize.io.loader import load_pages
    from digitize.ocr import models
    from digitize.ocr.base import available_backends, create_backend

    if available_backends(Settings())["default"] is not None:
        pytest.skip("the default backend's models are not installed")
    folder = _models_copy(tmp_path)
    write_tiny_model(folder / "recognizer", CHARSET)
    monkeypatch.setattr(models, "models_dir", lambda: folder)
    backend = create_backend("trained", Settings())
    try:
        assert backend.model_info()["second_reader"].startswith("tesseract")
        [page] = load_pages(gcn_page2)
        lines = backend.read_page(page)
        assert lines and all(ln.text for ln in lines)
        # The tiny model reads only x's: those lines are weak, and Tesseract's reading wins them.
        assert any(ln.engine == "tesseract" and ln.alternatives[-1].engine == "trained" for ln in lines)
        stages = backend.take_stage_times()
        assert {"detect", "recognise", "arbitrate"} <= set(stages)
        readings = backend.reread(page, lines[:3], "text")
        assert len(readings) == 3
        assert all(r is None or r.engine in ("trained", "tesseract") for r in readings)
    finally:
        backend.close()
