"""Render packaging/commonplace.png (and smaller sizes) with Pillow from the icon's shapes.

Pillow cannot read SVG, so the shapes of commonplace.svg are listed here once more;
keep the two in step. Run at build time: `python packaging/make_icon.py [OUT_DIR]`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
# (kind, box or centre+radius, fill, radius / outline) on the SVG's 256x256 canvas
SHAPES = [
    ("rect", (8, 8, 248, 248), "#23395d", 48),
    ("rect", (64, 44, 192, 212), "#f5f1e6", 12),
    ("rect", (84, 76, 172, 86), "#9aa5b8", 5),
    ("rect", (84, 104, 172, 118), "#f2b134", 7),
    ("rect", (84, 136, 156, 146), "#9aa5b8", 5),
    ("rect", (84, 164, 140, 174), "#9aa5b8", 5),
    ("circle", (188, 188, 34), "#23395d", None),   # the stroke of the outer circle
    ("circle", (188, 188, 26), "#f2b134", None),
    ("circle", (188, 188, 10), "#23395d", None),
]


def render(size: int) -> Image.Image:
    scale = 4  # draw large, then downsample: cheap anti-aliasing
    s = size * scale / 256
    img = Image.new("RGBA", (size * scale, size * scale), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    for kind, geo, fill, radius in SHAPES:
        if kind == "rect":
            d.rounded_rectangle([v * s for v in geo], radius=radius * s, fill=fill)
        else:
            cx, cy, r = geo
            d.ellipse([(cx - r) * s, (cy - r) * s, (cx + r) * s, (cy + r) * s], fill=fill)
    return img.resize((size, size), Image.LANCZOS)


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    render(256).save(out_dir / "commonplace.png")
    for size in (16, 32, 48, 64, 128):
        render(size).save(out_dir / f"commonplace-{size}.png")
    print(f"icons written to {out_dir}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
