"""Write docs/contact-sheet.jpg: one labelled thumbnail per document type x condition.

Usage: python scripts/contact_sheet.py [--out docs/contact-sheet.jpg] [--seed 11] [--jobs 2]
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from digitize.synth import fonts
from digitize.synth.sets import CONDITIONS, UNITS, Item, conditions_for, item_seed, render

CELL_W, CELL_H, LABEL_W, HEAD_H = 250, 300, 210, 40


def _thumb(item: Item) -> tuple[int, int, np.ndarray]:
    img, _, quality = render(item)
    im = Image.fromarray(img)
    im.thumbnail((CELL_W - 10, CELL_H - 10), Image.Resampling.LANCZOS)
    return item.index, quality, np.asarray(im)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path("docs/contact-sheet.jpg"))
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    items: list[Item] = []
    where: dict[int, tuple[int, int]] = {}
    for r, (doc, role, _) in enumerate(UNITS):
        for c, cond in enumerate(CONDITIONS):
            if cond not in conditions_for(doc):
                continue
            page_role = "trang_2+trang_3" if cond == "two_pages" else role
            if cond == "two_pages" and role != "trang_2":
                continue
            idx = len(items)
            items.append(Item(idx, doc, page_role, cond, item_seed(args.seed, idx)))
            where[idx] = (r, c)
    with ProcessPoolExecutor(max_workers=args.jobs) as ex:
        thumbs = list(ex.map(_thumb, items))
    sheet = Image.new("RGB", (LABEL_W + CELL_W * len(CONDITIONS), HEAD_H + CELL_H * len(UNITS)), (255, 255, 255))
    d = ImageDraw.Draw(sheet)
    font = fonts.load(fonts.font_path("sans", fonts.families("sans")[0], "bold"), 18)
    small = fonts.load(fonts.font_path("sans", fonts.families("sans")[0]), 15)
    for c, cond in enumerate(CONDITIONS):
        d.text((LABEL_W + c * CELL_W + CELL_W / 2, HEAD_H / 2), cond, font=font, fill=(0, 0, 0), anchor="mm")
    for r, (doc, role, _) in enumerate(UNITS):
        y = HEAD_H + r * CELL_H + CELL_H / 2
        d.text((8, y - 12), doc, font=small, fill=(0, 0, 0), anchor="lm")
        d.text((8, y + 12), role, font=small, fill=(80, 80, 80), anchor="lm")
        d.line((0, HEAD_H + r * CELL_H, sheet.width, HEAD_H + r * CELL_H), fill=(200, 200, 200))
    for idx, _q, arr in thumbs:
        r, c = where[idx]
        im = Image.fromarray(arr)
        x = LABEL_W + c * CELL_W + (CELL_W - im.width) // 2
        y = HEAD_H + r * CELL_H + (CELL_H - im.height) // 2
        sheet.paste(im, (x, y))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out, quality=82, optimize=True)
    print(f"wrote {args.out} ({len(items)} thumbnails)")


if __name__ == "__main__":
    main()
