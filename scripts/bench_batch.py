#!/usr/bin/env python3
"""Batch benchmark: overhead, scaling, memory, resume, kills, local vs Ray, capacity.

Run from the repository root (``PYTHONPATH=. .venv/bin/python scripts/bench_batch.py``);
``--only`` picks sections, ``-o`` names the JSON report.  Inputs are hard links to the
samples (the fake backend reads their ground truth), so a 10,000-input set costs no disk.
Wall times depend on what else the machine runs: the report records the load average
next to every figure, and CPU times (which contention does not inflate) beside wall times.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from digitize.batch.ledger import Ledger  # noqa: E402
from digitize.batch.runner import BatchOptions, Coordinator  # noqa: E402
from digitize.batch.tasks import TaskResult  # noqa: E402
from digitize.config import Settings  # noqa: E402
from digitize.engine import Engine  # noqa: E402
from digitize.store import Store  # noqa: E402
from tests.batch.conftest import exactly_once  # noqa: E402

SAMPLES = REPO / "samples"
IMAGES = ("0002_gcn_2009_2014_trang_2_phone.jpg", "0004_gcn_truoc_2009_trang_1_scan.jpg",
          "0003_cccd_mat_truoc_mat_truoc_clean.jpg", "0000_gcn_2009_2014_trang_2_clean.jpg",
          "0001_gcn_2024_trang_1_clean.jpg")
SECTIONS = ("overhead", "scaling", "memory", "resume", "kills", "ray", "capacity")
SECONDS_PER_DAY = 86_400
WORK_HOURS_PER_DAY = 8
PROVINCE = {"records": 455_000, "days": 90, "pages_per_record": 3}
NATIONAL_DAY = {"records": 63_000, "days": 1, "pages_per_record": 3}


def load() -> float:
    """The one-minute load average (other work on the machine)."""
    return round(os.getloadavg()[0], 2)


def link_set(folder: Path, n: int, images: tuple[str, ...] = IMAGES, truth: bool = True) -> list[str]:
    """``n`` inputs as hard links to the samples (with their ground truth), 50 per sub-folder."""
    names = []
    for i in range(n):
        sample = SAMPLES / images[i % len(images)]
        rel = f"d{i // 50:04d}/scan_{i:05d}{sample.suffix}"
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(sample, target)
        if truth:
            os.link(sample.with_name(sample.stem + ".gt.json"), target.with_name(target.stem + ".gt.json"))
        names.append(rel)
    return names


def rusage() -> tuple[float, float]:
    """CPU seconds of this process and of its waited-for children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def run(inputs: Path, out: Path, backend: str, jobs: int, *, preprocess: bool = True, executor: str = "local",
        max_tasks: int = 200) -> dict[str, Any]:
    """One batch in this process; wall, CPU and memory figures."""
    settings = Settings(backend=backend, preprocess=preprocess)
    options = BatchOptions(inputs=[str(inputs)], out_dir=out, settings=settings, jobs=jobs, executor=executor,
                           plain_progress=True, max_tasks_per_worker=max_tasks)
    load_before = load()
    cpu_self, cpu_kids = rusage()
    summary = Coordinator(options, progress_stream=io.StringIO()).run()
    cpu_self2, cpu_kids2 = rusage()
    rss_series = {pid: series for pid, series in summary.worker_rss_mib.items() if series}
    return {
        "backend": backend, "preprocess": preprocess, "jobs": jobs, "executor": executor,
        "pages": summary.pages_done, "inputs": summary.counts.get("inputs"), "done": summary.counts.get("done"),
        "failed": summary.counts.get("failed"), "wall_s": round(summary.wall_seconds, 2),
        "pages_per_s": round(summary.pages_done / summary.wall_seconds, 3) if summary.wall_seconds else None,
        "engine_s": round(summary.engine_seconds, 2), "engine_cpu_s": round(summary.engine_cpu_seconds, 2),
        "engine_s_per_page": round(summary.engine_seconds / max(1, summary.pages_done), 3),
        "coordinator_record_s": round(summary.coordinator_seconds, 2),
        "coordinator_cpu_s": round(cpu_self2 - cpu_self, 2), "workers_cpu_s": round(cpu_kids2 - cpu_kids, 2),
        "coordinator_peak_rss_mib": round(summary.coordinator_peak_rss_mib, 1),
        "workers_started": summary.workers_started, "rss_series": rss_series,
        "load_before": load_before, "load_after": load(),
    }


