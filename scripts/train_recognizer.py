#!/usr/bin/env python3
"""Train the project's CTC line recogniser on generated lines; export it to ONNX.

Needs the ``train`` extra (PyTorch, onnx); the product itself never imports torch.

    # the dataset (see docs/recognizer.md), then the training run
    digitize synth lines --out data/lines --count 70000 --heldout-count 3000
    python scripts/train_recognizer.py --data data/lines --out runs/rec --steps 4000 --batch 48
    # resume an interrupted run: the same command with --resume
    # the CI smoke test: a tiny dataset and model, end to end, fails if the loss did not fall
    python scripts/train_recognizer.py --quick --out /tmp/rec_quick

The network (a CRNN): a stride-2 conv and four conv blocks with BatchNorm and ReLU take the 32-pixel line to
height 1 and a quarter of its width, a bidirectional LSTM reads along the width, a linear
layer gives the classes.  Input and output follow ``digitize.ocr.line_input``: ``images``
float32 ``[N, 1, 32, W]`` in, ``logprobs`` float32 ``[N, W / 4, len(charset) + 1]`` out.
Lines are augmented on the fly (stretch, affine, blur, low resolution, contrast, noise,
JPEG, ink weight).  Checkpoints (model, optimiser, scheduler, step, random states) go to
``OUT/last.pt`` every ``--checkpoint-every`` steps and ``OUT/best.pt`` on the best held-out
CER; the export writes ``OUT/digitize_rec.onnx`` and ``OUT/vocab.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from digitize.bench.lines import cer_by_slice  # noqa: E402
from digitize.ocr.line_input import (  # noqa: E402
    LINE_HEIGHT,
    PAPER_WHITE,
    WIDTH_MULTIPLE,
    batch_lines,
    ctc_greedy_decode,
    default_charset,
)

ONNX_NAME = "digitize_rec.onnx"
VOCAB_NAME = "vocab.json"
ONNX_OPSET = 17
EXPORT_TOLERANCE = 1e-3  # max |torch - onnxruntime| on the log-probabilities
QUICK_TRAIN_LINES = 300
QUICK_HELDOUT_LINES = 60
QUICK_STEPS = 80
QUICK_BATCH = 16
QUICK_LOSS_DROP = 0.8  # the last losses must be below this share of the first ones
LOSS_WINDOW = 10
MAX_TRAIN_WIDTH = 800  # longer training lines are squeezed to this (pixels at height 32)
EVAL_BATCH = 64
DEFAULT_STEPS = 4000
WARMUP_SHARE = 0.06
WARMUP_SHARE_QUICK = 0.2
FINAL_LR_SHARE = 0.02


def lr_factor(step: int, total: int, warmup: int) -> float:
    """Linear warm-up, then cosine decay to FINAL_LR_SHARE of the peak at ``total`` steps.

    A function of the step alone: a run resumed with another ``--steps`` keeps its place.
    """
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return FINAL_LR_SHARE + (1 - FINAL_LR_SHARE) * 0.5 * (1 + math.cos(math.pi * progress))


@dataclass(frozen=True)
class Arch:
    """The network's sizes (kept in checkpoints so a run can be resumed and exported)."""

    channels: tuple[int, int, int, int] = (16, 32, 64, 112)
    neck: int = 160
    hidden: int = 80

    @classmethod
    def tiny(cls) -> Arch:
        """The --quick smoke test's network."""
        return cls(channels=(8, 16, 24, 32), neck=48, hidden=32)


