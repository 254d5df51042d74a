"""Write docs/contact-sheet.jpg: one labelled thumbnail per document type x condition.

Usage: python scripts/contact_sheet.py [--out docs/contact-sheet.jpg] [--seed 11] [--jobs 2]
       python scripts/contact_sheet.py --real-style [--out docs/real-style-contact-sheet.jpg]

``--real-style`` writes the real_style sheet instead: per document type, the older
``clean`` and ``phone`` conditions (``two_pages`` for the spread) beside two real_style
images, and a row of full-resolution details of real_style pages (the 2024 two-column
grid, the black serial, handwritten dates and registry numbers, the old-book table).
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from digitize.synth import data, fonts, real_forms, real_old
from digitize.synth.sets import CONDITIONS, REAL_STYLE, UNITS, Item, conditions_for, item_seed, render

CELL_W, CELL_H, LABEL_W, HEAD_H = 250, 300, 210, 40
REAL_ROWS = [("gcn_2024", "trang_1"), ("gcn_2009_2014", "trang_2"), ("gcn_2009_2014", "trang_2+trang_3"),
             ("gcn_truoc_2009", "trang_1"), ("cccd_mat_truoc", "mat_truoc"), ("cccd_mat_sau", "mat_sau"),
             ("can_cuoc_2024_mat_truoc", "mat_truoc"), ("cmnd", "mat_truoc")]
REAL_COLS = ["clean", "phone", REAL_STYLE, REAL_STYLE]
DETAIL_W, DETAIL_H = 500, 300


def _thumb(item: Item) -> tuple[int, int, np.ndarray]:
    img, _, quality = render(item)
    im = Image.fromarray(img)
    im.thumbnail((CELL_W - 10, CELL_H - 10), Image.Resampling.LANCZOS)
    return item.index, quality, np.asarray(im)


def _details(seed: int) -> list[np.ndarray]:
    """Full-resolution crops of flat real_style pages: grid, serial, dates, registry, old table."""
    out = []
    rng = np.random.default_rng(seed)
    page = real_forms.render_2024_page1(data.make_certificate(rng, "gcn_2024"), rng)
    h, w = page.image.shape[:2]
    a = page.boxes["thua_dat[0].so_thua"]
    y0 = int(a[:, 1].min()) - 40
    out.append(page.image[y0: y0 + 300, int(w * 0.08): int(w * 0.92)])
    out.append(page.image[int(h * 0.62): int(h * 0.99), int(w * 0.03): int(w * 0.97)])
    rng = np.random.default_rng(seed + 1)
    page = real_forms.render_2009_page2(data.make_certificate(rng, "gcn_2009_2014"), rng)
    h, w = page.image.shape[:2]
    out.append(page.image[int(h * 0.07): int(h * 0.5), int(w * 0.05): int(w * 0.95)])
    rng = np.random.default_rng(seed + 2)
    page = real_old.render_old_page(data.make_certificate(rng, "gcn_truoc_2009"), rng)
    h, w = page.image.shape[:2]
    out.append(page.image[int(h * 0.2): int(h * 0.6), int(w * 0.04): int(w * 0.96)])
    return out


def real_style_sheet(args: argparse.Namespace) -> None:
    """The real_style sheet: older conditions beside real_style, then full-resolution details."""
    items: list[Item] = []
    where: dict[int, tuple[int, int]] = {}
    for r, (doc, role) in enumerate(REAL_ROWS):
        for c, cond in enumerate(REAL_COLS):
            if "+" in role and cond != REAL_STYLE:
                cond = "two_pages"
            idx = len(items)
            items.append(Item(idx, doc, role, cond, item_seed(args.seed, idx)))
            where[idx] = (r, c)
    with ProcessPoolExecutor(max_workers=args.jobs) as ex:
        thumbs = list(ex.map(_thumb, items))
    details = _details(args.seed)
    detail_rows = (len(details) + 1) // 2
    grid_w = LABEL_W + CELL_W * len(REAL_COLS)
    sheet = Image.new("RGB", (max(grid_w, 2 * DETAIL_W + 30), HEAD_H + CELL_H * len(REAL_ROWS)
                              + HEAD_H + detail_rows * (DETAIL_H + 10)), (255, 255, 255))
    d = ImageDraw.Draw(sheet)
    font = fonts.load(fonts.font_path("sans", fonts.families("sans")[0], "bold"), 18)
    small = fonts.load(fonts.font_path("sans", fonts.families("sans")[0]), 15)
    for c, cond in enumerate(REAL_COLS):
        label = cond if cond != "phone" else "phone (two_pages)"
        d.text((LABEL_W + c * CELL_W + CELL_W / 2, HEAD_H / 2), label if c < 2 else REAL_STYLE, font=font,
               fill=(0, 0, 0) if c < 2 else (170, 20, 20), anchor="mm")
    for r, (doc, role) in enumerate(REAL_ROWS):
        y = HEAD_H + r * CELL_H + CELL_H / 2
        d.text((8, y - 12), doc, font=small, fill=(0, 0, 0), anchor="lm")
        d.text((8, y + 12), role, font=small, fill=(80, 80, 80), anchor="lm")
        d.line((0, HEAD_H + r * CELL_H, sheet.width, HEAD_H + r * CELL_H), fill=(200, 200, 200))
    for idx, _q, arr in thumbs:
        r, c = where[idx]
        im = Image.fromarray(arr)
        sheet.paste(im, (LABEL_W + c * CELL_W + (CELL_W - im.width) // 2,
                         HEAD_H + r * CELL_H + (CELL_H - im.height) // 2))
    top = HEAD_H + CELL_H * len(REAL_ROWS)
    d.text((10, top + HEAD_H / 2), "real_style pages at full resolution (before capture)", font=font, fill=(0, 0, 0),
           anchor="lm")
    for k, arr in enumerate(details):
        im = Image.fromarray(arr)
        im.thumbnail((DETAIL_W, DETAIL_H), Image.Resampling.LANCZOS)
        sheet.paste(im, (10 + (k % 2) * (DETAIL_W + 10), top + HEAD_H + (k // 2) * (DETAIL_H + 10)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out, quality=80, optimize=True)
    print(f"wrote {args.out} ({len(items)} thumbnails, {len(details)} details)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--real-style", action="store_true",
                    help="the real_style sheet (docs/real-style-contact-sheet.jpg)")
    args = ap.parse_args()
    if args.real_style:
        args.out = args.out or Path("docs/real-style-contact-sheet.jpg")
        real_style_sheet(args)
        return
    args.out = args.out or Path("docs/contact-sheet.jpg")
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
