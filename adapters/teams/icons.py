"""The two icons a Teams app package must carry, drawn in code.

Drawn here rather than kept as image files so the package never depends on a binary someone
has to redraw when the accent colour changes, and so no imaging library is needed: a PNG is
a few zlib-compressed rows and three checksummed chunks. The glyph is a shield with an
exclamation mark: "something to report, and it is safe to report it".

  color.png    192x192, opaque: the accent colour behind a white shield (anti-aliased)
  outline.png  32x32, RGBA: a white shield outline on a transparent background; every pixel
               is pure white or fully transparent, as Teams requires of the outline icon
"""

from __future__ import annotations

import math
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

COLOR_SIZE: Final = 192
OUTLINE_SIZE: Final = 32
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_RGB: Final = 2
_RGBA: Final = 6
_WHITE: Final = (255, 255, 255)
_SAMPLES: Final = 4  # per axis, per pixel, for the colour icon's smooth edges
_COMPASS: Final = tuple(
    (round(math.cos(math.radians(a)), 6), round(math.sin(math.radians(a)), 6)) for a in range(0, 360, 30)
)


@dataclass(frozen=True)
class _Shield:
    """A shield in unit coordinates (0..1, y down): flat top, straight sides, curved to a point."""

    top: float
    shoulder: float  # where the straight sides start curving in
    bottom: float
    half_width: float
    centre: float = 0.5

    def contains(self, x: float, y: float) -> bool:
        if y < self.top or y > self.bottom:
            return False
        if y <= self.shoulder:
            half = self.half_width
        else:
            s = (y - self.shoulder) / (self.bottom - self.shoulder)
            half = self.half_width * (1.0 - s * s)
        return abs(x - self.centre) <= half

    def on_edge(self, x: float, y: float, width: float) -> bool:
        """Inside the shield and within `width` of its edge: the outline's stroke, even all round."""
        if not self.contains(x, y):
            return False
        return not all(self.contains(x + width * dx, y + width * dy) for dx, dy in _COMPASS)


@dataclass(frozen=True)
class _Exclamation:
    """An exclamation mark: a bar and a round dot below it."""

    bar_top: float
    bar_bottom: float
    bar_half_width: float
    dot_y: float
    dot_radius: float
    centre: float = 0.5

    def contains(self, x: float, y: float) -> bool:
        dx = x - self.centre
        if self.bar_top <= y <= self.bar_bottom and abs(dx) <= self.bar_half_width:
            return True
        dy = y - self.dot_y
        return dx * dx + dy * dy <= self.dot_radius * self.dot_radius


_COLOR_SHIELD: Final = _Shield(top=0.2, shoulder=0.46, bottom=0.82, half_width=0.27)
_COLOR_MARK: Final = _Exclamation(
    bar_top=0.3, bar_bottom=0.55, bar_half_width=0.035, dot_y=0.64, dot_radius=0.04
)
_OUTLINE_SHIELD: Final = _Shield(top=0.06, shoulder=0.45, bottom=0.95, half_width=0.4)
_OUTLINE_STROKE: Final = 2.2 / OUTLINE_SIZE
_OUTLINE_MARK: Final = _Exclamation(
    bar_top=0.22, bar_bottom=0.48, bar_half_width=0.05, dot_y=0.6, dot_radius=0.06
)


def parse_hex_colour(colour: str) -> tuple[int, int, int]:
    """'#RRGGBB' as three bytes; ValueError for anything else."""
    if len(colour) != 7 or colour[0] != "#":
        raise ValueError(f"{colour!r} is not a colour like #2E5C8A")
    try:
        return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))
    except ValueError:
        raise ValueError(f"{colour!r} is not a colour like #2E5C8A") from None


@lru_cache(maxsize=8)
def color_icon(accent: str) -> bytes:
    """The 192x192 full-colour icon: a white shield on the accent colour, the mark in the accent colour."""
    background = parse_hex_colour(accent)
    step = 1.0 / (COLOR_SIZE * _SAMPLES)
    offsets = [(i + 0.5) * step for i in range(_SAMPLES)]
    total = _SAMPLES * _SAMPLES
    rows = []
    for py in range(COLOR_SIZE):
        row = bytearray()
        for px in range(COLOR_SIZE):
            x0, y0 = px / COLOR_SIZE, py / COLOR_SIZE
            white = 0
            for oy in offsets:
                for ox in offsets:
                    x, y = x0 + ox, y0 + oy
                    if _COLOR_SHIELD.contains(x, y) and not _COLOR_MARK.contains(x, y):
                        white += 1
            row.extend(_blend(background, _WHITE, white / total))
        rows.append(bytes(row))
    return encode_png(COLOR_SIZE, COLOR_SIZE, rows, alpha=False)


@lru_cache(maxsize=1)
def outline_icon() -> bytes:
    """The 32x32 outline icon: white on transparent, no partly transparent pixels."""
    rows = []
    for py in range(OUTLINE_SIZE):
        row = bytearray()
        for px in range(OUTLINE_SIZE):
            x, y = (px + 0.5) / OUTLINE_SIZE, (py + 0.5) / OUTLINE_SIZE
            on = _OUTLINE_SHIELD.on_edge(x, y, _OUTLINE_STROKE) or _OUTLINE_MARK.contains(x, y)
            row.extend((255, 255, 255, 255) if on else (0, 0, 0, 0))
        rows.append(bytes(row))
    return encode_png(OUTLINE_SIZE, OUTLINE_SIZE, rows, alpha=True)


def _blend(under: tuple[int, int, int], over: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    r, g, b = (round(u + (o - u) * amount) for u, o in zip(under, over, strict=True))
    return (r, g, b)


def encode_png(width: int, height: int, rows: list[bytes], *, alpha: bool) -> bytes:
    """An 8-bit RGB or RGBA PNG from raw rows (3 or 4 bytes a pixel), each row unfiltered."""
    channels = 4 if alpha else 3
    if len(rows) != height or any(len(row) != width * channels for row in rows):
        raise ValueError(f"expected {height} rows of {width * channels} bytes")
    header = struct.pack(">IIBBBBB", width, height, 8, _RGBA if alpha else _RGB, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 (None) before every row
    return (
        _PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