class Recognizer(nn.Module):
    """CRNN: conv blocks to height 1 and width / 4, a BiLSTM, a linear classifier, log-softmax."""

    def __init__(self, n_classes: int, arch: Arch) -> None:
        super().__init__()
        c1, c2, c3, c4 = arch.channels

        def block(cin: int, cout: int) -> list[nn.Module]:
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

        self.features = nn.Sequential(
            nn.Conv2d(1, c1, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(c1), nn.ReLU(inplace=True),  # 16 x W/2
            *block(c1, c2), nn.MaxPool2d(2, 2),  # 8 x W/4
            *block(c2, c3), nn.MaxPool2d((2, 1), (2, 1)),  # 4 x W/4
            *block(c3, c4), nn.MaxPool2d((2, 1), (2, 1)),  # 2 x W/4
            nn.Conv2d(c4, arch.neck, (2, 1), bias=False), nn.BatchNorm2d(arch.neck), nn.ReLU(inplace=True),  # 1 x W/4
        )
        self.rnn = nn.LSTM(arch.neck, arch.hidden, num_layers=1, bidirectional=True, batch_first=True)
        self.head = nn.Linear(2 * arch.hidden + arch.neck, n_classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """``[N, 1, 32, W]`` -> log-probabilities ``[N, W / 4, classes]``."""
        f = self.features(images).squeeze(2).permute(0, 2, 1)  # N, T, neck
        r, _ = self.rnn(f)
        return torch.log_softmax(self.head(torch.cat([r, f], dim=2)), dim=2)


# ----------------------------------------------------------------------------- data
def load_split(folder: Path) -> tuple[list[np.ndarray], list[dict[str, Any]]]:
    """One split folder of a ``digitize synth lines`` dataset."""
    from digitize.synth.lines import load_split as load

    return load(folder)


def load_data(folder: Path) -> dict[str, tuple[list[np.ndarray], list[dict[str, Any]]]]:
    """The train and held-out splits of a ``digitize synth lines`` folder."""
    return {split: load_split(folder / split) for split in ("train", "heldout")}


def augment(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A uint8 ``[32, W]`` line with random capture damage; still 32 high, width may change."""
    h, w = img.shape
    out = img
    if rng.random() < 0.5:  # font width / aspect
        w = max(8, round(w * rng.uniform(0.8, 1.25)))
        out = cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.5:  # detection box: scale, shift, small rotation and shear
        s = rng.uniform(0.85, 1.1)
        angle = rng.uniform(-1.5, 1.5)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, s)
        m[0, 1] += rng.uniform(-0.15, 0.15)
        m[1, 2] += rng.uniform(-2.0, 2.0)
        out = cv2.warpAffine(out, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    if rng.random() < 0.25:  # low resolution capture
        f = rng.uniform(0.35, 0.75)
        small = cv2.resize(out, (max(4, round(w * f)), max(6, round(h * f))), interpolation=cv2.INTER_AREA)
        out = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.25:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.4, 1.2))
    if rng.random() < 0.15:  # ink weight
        kernel = np.ones((2, 2), np.uint8)
        out = cv2.erode(out, kernel) if rng.random() < 0.5 else cv2.dilate(out, kernel)
    if rng.random() < 0.4:  # contrast, brightness (faded ink, dark paper)
        a, b = rng.uniform(0.45, 1.15), rng.uniform(-30, 40)
        out = np.clip(out.astype(np.float32) * a + b + (1 - a) * 128, 0, 255).astype(np.uint8)
    if rng.random() < 0.2:
        noise = rng.normal(0, rng.uniform(3, 14), out.shape)
        out = np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if rng.random() < 0.2:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(15, 60))])
        if ok:
            decoded = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
            if decoded is not None:
                out = decoded
    return out


def to_input(lines: list[np.ndarray]) -> np.ndarray:
    """uint8 ``[32, W]`` lines as the model's batch (``line_input.batch_lines``), W rounded up to 4."""
    prepared = []
    for img in lines:
        w = img.shape[1]
        w4 = max(WIDTH_MULTIPLE, math.ceil(w / WIDTH_MULTIPLE) * WIDTH_MULTIPLE)
        if w4 != w:
            img = np.pad(img, ((0, 0), (0, w4 - w)), constant_values=PAPER_WHITE)
        prepared.append((img.astype(np.float32) / 255.0 - 0.5) / 0.5)
    return batch_lines(prepared)


class Batches:
    """Random training batches of similar widths (little padding), augmented on the fly."""

    BUCKET = 32  # lines per width bucket drawn together

    def __init__(self, images: list[np.ndarray], texts: list[str], charset: list[str], batch: int) -> None:
        index = {ch: i + 1 for i, ch in enumerate(charset)}
        self.images = images
        self.targets = [[index[ch] for ch in t] for t in texts]
        self.order = np.argsort([im.shape[1] for im in images], kind="stable")
        self.batch = batch

    def draw(self, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(images, flat targets, target lengths) of one batch."""
        n = len(self.order)
        span = min(n, max(self.batch, self.BUCKET * 4))
        start = int(rng.integers(0, max(1, n - span + 1)))
        picks = self.order[start + rng.choice(span, size=min(self.batch, span), replace=False)]
        lines = []
        for i in picks:
            img = augment(self.images[int(i)], rng)
            if img.shape[1] > MAX_TRAIN_WIDTH:
                img = cv2.resize(img, (MAX_TRAIN_WIDTH, LINE_HEIGHT), interpolation=cv2.INTER_AREA)
            lines.append(img)
        targets = [self.targets[int(i)] for i in picks]
        flat = torch.tensor([c for t in targets for c in t], dtype=torch.long)
        lengths = torch.tensor([len(t) for t in targets], dtype=torch.long)
        return torch.from_numpy(to_input(lines)), flat, lengths


# ----------------------------------------------------------------------------- evaluation
def predict(model: nn.Module, images: list[np.ndarray], charset: list[str]) -> list[str]:
    """Greedy readings of uint8 lines, batched by width."""
    model.eval()
    order = np.argsort([im.shape[1] for im in images])
    texts: list[str] = [""] * len(images)
    with torch.no_grad():
        for s in range(0, len(order), EVAL_BATCH):
            idx = order[s : s + EVAL_BATCH]
            logprobs = model(torch.from_numpy(to_input([images[int(i)] for i in idx]))).numpy()
            for k, i in enumerate(idx):
                texts[int(i)] = ctc_greedy_decode(logprobs[k], charset)[0]
    return texts


# ----------------------------------------------------------------------------- checkpoints and export
def save_checkpoint(path: Path, model: nn.Module, optimizer: torch.optim.Optimizer, scheduler: Any, step: int,
                    rng: np.random.Generator, extra: dict[str, Any]) -> None:
    """Everything needed to resume bit for bit: weights, optimiser, scheduler, step, random states."""
    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
             "step": step, "numpy_rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(),
             "python_rng": random.getstate(), **extra}
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def export_onnx(model: nn.Module, out_dir: Path, charset: list[str], arch: Arch,
                extra: dict[str, Any] | None = None) -> Path:
    """Write ``digitize_rec.onnx`` (dynamic N and W) and ``vocab.json``; check onnxruntime against torch."""
    import onnxruntime as ort

    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / ONNX_NAME
    dummy = torch.zeros(2, 1, LINE_HEIGHT, 64)
    torch.onnx.export(model, (dummy,), str(path), input_names=["images"], output_names=["logprobs"],
                      dynamic_axes={"images": {0: "batch", 3: "width"}, "logprobs": {0: "batch", 1: "steps"}},
                      opset_version=ONNX_OPSET, dynamo=False)
    vocab = {"format": 1, "charset": charset, "blank": 0, "height": LINE_HEIGHT, "width_multiple": WIDTH_MULTIPLE,
             "input": "images", "output": "logprobs", "normalisation": "(x / 255 - 0.5) / 0.5, white padding",
             "arch": asdict(arch), **(extra or {})}
    (out_dir / VOCAB_NAME).write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")
    # onnxruntime must give torch's answer, on two batch sizes and widths
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    gen = torch.Generator().manual_seed(0)
    for n, w in ((1, 48), (3, 200)):
        x = torch.rand(n, 1, LINE_HEIGHT, w, generator=gen) * 2 - 1
        with torch.no_grad():
            expected = model(x).numpy()
        got = session.run(["logprobs"], {"images": x.numpy()})[0]
        if got.shape != (n, w // WIDTH_MULTIPLE, len(charset) + 1):
            raise RuntimeError(f"ONNX output shape {got.shape} breaks the contract")
        diff = float(np.abs(got - expected).max())
        if diff > EXPORT_TOLERANCE:
            raise RuntimeError(f"onnxruntime differs from torch by {diff:.2e}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    print(f"exported {path} ({path.stat().st_size / 1e6:.2f} MB) sha256 {digest}", flush=True)
    return path


# ----------------------------------------------------------------------------- training
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="a `digitize synth lines` folder (train/ and heldout/)")
    ap.add_argument("--more-data", type=Path, action="append", default=[],
                    help="another `digitize synth lines` folder whose train split is added (repeatable; "
                         "held-out lines always come from --data)")
    ap.add_argument("--init-from", type=Path,
                    help="start from this checkpoint's weights (a fine-tune: fresh optimiser and schedule)")
    ap.add_argument("--out", type=Path, required=True, help="checkpoints, logs and the exported model")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=None,
                    help=f"training steps (default {DEFAULT_STEPS}; --quick {QUICK_STEPS})")
    ap.add_argument("--batch", type=int, default=48)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads (1: on a shared 2-core machine a second thread mostly waits)")
    ap.add_argument("--train-lines", type=int, default=0, help="use only the first N training lines (0: all)")
    ap.add_argument("--stop-at-step", type=int, default=0, help="checkpoint and stop at this step (a run in stages)")
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--eval-lines", type=int, default=1500, help="held-out lines in the periodic evaluation")
    ap.add_argument("--checkpoint-every", type=int, default=250)
    ap.add_argument("--max-minutes", type=float, default=0.0, help="stop at this wall time, evaluate and export")
    ap.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    ap.add_argument("--quick", action="store_true", help="smoke test: tiny data and model, end to end")
    ap.add_argument("--export-to", type=Path, help="also copy the exported model and vocab.json here")
    ap.add_argument("--export-from", type=Path,
                    help="no training: export this checkpoint (e.g. OUT/best.pt) to OUT/export (and --export-to)")
    return ap.parse_args(argv)


def quick_data(folder: Path, seed: int) -> Path:
    """A tiny generated dataset for --quick."""
    from digitize.synth.lines import generate_lines

    generate_lines(folder, count=QUICK_TRAIN_LINES, heldout_count=QUICK_HELDOUT_LINES, seed=seed, jobs=1)
    return folder


def train(args: argparse.Namespace) -> dict[str, Any]:
    """Run the training; returns the summary also written to ``OUT/summary.json``."""
    t_start = time.perf_counter()
    torch.set_num_threads(args.threads)
    cv2.setNumThreads(1)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    if args.quick:
        args.steps = args.steps or QUICK_STEPS
        args.batch = QUICK_BATCH
        args.eval_every = args.steps
        args.checkpoint_every = max(1, args.steps // 2)
        data_dir = args.data or quick_data(out / "data", args.seed)
    else:
        if args.data is None:
            raise SystemExit("--data is required (or --quick)")
        data_dir = args.data
        args.steps = args.steps or DEFAULT_STEPS
    charset = default_charset()
    arch = Arch.tiny() if args.quick else Arch()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    t0 = time.perf_counter()
    data = load_data(data_dir)
    train_images, train_records = data["train"]
    if args.train_lines:
        train_images, train_records = train_images[: args.train_lines], train_records[: args.train_lines]
    for extra in args.more_data:
        extra_images, extra_records = load_split(extra / "train")
        train_images, train_records = train_images + extra_images, train_records + extra_records
    held_images, held_records = data["heldout"]
    print(f"data: {len(train_images)} train, {len(held_images)} held-out lines from "
          f"{', '.join(str(d) for d in [data_dir, *args.more_data])} "
          f"({time.perf_counter() - t0:.1f} s)", flush=True)
    batches = Batches(train_images, [r["text"] for r in train_records], charset, args.batch)
    eval_pick = np.random.default_rng(args.seed + 1).permutation(len(held_images))[: args.eval_lines]
    eval_images = [held_images[int(i)] for i in eval_pick]
    eval_records = [held_records[int(i)] for i in eval_pick]

    model = Recognizer(len(charset) + 1, arch)
    if args.init_from and not (args.resume and (args.out / "last.pt").exists()):
        model.load_state_dict(torch.load(args.init_from, weights_only=False)["model"])
        print(f"weights from {args.init_from}", flush=True)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model: {n_params / 1e6:.2f} M parameters, arch {asdict(arch)}", flush=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    warmup = max(1, round(args.steps * (WARMUP_SHARE_QUICK if args.quick else WARMUP_SHARE)))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(s, args.steps, warmup))
    ctc = nn.CTCLoss(blank=0, reduction="mean", zero_infinity=True)
    step = 0
    best_cer = math.inf
    losses: list[float] = []
    history: list[dict[str, Any]] = []
    last = out / "last.pt"
    if args.resume and last.exists():
        state = torch.load(last, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step = int(state["step"])
        rng.bit_generator.state = state["numpy_rng"]
        torch.set_rng_state(state["torch_rng"])
        random.setstate(state["python_rng"])
        best_cer = float(state.get("best_cer", math.inf))
        losses = list(state.get("losses", []))
        history = list(state.get("history", []))
        print(f"resumed from {last} at step {step}", flush=True)

    def evaluate() -> dict[str, Any]:
        report = cer_by_slice(predict(model, eval_images, charset), eval_records)
        model.train()
        return report

    def checkpoint(path: Path) -> None:
        save_checkpoint(path, model, optimizer, scheduler, step, rng,
                        {"arch": asdict(arch), "best_cer": best_cer, "losses": losses, "history": history,
                         "seed": args.seed})

    model.train()
    t_train = time.perf_counter()
    step0 = step
    stopped_early = False
    while step < args.steps:
        images, targets, target_lengths = batches.draw(rng)
        logprobs = model(images)  # N, T, C
        t = logprobs.shape[1]
        input_lengths = torch.full((logprobs.shape[0],), t, dtype=torch.long)
        loss = ctc(logprobs.permute(1, 0, 2), targets, input_lengths, target_lengths)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        scheduler.step()
        step += 1
        losses.append(float(loss.item()))
        if step % 50 == 0 or (args.quick and step % 10 == 0):
            rate = (step - step0) / max(time.perf_counter() - t_train, 1e-6)
            print(f"step {step}/{args.steps} loss {np.mean(losses[-50:]):.3f} lr {scheduler.get_last_lr()[0]:.2e} "
                  f"{rate:.2f} steps/s {time.perf_counter() - t_start:.0f} s", flush=True)
        if step % args.eval_every == 0 or step == args.steps:
            report = evaluate()
            history.append({"step": step, "cer": report["all"]["cer"]})
            print(f"eval step {step}: " + ", ".join(f"{k} {v['cer'] * 100:.2f}%" for k, v in report.items()),
                  flush=True)
            if report["all"]["cer"] < best_cer:
                best_cer = report["all"]["cer"]
                checkpoint(out / "best.pt")
        if step % args.checkpoint_every == 0:
            checkpoint(last)
        if args.stop_at_step and step >= args.stop_at_step:
            print(f"stopped at step {step} (--stop-at-step)", flush=True)
            stopped_early = True
            break
        if args.max_minutes and (time.perf_counter() - t_start) / 60 > args.max_minutes:
            print(f"time budget of {args.max_minutes} min reached at step {step}", flush=True)
            stopped_early = True
            break
    checkpoint(last)
    if (out / "best.pt").exists() and not args.quick:
        state = torch.load(out / "best.pt", weights_only=False)
        if float(state.get("best_cer", math.inf)) < (history[-1]["cer"] if history else math.inf):
            model.load_state_dict(state["model"])
            print(f"using the best checkpoint (step {state['step']})", flush=True)
    final = cer_by_slice(predict(model, held_images, charset), held_records)
    print("held-out (all lines): " + ", ".join(f"{k} {v['cer'] * 100:.2f}% ({v['lines']})" for k, v in final.items()),
          flush=True)
    export_dir = out / "export"
    onnx_path = export_onnx(model, export_dir, charset, arch, {"heldout_cer": final["all"]["cer"]})
    if args.export_to:
        args.export_to.mkdir(parents=True, exist_ok=True)
        for name in (ONNX_NAME, VOCAB_NAME):
            (args.export_to / name).write_bytes((export_dir / name).read_bytes())
    first = float(np.mean(losses[:LOSS_WINDOW])) if losses else math.nan
    end = float(np.mean(losses[-LOSS_WINDOW:])) if losses else math.nan
    summary = {"steps": step, "stopped_early": stopped_early, "params": n_params,
               "wall_s": round(time.perf_counter() - t_start, 1), "loss_first": first, "loss_last": end,
               "heldout": final, "onnx": str(onnx_path), "onnx_bytes": onnx_path.stat().st_size,
               "sha256": hashlib.sha256(onnx_path.read_bytes()).hexdigest(), "history": history,
               "args": {k: str(v) for k, v in vars(args).items()}}
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"loss {first:.3f} -> {end:.3f}; wall {summary['wall_s']} s", flush=True)
    return summary


def export_checkpoint(checkpoint: Path, out: Path, export_to: Path | None) -> Path:
    """Export a saved checkpoint without training (its held-out CER, if recorded, goes into vocab.json)."""
    state = torch.load(checkpoint, weights_only=False)
    saved = state["arch"]
    arch = Arch(channels=tuple(saved["channels"]), neck=saved["neck"], hidden=saved["hidden"])
    charset = default_charset()
    model = Recognizer(len(charset) + 1, arch)
    model.load_state_dict(state["model"])
    extra: dict[str, Any] = {"step": int(state["step"])}
    if math.isfinite(float(state.get("best_cer", math.inf))):
        extra["eval_cer"] = float(state["best_cer"])
    path = export_onnx(model, out / "export", charset, arch, extra)
    if export_to:
        export_to.mkdir(parents=True, exist_ok=True)
        for name in (ONNX_NAME, VOCAB_NAME):
            (export_to / name).write_bytes((out / "export" / name).read_bytes())
    return path


def main(argv: list[str] | None = None) -> int:
    """Train (or run the --quick smoke test); non-zero when the quick run's loss did not fall."""
    args = parse_args(argv)
    if args.export_from:
        export_checkpoint(args.export_from, args.out, args.export_to)
        return 0
    if args.quick and args.out is None:
        args.out = Path(tempfile.mkdtemp(prefix="rec_quick_"))
    summary = train(args)
    if args.quick and not summary["loss_last"] < QUICK_LOSS_DROP * summary["loss_first"]:
        print(f"FAIL: the loss did not fall ({summary['loss_first']:.3f} -> {summary['loss_last']:.3f})",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
