"""``python -m digitize.synth NAME OUT_DIR [--seed N] [--jobs N]``: write a named synthetic set."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from digitize.synth import GENERATOR_VERSION
from digitize.synth.sets import SET_SEEDS, default_jobs, generate_set


def main() -> None:
    """Parse the arguments and write the set."""
    ap = argparse.ArgumentParser(prog="python -m digitize.synth", description=__doc__)
    ap.add_argument("name", choices=sorted(SET_SEEDS))
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, default=None, help="override the set's frozen seed")
    ap.add_argument("--jobs", type=int, default=default_jobs())
    args = ap.parse_args()
    t0 = time.perf_counter()
    paths = generate_set(args.name, args.out_dir, seed=args.seed, jobs=args.jobs)
    print(f"{len(paths)} files in {args.out_dir} (generator {GENERATOR_VERSION}, "
          f"{time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
