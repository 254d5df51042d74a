"""Bounded load figures for the web app (not a test): p95 of the review queue and the crop
endpoint under 50 concurrent simulated reviewers while uploads are being read, and the
capture-feedback time of a 12-megapixel photo.

    PYTHONPATH=. python scripts/load_web.py --reviewers 50 --seconds 60 --max-requests 5000

It starts its own server (uvicorn, 127.0.0.1 only, fake OCR backend reading the samples'
ground truth) on a throw-away SQLite store in a temporary folder, and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "samples"
PASSWORD = "mat-khau-tai-1"
SEED_DOSSIERS = 4
UPLOAD_PAUSE_S = 0.5
MEGAPIXEL_12 = (4000, 3000)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: str, data: Path, port: int, workers: int) -> None:
    """The server process: the app on the fake backend, sidecars from samples/."""
    import uvicorn

    from digitize.config import Settings
    from digitize.web.app import WebConfig, create_app

    config = WebConfig(db=db, data_dir=data, settings=Settings(backend="fake", pdf_dpi=150), workers=workers,
                       fake_truth_dir=SAMPLES)
    uvicorn.run(create_app(config), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


async def _login(client: httpx.AsyncClient, name: str) -> str:
    page = await client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    response = await client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token.group(1)})
    assert response.status_code == 303, response.status_code
    home = await client.get("/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', home.text)
    assert csrf is not None
    return csrf.group(1)


async def _new_dossier(client: httpx.AsyncClient, csrf: str, name: str) -> int:
    response = await client.post("/dossiers", data={"csrf": csrf, "name": name})
    return int(response.headers["location"].rsplit("/", 1)[1])


async def _upload(client: httpx.AsyncClient, csrf: str, dossier_id: int) -> float:
    files = [("files", (n, (SAMPLES / n).read_bytes(), "application/octet-stream"))
             for n in ("gcn_2009_2014_trang_1-2.pdf", "0003_cccd_mat_truoc_mat_truoc_clean.jpg")]
    begin = time.perf_counter()
    response = await client.post(f"/dossiers/{dossier_id}/uploads", data={"csrf": csrf}, files=files,
                                 headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200
    return time.perf_counter() - begin


async def run_load(base: str, reviewers: int, seconds: float, max_requests: int,
                   think: float = 0.0) -> dict[str, object]:
    """Seed dossiers, then 50 reviewers work the queue and crops while uploads keep coming.

    ``think`` is the seconds a reviewer spends on a field between two requests (jittered
    +-50 %): 0 hammers the server (its saturation), a few seconds is a person reading a
    crop and typing.
    """
    import random

    jitter = random.Random(0)
    timeout = httpx.Timeout(60.0)
    async with httpx.AsyncClient(base_url=base, timeout=timeout) as collector:
        csrf = await _login(collector, "thu_tai")
        seeded = [await _new_dossier(collector, csrf, f"SEED-{i}") for i in range(SEED_DOSSIERS)]
        for dossier_id in seeded:
            await _upload(collector, csrf, dossier_id)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            progress = [await collector.get(f"/dossiers/{d}/progress") for d in seeded]
            if all("data-running" not in p.text for p in progress):
                break
            await asyncio.sleep(1)
    latencies: dict[str, list[float]] = {"queue": [], "crop": []}
    errors = 0
    done = 0
    stop_at = time.monotonic() + seconds
    uploads_during = 0

    async def reviewer(k: int) -> None:
        nonlocal errors, done
        async with httpx.AsyncClient(base_url=base, timeout=timeout) as client:
            await _login(client, "kiem_tai")
            while time.monotonic() < stop_at and done < max_requests:
                begin = time.perf_counter()
                queue = await client.get("/review")
                latencies["queue"].append(time.perf_counter() - begin)
                done += 1
                errors += queue.status_code != 200
                crops = re.findall(r'src="(/fields/\d+/crop.jpg)"', queue.text)
                if crops:
                    begin = time.perf_counter()
                    crop = await client.get(crops[k % len(crops)])
                    latencies["crop"].append(time.perf_counter() - begin)
                    done += 1
                    errors += crop.status_code != 200
                if think:
                    await asyncio.sleep(think * jitter.uniform(0.5, 1.5))

    async def uploader() -> None:
        nonlocal uploads_during
        async with httpx.AsyncClient(base_url=base, timeout=timeout) as client:
            csrf_u = await _login(client, "thu_tai")
            n = 0
            while time.monotonic() < stop_at and done < max_requests:
                dossier_id = await _new_dossier(client, csrf_u, f"LOAD-{n}")
                await _upload(client, csrf_u, dossier_id)
                uploads_during += 2
                n += 1
                await asyncio.sleep(UPLOAD_PAUSE_S)

    begin = time.perf_counter()
    await asyncio.gather(uploader(), *(reviewer(k) for k in range(reviewers)))
    wall = time.perf_counter() - begin
    return {
        "reviewers": reviewers, "think_s": think, "seconds": round(wall, 1), "requests": done, "errors": errors,
        "uploads_during": uploads_during,
        "queue_p50_ms": round(1000 * statistics.median(latencies["queue"]), 1),
        "queue_p95_ms": round(1000 * percentile(latencies["queue"], 95), 1),
        "crop_p50_ms": round(1000 * statistics.median(latencies["crop"]), 1) if latencies["crop"] else None,
        "crop_p95_ms": round(1000 * percentile(latencies["crop"], 95), 1) if latencies["crop"] else None,
    }


def capture_feedback_12mp(repeats: int = 3) -> list[float]:
    """Seconds of the capture check (decode, find the page, quality) on a 12-megapixel JPEG."""
    import cv2

    from digitize.config import Settings
    from digitize.web.uploads import capture_check

    photo = cv2.imread(str(SAMPLES / "0002_gcn_2009_2014_trang_2_phone.jpg"))
    assert photo is not None, "samples/0002_gcn_2009_2014_trang_2_phone.jpg is missing"
    big = cv2.resize(photo, MEGAPIXEL_12, interpolation=cv2.INTER_CUBIC)
    ok, buffer = cv2.imencode(".jpg", big, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    data = buffer.tobytes()
    out = []
    for _ in range(repeats):
        out.append(capture_check(data, "image/jpeg", Settings()).seconds)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=1, help="processing pool size of the server")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a reviewer spends on a field between requests (0: no pause)")
    parser.add_argument("--serve", nargs=3, metavar=("DB", "DATA", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], Path(args.serve[1]), int(args.serve[2]), args.workers)
        return
    with tempfile.TemporaryDirectory() as folder:
        db = f"sqlite:///{Path(folder) / 'load.db'}"
        from digitize.store import Store
        from digitize.web.auth import add_user

        store = Store.open(db)
        with store.session() as session:
            add_user(session, "thu_tai", "collector", "Xã Tải", PASSWORD)
            add_user(session, "kiem_tai", "reviewer", "Xã Tải", PASSWORD)
        store.close()
        port = _free_port()
        server = subprocess.Popen([sys.executable, __file__, "--workers", str(args.workers),
                                   "--serve", db, str(Path(folder) / "data"), str(port)], cwd=ROOT)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    httpx.get(f"{base}/login", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            figures = asyncio.run(run_load(base, args.reviewers, args.seconds, args.max_requests, args.think))
        finally:
            server.terminate()
            server.wait(timeout=30)
    capture = capture_feedback_12mp()
    print("load:", figures)
    print("capture feedback, 12 MP JPEG (s):", [round(s, 2) for s in capture])


if __name__ == "__main__":
    main()
