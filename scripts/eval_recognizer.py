#!/usr/bin/env python3
"""Held-out CER of the exported line recogniser (onnxruntime), optionally against Tesseract, and its speed.

    python scripts/eval_recognizer.py --data data/lines/heldout --model models/recognizer/digitize_rec.onnx \
        [--tesseract] [--limit 1000] [--json out.json]

Reads the stored held-out lines (uint8, 32 px high, as ``digitize synth lines`` wrote them),
reads them in width-sorted batches of ``--batch`` with one onnxruntime thread (ms/line
covers the batching and the model, not the decoding), decodes greedily, and reports CER and
exact lines per condition and kind.  ``--tesseract`` reads the same crops with
``TesseractLineReader`` (psm 7); note that Tesseract gets the 32-px line, not the capture's
own resolution.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from digitize.bench.lines import cer_by_slice  # noqa: E402
from digitize.ocr.line_input import batch_lines, ctc_greedy_decode, default_charset  # noqa: E402
from digitize.synth.lines import load_split  # noqa: E402

DEFAULT_MODEL = ROOT / "models" / "recognizer" / "digitize_rec.onnx"


def read_onnx(model: Path, images: list[np.ndarray], batch: int, threads: int) -> tuple[list[str], float, float]:
    """Readings, wall and CPU seconds per line (batching + model) of the ONNX recogniser.

    On a shared machine the CPU time of the one-thread run is the fairer speed figure.
    """
    import onnxruntime as ort

    charset = default_charset()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
    order = np.argsort([im.shape[1] for im in images])
    prepared = [(im.astype(np.float32) / 255.0 - 0.5) / 0.5 for im in images]
    session.run(["logprobs"], {"images": batch_lines(prepared[:2])})  # warm-up
    texts = [""] * len(images)
    seconds = cpu = 0.0
    for s in range(0, len(order), batch):
        idx = order[s : s + batch]
        t0, c0 = time.perf_counter(), time.process_time()
        (logprobs,) = session.run(["logprobs"], {"images": batch_lines([prepared[int(i)] for i in idx])})
        seconds += time.perf_counter() - t0
        cpu += time.process_time() - c0
        for k, i in enumerate(idx):
            texts[int(i)] = ctc_greedy_decode(logprobs[k], charset)[0]
    return texts, seconds / max(len(images), 1), cpu / max(len(images), 1)


def read_tesseract(images: list[np.ndarray]) -> tuple[list[str], float, float]:
    """Readings, wall and CPU seconds per line of Tesseract ``vie`` on the same crops."""
    from digitize.config import find_tessdata
    from digitize.ocr.tesseract import TesseractLineReader

    reader = TesseractLineReader(find_tessdata())
    t0, c0 = time.perf_counter(), time.process_time()
    texts = [" ".join(reader.read(im)[0].split()) for im in images]
    n = max(len(images), 1)
    return texts, (time.perf_counter() - t0) / n, (time.process_time() - c0) / n


def main() -> int:
    """Evaluate and print (and optionally write) the report."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="a held-out split folder of `digitize synth lines`")
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0, help="evaluate an evenly spread subset of this many lines")
    ap.add_argument("--tesseract", action="store_true", help="also read the lines with Tesseract")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    images, records = load_split(args.data)
    if args.limit and args.limit < len(images):
        pick = np.linspace(0, len(images) - 1, args.limit).round().astype(int)
        images, records = [images[i] for i in pick], [records[i] for i in pick]
    out: dict[str, Any] = {"lines": len(images)}
    texts, per_line, cpu = read_onnx(args.model, images, args.batch, args.threads)
    out["onnx"] = {"ms_per_line": round(per_line * 1000, 3), "cpu_ms_per_line": round(cpu * 1000, 3),
                   "threads": args.threads, "batch": args.batch, "report": cer_by_slice(texts, records)}
    if args.tesseract:
        t_texts, t_per_line, t_cpu = read_tesseract(images)
        out["tesseract"] = {"ms_per_line": round(t_per_line * 1000, 3), "cpu_ms_per_line": round(t_cpu * 1000, 3),
                            "report": cer_by_slice(t_texts, records)}
    readers = [r for r in ("onnx", "tesseract") if r in out]
    print(f"{len(images)} lines; " + "; ".join(
        f"{r} {out[r]['ms_per_line']:.2f} ms/line wall, {out[r]['cpu_ms_per_line']:.2f} ms/line CPU" for r in readers))
    print(f"{'':28s}" + "".join(f"{r + ' CER':>16s}{'exact':>8s}" for r in readers) + f"{'lines':>8s}")
    for key in out["onnx"]["report"]:
        row = "".join(f"{out[r]['report'][key]['cer'] * 100:15.2f}%{out[r]['report'][key]['exact'] * 100:7.1f}%"
                      for r in readers)
        print(f"{key:28s}{row}{out['onnx']['report'][key]['lines']:8d}")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
