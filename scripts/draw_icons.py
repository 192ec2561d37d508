"""Draw each addon's Apps icon, static/description/icon.png.

    python scripts/draw_icons.py [ADDON_DIR...]

One family for all addons: a rounded tile in Tracelink blue with a lighter
band across its lower half, a white symbol and one amber accent. Only the
symbol differs, and says what the addon is about:

    tracelink_cvr        an office building under a magnifying glass
                         (a company looked up in the CVR register)
    tracelink_economic   a ledger sheet with an amber sync badge
                         (accounts kept in step with e-conomic)
    tracelink_crm        a sales funnel whose last stage, Won, is amber
    tracelink_crm_mrp    a factory with an amber gear (cases to production)
    tracelink_crm_economic  a receipt with an amber check mark (the case's
                         order invoiced and paid)

Shapes are drawn at four times the size and scaled down, which smooths
their edges; the result is a 256 x 256 RGBA PNG (Odoo shows it at 50 px in
the Apps list and at about 90 px on the module page; 256 stays sharp on
high-density screens). Every addon (a top-level folder with a
__manifest__.py) needs a symbol below: an addon without one is an error,
so a new addon gets its own icon, not a copy. Pillow, which Odoo requires,
is all it needs.
"""

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw

REPO_ROOT = Path(__file__).resolve().parent.parent

SIZE = 256
SCALE = 4
S = SIZE * SCALE  # drawing canvas

BLUE = (18, 84, 136, 255)  # Tracelink blue, the tile
BLUE_LIGHT = (33, 112, 173, 255)  # the band across the tile
BLUE_DARK = (11, 58, 96, 255)  # details cut into white shapes
WHITE = (255, 255, 255, 255)
AMBER = (255, 196, 0, 255)


def p(*values):
    """Coordinates on a 0-100 grid to canvas pixels."""
    return [round(v * S / 100) for v in values]


def tile():
    """The family's rounded tile with its lighter band."""
    mask = Image.new("L", (S, S), 0)
    ImageDraw.Draw(mask).rounded_rectangle(p(0, 0, 100, 100), radius=p(22)[0], fill=255)
    art = Image.new("RGBA", (S, S), BLUE)
    ImageDraw.Draw(art).polygon(p(0, 72, 100, 44, 100, 100, 0, 100), fill=BLUE_LIGHT)
    icon = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    icon.paste(art, (0, 0), mask)
    return icon


def ring(draw, cx, cy, r, width, fill):
    draw.ellipse(p(cx - r, cy - r, cx + r, cy + r), outline=fill, width=p(width)[0])


def line(draw, points, width, fill):
    """A thick line with round ends."""
    draw.line(p(*points), fill=fill, width=p(width)[0], joint="curve")
    radius = width / 2
    for x, y in (points[:2], points[-2:]):
        draw.ellipse(p(x - radius, y - radius, x + radius, y + radius), fill=fill)


def cvr(draw):
    # office building: a tower and a lower wing, rows of windows, a door
    draw.rounded_rectangle(p(20, 38, 40, 82), radius=p(2)[0], fill=WHITE)
    draw.rounded_rectangle(p(34, 18, 62, 82), radius=p(2)[0], fill=WHITE)
    for row in range(5):
        for col in range(3):
            x, y = 38.5 + col * 7.5, 24 + row * 9
            draw.rectangle(p(x, y, x + 4, y + 5), fill=BLUE)
    for row in range(3):
        x, y = 24.5, 45 + row * 9
        draw.rectangle(p(x, y, x + 5, y + 5), fill=BLUE)
    draw.rectangle(p(45, 70, 51, 82), fill=BLUE)
    # the register look-up: an amber magnifying glass over the corner
    draw.ellipse(p(53, 47, 81, 75), fill=BLUE_LIGHT)
    ring(draw, 67, 61, 13, 5, AMBER)
    line(draw, [76.5, 70.5, 86, 80], 7, AMBER)