def overhead(r: dict[str, Any]) -> dict[str, Any]:
    """Batch overhead over the engine's own per-page time, one worker: wall and CPU."""
    pages_wall = r["wall_s"] * r["jobs"]
    cpu_total = r["coordinator_cpu_s"] + r["workers_cpu_s"]
    return {"wall_overhead_pct": round(100 * (pages_wall - r["engine_s"]) / r["engine_s"], 1),
            "cpu_overhead_pct": round(100 * (cpu_total - r["engine_cpu_s"]) / r["engine_cpu_s"], 1),
            "coordinator_cpu_pct": round(100 * r["coordinator_cpu_s"] / r["engine_cpu_s"], 1)}


def section_overhead(tmp: Path, report: dict[str, Any], real_pages: int, fake_pages: int) -> None:
    fake_in = tmp / "ov_fake"
    link_set(fake_in, fake_pages)
    fake = run(fake_in, tmp / "ov_fake_out", "fake", 1, preprocess=True)
    real_in = tmp / "ov_real"
    link_set(real_in, real_pages, truth=False)
    real = run(real_in, tmp / "ov_real_out", "default", 1)
    report["overhead"] = {"fake": {**_strip(fake), **overhead(fake)}, "real": {**_strip(real), **overhead(real)}}


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median wall time, with every run's wall time beside it."""
    ordered = sorted(runs, key=lambda r: r["wall_s"])
    return {**_strip(ordered[len(ordered) // 2]), "wall_s_all": [r["wall_s"] for r in runs]}


def section_scaling(tmp: Path, report: dict[str, Any], real_pages: int, fake_pages: int, repeat: int,
                    which: tuple[str, ...] = ("fake_preprocess", "real")) -> None:
    out: dict[str, Any] = dict(report.get("scaling", {}))
    for name, backend, n, truth in (("fake_preprocess", "fake", fake_pages, True),
                                    ("real", "default", real_pages, False)):
        if name not in which:
            continue
        folder = tmp / f"sc_{name}"
        link_set(folder, n, truth=truth)
        ones, twos = [], []
        for k in range(repeat):  # interleaved, so that both see the same background load
            ones.append(run(folder, tmp / f"sc_{name}_1_{k}", backend, 1))
            twos.append(run(folder, tmp / f"sc_{name}_2_{k}", backend, 2))
        one, two = _median_run(ones), _median_run(twos)
        out[name] = {"jobs1": one, "jobs2": two, "speedup_wall": round(one["wall_s"] / two["wall_s"], 2),
                     "speedup_pages_per_s": round(two["pages_per_s"] / one["pages_per_s"], 2)}
    report["scaling"] = out


def _flatness(series: list[float], warm: int) -> dict[str, Any]:
    tail = series[warm:]
    if not tail:
        return {}
    return {"pages": len(series), "rss_after_warmup_mib": round(tail[0], 1), "rss_end_mib": round(tail[-1], 1),
            "rss_min_mib": round(min(tail), 1), "rss_max_mib": round(max(tail), 1),
            "growth_pct": round(100 * (tail[-1] - tail[0]) / tail[0], 1),
            "spread_pct": round(100 * (max(tail) - min(tail)) / tail[0], 1)}


def section_memory(tmp: Path, report: dict[str, Any], fake_pages: int, real_pages: int) -> None:
    fake_in = tmp / "mem_fake"
    link_set(fake_in, fake_pages)
    fake = run(fake_in, tmp / "mem_fake_out", "fake", 2, preprocess=True, max_tasks=100_000)
    real_in = tmp / "mem_real"
    link_set(real_in, real_pages, truth=False)
    real = run(real_in, tmp / "mem_real_out", "default", 1, max_tasks=100_000)
    warm = 20
    report["memory"] = {
        "fake": {"workers": {str(p): _flatness(s, warm) for p, s in fake["rss_series"].items()},
                 "coordinator_peak_rss_mib": fake["coordinator_peak_rss_mib"], "run": _strip(fake)},
        "real": {"workers": {str(p): _flatness(s, 5) for p, s in real["rss_series"].items()},
                 "coordinator_peak_rss_mib": real["coordinator_peak_rss_mib"], "run": _strip(real)},
    }


def section_resume(tmp: Path, report: dict[str, Any], n: int) -> None:
    """A finished n-input store built through the ledger with one real result per input, then resumed."""
    inputs = tmp / "resume_in"
    out = tmp / "resume_out"
    link_set(inputs, n, images=(IMAGES[0],))
    settings = Settings(backend="fake", preprocess=False)
    with Engine(settings) as engine:
        template = engine.process(SAMPLES / IMAGES[0])
    assert not hasattr(template, "code")
    from digitize.batch.discovery import discover
    from digitize.batch.outputs import atomic_write_json, result_path

    begin = time.monotonic()
    _root, candidates = discover([str(inputs)], exclude=out)
    out.mkdir(parents=True, exist_ok=True)
    store = Store.open(None, out)
    ledger = Ledger(store, settings, 3)
    plan = ledger.sync(candidates, ledger.start_job({"bench": "resume"}))
    register_s = time.monotonic() - begin
    for task in plan.tasks:
        output = template.model_copy(update={"source": task.rel}).to_output(include_lines=True)  # type: ignore[union-attr]
        done = ledger.record_result(task, TaskResult(page_id=task.page_id, input_id=task.input_id, output=output))
        assert done is not None and hasattr(done, "document")
        atomic_write_json(result_path(out, task.rel), done.document.to_output())  # type: ignore[union-attr]
    build_s = time.monotonic() - begin
    store.close()
    cmd = [sys.executable, "-m", "digitize.cli", "batch", str(inputs), "--out", str(out), "--backend", "fake",
           "--plain"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    timings = []
    for _ in range(3):
        t = time.monotonic()
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, timeout=600)
        timings.append(round(time.monotonic() - t, 2))
        assert proc.returncode == 0, proc.stderr[-2000:]
    t = time.monotonic()
    proc = subprocess.run([*cmd, "--rehash"], cwd=REPO, env=env, capture_output=True, timeout=600)
    rehash_s = round(time.monotonic() - t, 2)
    t = time.monotonic()
    subprocess.run([sys.executable, "-m", "digitize.cli", "--help"], cwd=REPO, env=env, capture_output=True)
    startup_s = round(time.monotonic() - t, 2)
    report["resume"] = {"inputs": n, "register_s": round(register_s, 1), "build_s": round(build_s, 1),
                        "resume_command_s": timings, "resume_median_s": statistics.median(timings),
                        "resume_rehash_s": rehash_s, "python_cli_startup_s": startup_s,
                        "summary": proc.stderr.decode(errors="replace").strip().splitlines()[-2:],
                        "load": load()}


EARLY_KILL_EVERY = 4
EARLY_KILL_S = (0.2, 4.0)
LATE_KILL_S = (0.0, 3.0)
FIRST_RESULT_TIMEOUT_S = 120.0


def wait_for_results(out: Path, before: int, proc: subprocess.Popen[bytes]) -> None:
    """Until a new result is on disk (or the run ended)."""
    deadline = time.monotonic() + FIRST_RESULT_TIMEOUT_S
    while time.monotonic() < deadline and proc.poll() is None and len(list(out.rglob("*.jpg.json"))) <= before:
        time.sleep(0.1)


def section_kills(tmp: Path, report: dict[str, Any], n: int, kills: int, seed: int) -> None:
    inputs = tmp / "kill_in"
    out = tmp / "kill_out"
    names = link_set(inputs, n, images=IMAGES[:3])
    cmd = [sys.executable, "-m", "digitize.cli", "batch", str(inputs), "--out", str(out), "--backend", "fake",
           "--jobs", "2", "--plain"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "DIGITIZE_PREPROCESS": "false"}
    rng = random.Random(seed)
    done_at_kill = []
    for k in range(kills):
        before = len(list(out.rglob("*.jpg.json")))
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        if k % EARLY_KILL_EVERY == 0:  # during start-up: registration, worker launch
            time.sleep(rng.uniform(*EARLY_KILL_S))
        else:  # while results flow: a random moment after the first new one
            wait_for_results(out, before, proc)
            time.sleep(rng.uniform(*LATE_KILL_S))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        done_at_kill.append(len(list(out.rglob("*.jpg.json"))))
    final = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, timeout=1200)
    check = exactly_once(out, names)
    report["kills"] = {"inputs": n, "kills": kills, "seed": seed, "results_on_disk_after_each_kill": done_at_kill,
                       "final_exit": final.returncode, "lost": len(check["lost"]),
                       "duplicated": len(check["duplicated"]), "mismatched": len(check["mismatched"]),
                       "extra_files": len(check["extra_files"]), "temp_files": len(check["temp_files"]),
                       "failed": len(check["failed"])}


def section_ray(tmp: Path, report: dict[str, Any], pages: int, repeat: int) -> None:
    folder = tmp / "ray_in"
    link_set(folder, pages)
    locals_, rays = [], []
    for k in range(repeat):  # interleaved, so that both see the same background load
        locals_.append(run(folder, tmp / f"ray_local_{k}", "fake", 2))
        rays.append(run(folder, tmp / f"ray_ray_{k}", "fake", 2, executor="ray"))
    report["ray"] = {"local": _median_run(locals_), "ray": _median_run(rays)}


def section_capacity(report: dict[str, Any]) -> None:
    """Machines of this kind for a province and a national day, from the measured real pages/s."""
    scaling = report.get("scaling", {}).get("real", {})
    per_machine = scaling.get("jobs2", {}).get("pages_per_s")
    engine_per_page = scaling.get("jobs1", {}).get("engine_s_per_page")
    ray_factor = 1.0
    if "ray" in report:
        ray_factor = report["ray"]["ray"]["pages_per_s"] / report["ray"]["local"]["pages_per_s"]
    if not per_machine:
        return
    cores = os.cpu_count() or 1
    ideal = cores / engine_per_page if engine_per_page else None
    out: dict[str, Any] = {"measured_pages_per_s_per_machine": per_machine, "cores": cores,
                           "engine_s_per_page": engine_per_page,
                           "uncontended_pages_per_s_per_machine": round(ideal, 3) if ideal else None,
                           "ray_over_local": round(ray_factor, 2)}
    for name, case in (("province", PROVINCE), ("national_day", NATIONAL_DAY)):
        pages = case["records"] * case["pages_per_record"]
        for hours in (24, WORK_HOURS_PER_DAY):
            need = pages / (case["days"] * hours * 3600)
            row = {"pages": pages, "pages_per_s_needed": round(need, 3)}
            for label, rate in (("local_measured", per_machine), ("local_uncontended", ideal),
                                ("ray_measured", per_machine * ray_factor)):
                if rate:
                    row[f"machines_{label}"] = max(1, -(-need // rate))
            out[f"{name}_{hours}h"] = row
    report["capacity"] = out


def _strip(r: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in r.items() if k != "rss_series"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("-o", "--output", type=Path, default=Path("bench-out/batch.json"))
    parser.add_argument("--real-pages", type=int, default=10)
    parser.add_argument("--fake-pages", type=int, default=60)
    parser.add_argument("--memory-fake-pages", type=int, default=1000)
    parser.add_argument("--memory-real-pages", type=int, default=30)
    parser.add_argument("--resume-inputs", type=int, default=10_000)
    parser.add_argument("--kill-inputs", type=int, default=200)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--repeat", type=int, default=1, help="interleaved runs for scaling and ray (median)")
    parser.add_argument("--scaling", nargs="*", default=["fake_preprocess", "real"],
                        choices=["fake_preprocess", "real"])
    args = parser.parse_args()
    report: dict[str, Any] = {"meta": {"cpus": os.cpu_count(), "load_start": load(),
                                       "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}}
    if args.output.exists():
        report = {**json.loads(args.output.read_text(encoding="utf-8")), "meta": report["meta"]}
    tmp = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    try:
        for section in args.only:
            begin = time.monotonic()
            print(f"bench_batch: {section} ...", file=sys.stderr, flush=True)
            if section == "overhead":
                section_overhead(tmp, report, args.real_pages, args.fake_pages)
            elif section == "scaling":
                section_scaling(tmp, report, args.real_pages, args.fake_pages, args.repeat, tuple(args.scaling))
            elif section == "memory":
                section_memory(tmp, report, args.memory_fake_pages, args.memory_real_pages)
            elif section == "resume":
                section_resume(tmp, report, args.resume_inputs)
            elif section == "kills":
                section_kills(tmp, report, args.kill_inputs, args.kills, args.seed)
            elif section == "ray":
                section_ray(tmp, report, args.fake_pages, args.repeat)
            elif section == "capacity":
                section_capacity(report)
            print(f"bench_batch: {section} done in {time.monotonic() - begin:.0f} s", file=sys.stderr, flush=True)
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
