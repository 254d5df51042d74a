"""Write the committed sample set into samples/ (synthetic, personal-data-free).

Usage: python scripts/make_samples.py [--out samples]

The ``samples`` set (digitize.synth.sets): a clean GCN 2009/2014 page 2, a clean GCN
2024 page 1, a phone photo of a GCN 2009/2014 page 2, a clean CCCD front, an old red
book scan, and a two-page PDF of a GCN 2009/2014 (pages 1-2), each with ground truth.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from digitize.synth import generate_set


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path("samples"))
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.iterdir():  # only what a previous run of this script wrote
        if old.is_file() and (old.suffix in (".jpg", ".pdf") or old.name.endswith(".gt.json")
                              or old.name == "manifest.json"):
            old.unlink()
    paths = generate_set("samples", args.out, jobs=args.jobs)
    total = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    print(f"wrote {len(paths)} files to {args.out} ({total / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