def economic(draw):
    # ledger sheet with a folded corner and rows of entries
    draw.polygon(p(22, 16, 56, 16, 70, 30, 70, 84, 22, 84), fill=WHITE)
    draw.polygon(p(56, 16, 56, 30, 70, 30), fill=BLUE_DARK)
    for row in range(5):
        y = 36 + row * 9
        draw.rectangle(p(29, y, 44, y + 3.5), fill=BLUE)
        draw.rectangle(p(50, y, 63, y + 3.5), fill=BLUE)
    # amber badge with two arrows chasing each other: kept in sync
    draw.ellipse(p(52, 54, 88, 90), fill=AMBER)
    box = p(59, 61, 81, 83)
    width = p(3.6)[0]
    draw.arc(box, 200, 330, fill=BLUE_DARK, width=width)
    draw.arc(box, 20, 150, fill=BLUE_DARK, width=width)
    draw.polygon(p(81.5, 64.5, 82.8, 73.5, 74.6, 70), fill=BLUE_DARK)
    draw.polygon(p(58.5, 79.5, 57.2, 70.5, 65.4, 74), fill=BLUE_DARK)


def crm(draw):
    # a sales pipeline as a funnel of stages; the last one, Won, is amber
    stages = [(19, 81, 16, 30.5), (28, 72, 35.5, 50), (36.5, 63.5, 55, 69)]
    for left, right, top, bottom in stages:
        inset = (bottom - top) * 0.2
        draw.polygon(
            p(left, top, right, top, right - inset, bottom, left + inset, bottom),
            fill=WHITE,
        )
    draw.polygon(p(42, 74, 58, 74, 55.5, 87, 44.5, 87), fill=AMBER)


def gear(draw, cx, cy, r_outer, r_inner, teeth, fill, hole):
    """A gear: a disc with square teeth and a hole."""
    points = []
    for i in range(teeth * 4):
        angle = 2 * math.pi * (i - 0.5) / (teeth * 4)
        r = r_outer if i % 4 in (0, 1) else r_inner
        points += [cx + r * math.cos(angle), cy + r * math.sin(angle)]
    draw.polygon(p(*points), fill=fill)
    draw.ellipse(p(cx - hole, cy - hole, cx + hole, cy + hole), fill=BLUE_LIGHT)


def crm_mrp(draw):
    # factory: a chimney, a saw-tooth roof, a row of windows
    draw.rectangle(p(20, 24, 28, 50), fill=WHITE)
    draw.polygon(
        p(16, 84, 16, 50, 34, 38, 34, 50, 52, 38, 52, 50, 70, 38, 70, 84),
        fill=WHITE,
    )
    for col in range(3):
        x = 21 + col * 15
        draw.rectangle(p(x, 58, x + 8, 66), fill=BLUE)
    draw.rectangle(p(24, 72, 32, 84), fill=BLUE)
    # an amber gear turning beside it
    gear(draw, 70, 62, 20, 15, 8, AMBER, 6.5)


def crm_economic(draw):
    # a receipt with a torn (zigzag) lower edge and its lines
    teeth = [(20 + i * 6, 78 if i % 2 else 84) for i in range(9)]
    outline = [20, 16, 68, 16, *(v for t in reversed(teeth) for v in t)]
    draw.polygon(p(*outline), fill=WHITE)
    for row in range(4):
        y = 26 + row * 10
        draw.rectangle(p(27, y, 48, y + 3.5), fill=BLUE)
        draw.rectangle(p(53, y, 61, y + 3.5), fill=BLUE)
    # an amber seal with a check mark: paid
    draw.ellipse(p(52, 54, 88, 90), fill=AMBER)
    draw.line(p(61, 72, 68, 79, 80, 64), fill=BLUE_DARK, width=p(4.5)[0])


SYMBOLS = {
    "tracelink_cvr": cvr,
    "tracelink_economic": economic,
    "tracelink_crm": crm,
    "tracelink_crm_mrp": crm_mrp,
    "tracelink_crm_economic": crm_economic,
}


def icon(name):
    image = tile()
    SYMBOLS[name](ImageDraw.Draw(image))
    return image.resize((SIZE, SIZE), Image.LANCZOS)


def main(argv):
    dirs = (
        [Path(a).resolve() for a in argv]
        if argv
        else sorted(m.parent for m in REPO_ROOT.glob("*/__manifest__.py"))
    )
    missing = [d.name for d in dirs if d.name not in SYMBOLS]
    if missing:
        print(
            f"no symbol for {', '.join(missing)}: draw one in scripts/draw_icons.py",
            file=sys.stderr,
        )
        return 1
    for addon_dir in dirs:
        target = addon_dir / "static" / "description" / "icon.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        icon(addon_dir.name).save(target, optimize=True)
        print(target.relative_to(REPO_ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
