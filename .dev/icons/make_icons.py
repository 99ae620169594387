#!/usr/bin/env python3
"""Generate the application icons for 在宅医療相談室デスク (zaitaku-desk).

Design: a soft teal rounded-square tile (subtle vertical gradient) with a bold
white house silhouette and a warm orange heart inside it. No text.

The master image is drawn with Pillow's ImageDraw at a supersampled size and
downscaled with LANCZOS for every output, so edges are smooth.

Usage:  python3 .dev/icons/make_icons.py      (requires: pip install pillow)
Writes: icons/{32x32,64x64,128x128,128x128@2x,icon}.png, icon.ico, icon.icns
"""

import io
import struct
from pathlib import Path

from PIL import Image, ImageDraw

# Output directory: <repo>/icons (this script lives in <repo>/.dev/icons/).
OUT = Path(__file__).resolve().parents[2] / "icons"

SS = 2048            # supersampled drawing size
MASTER = 1024        # master size every output is derived from

TEAL_TOP = (53, 160, 146)      # slightly lighter than #2f8f83
TEAL_BOTTOM = (38, 122, 111)   # slightly darker than #2f8f83
WHITE = (255, 255, 255, 255)
ACCENT = (242, 166, 90, 255)   # #f2a65a warm accent


def s(v):
    """Scale a coordinate given on a 1024 grid to the supersampled grid."""
    return round(v * SS / 1024)


def tile():
    """Rounded-square tile with a vertical teal gradient; transparent outside."""
    # Vertical gradient image.
    grad = Image.new("RGBA", (SS, SS))
    gd = ImageDraw.Draw(grad)
    for y in range(SS):
        t = y / (SS - 1)
        c = tuple(round(a + (b - a) * t) for a, b in zip(TEAL_TOP, TEAL_BOTTOM))
        gd.line([(0, y), (SS, y)], fill=c + (255,))
    # Rounded-square mask with a small margin so the tile doesn't touch edges.
    mask = Image.new("L", (SS, SS), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        [s(40), s(40), s(984), s(984)], radius=s(210), fill=255)
    img = Image.new("RGBA", (SS, SS), (0, 0, 0, 0))
    img.paste(grad, (0, 0), mask)
    return img


def house(d):
    """Bold white house: pentagon (roof + body) with rounded corners."""
    # Outline points on the 1024 grid: roof apex, eaves, body bottom corners.
    pts = [(512, 215), (812, 470), (750, 470), (750, 790),
           (274, 790), (274, 470), (212, 470)]
    pts = [(s(x), s(y)) for x, y in pts]
    d.polygon(pts, fill=WHITE)
    # A thick outline with curved joints rounds off every corner softly.
    d.line(pts + [pts[0]], fill=WHITE, width=s(56), joint="curve")
    for x, y in pts:  # round caps at each vertex
        r = s(28)
        d.ellipse([x - r, y - r, x + r, y + r], fill=WHITE)


def heart(d, cx, cy, w):
    """Heart centred at (cx, cy) with width w (1024 grid): two circles + V."""
    r = w / 4                       # lobe radius
    ly = cy - w * 0.12              # lobe centre height
    for lx in (cx - r, cx + r):
        d.ellipse([s(lx - r), s(ly - r), s(lx + r), s(ly + r)], fill=ACCENT)
    # Lower point: tangent-ish triangle from the lobes' outer sides to the tip.
    k = 0.70710678                  # 45-degree tangent points on each lobe
    left = (cx - r - r * k, ly + r * k)
    right = (cx + r + r * k, ly + r * k)
    tip = (cx, ly + r * k + (right[0] - cx))
    d.polygon([(s(left[0]), s(left[1])), (s(cx), s(ly - r * 0.2)),
               (s(right[0]), s(right[1])), (s(tip[0]), s(tip[1]))],
              fill=ACCENT)


def master():
    img = tile()
    d = ImageDraw.Draw(img)
    house(d)
    heart(d, 512, 612, 280)
    return img.resize((MASTER, MASTER), Image.LANCZOS)


def png_bytes(img):
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def write_icns(base, path):
    """Write an ICNS container by hand: 'icns' header + PNG chunks."""
    # icp4/icp5: 16/32 px; ic11..ic10: 16@2x .. 512@2x; ic07..ic09: 128..512.
    chunks = [("icp4", 16), ("icp5", 32), ("ic11", 32), ("ic12", 64),
              ("ic07", 128), ("ic13", 256), ("ic08", 256), ("ic14", 512),
              ("ic09", 512), ("ic10", 1024)]
    body = b""
    for ostype, size in chunks:
        data = png_bytes(base.resize((size, size), Image.LANCZOS))
        body += ostype.encode("ascii") + struct.pack(">I", len(data) + 8) + data
    path.write_bytes(b"icns" + struct.pack(">I", len(body) + 8) + body)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    base = master()
    for name, size in [("32x32.png", 32), ("64x64.png", 64),
                       ("128x128.png", 128), ("128x128@2x.png", 256),
                       ("icon.png", 512)]:
        base.resize((size, size), Image.LANCZOS).save(OUT / name, "PNG")
    ico_sizes = [16, 24, 32, 48, 64, 256]
    base.resize((256, 256), Image.LANCZOS).save(
        OUT / "icon.ico", format="ICO", sizes=[(n, n) for n in ico_sizes])
    write_icns(base, OUT / "icon.icns")
    print("icons written to", OUT)


if __name__ == "__main__":
    main()
