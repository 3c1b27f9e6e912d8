"""Chat-like screenshots drawn with Pillow (DejaVu fonts), with known content.

Synthetic people only. Used by the OCR tests and by ``benchmarks/ocr.py``.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class Bubble:
    side: str  # "left" or "right"
    text: str
    time: str


@dataclass(frozen=True)
class Separator:
    text: str


@dataclass(frozen=True)
class Chat:
    clock: str
    title: str
    items: tuple[Bubble | Separator, ...]
    dark: bool = False

    def bubbles(self) -> list[Bubble]:
        return [item for item in self.items if isinstance(item, Bubble)]

    def expected_text(self) -> str:
        parts = [self.clock, "87%", self.title]
        for item in self.items:
            parts.append(item.text)
            if isinstance(item, Bubble):
                parts.append(item.time)
        return " ".join(parts)


@dataclass(frozen=True)
class Theme:
    background: str
    header: str
    header_text: str
    left: str
    right: str
    text: str
    time: str
    separator: str


LIGHT = Theme("#ECE5DD", "#075E54", "#FFFFFF", "#FFFFFF", "#DCF8C6", "#111111", "#667781",
              "#D1E8F5")
DARK = Theme("#0B141A", "#1F2C34", "#E9EDEF", "#1F2C34", "#005C4B", "#E9EDEF", "#8696A0",
             "#182229")


def render(chat: Chat, width: int = 720, height: int | None = None) -> Image.Image:
    unit = width / 1080
    big = ImageFont.truetype(str(FONT), round(42 * unit))
    small = ImageFont.truetype(str(FONT), round(30 * unit))
    theme = DARK if chat.dark else LIGHT
    canvas = Image.new("RGB", (width, height or round(2400 * unit)), theme.background)
    draw = ImageDraw.Draw(canvas)
    draw.text((round(40 * unit), round(14 * unit)), chat.clock, font=small, fill=theme.text)
    draw.text((width - round(150 * unit), round(14 * unit)), "87%", font=small,
              fill=theme.text)
    draw.rectangle((0, round(70 * unit), width, round(200 * unit)), fill=theme.header)
    title_font = ImageFont.truetype(str(BOLD), round(44 * unit))
    draw.text((round(60 * unit), round(108 * unit)), chat.title, font=title_font,
              fill=theme.header_text)
    y = round(250 * unit)
    for item in chat.items:
        if isinstance(item, Separator):
            y = _separator(draw, item, y, width, unit, small, theme)
        else:
            y = _bubble(draw, item, y, width, unit, big, small, theme)
    if height is None:
        canvas = canvas.crop((0, 0, width, max(y + round(40 * unit), round(600 * unit))))
    return canvas


def _separator(draw: ImageDraw.ImageDraw, item: Separator, y: int, width: int, unit: float,
               font: ImageFont.FreeTypeFont, theme: Theme) -> int:
    length = draw.textlength(item.text, font=font)
    pad = round(24 * unit)
    left = (width - length) / 2
    draw.rounded_rectangle((left - pad, y, left + length + pad, y + round(62 * unit)),
                           round(14 * unit), fill=theme.separator)
    draw.text((left, y + round(14 * unit)), item.text, font=font, fill=theme.text)
    return y + round(100 * unit)


def _bubble(draw: ImageDraw.ImageDraw, item: Bubble, y: int, width: int, unit: float,
            big: ImageFont.FreeTypeFont, small: ImageFont.FreeTypeFont, theme: Theme) -> int:
    lines = _wrap(draw, item.text, big, 0.70 * width)
    line_height = round(56 * unit)
    text_width = max(draw.textlength(line, font=big) for line in lines)
    bubble_width = max(text_width, draw.textlength(item.time, font=small)) + round(60 * unit)
    bubble_height = len(lines) * line_height + round(70 * unit)
    left = round(28 * unit) if item.side == "left" else width - round(28 * unit) - bubble_width
    fill = theme.left if item.side == "left" else theme.right
    draw.rounded_rectangle((left, y, left + bubble_width, y + bubble_height),
                           round(22 * unit), fill=fill)
    for index, line in enumerate(lines):
        draw.text((left + round(26 * unit), y + round(16 * unit) + index * line_height), line,
                  font=big, fill=theme.text)
    time_width = draw.textlength(item.time, font=small)
    draw.text((left + bubble_width - time_width - round(22 * unit),
               y + bubble_height - round(46 * unit)), item.time, font=small, fill=theme.time)
    return y + bubble_height + round(34 * unit)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont,
          limit: float) -> list[str]:
    for columns in range(60, 8, -1):
        lines = textwrap.wrap(text, columns, break_long_words=False, break_on_hyphens=False)
        if all(draw.textlength(line, font=font) <= limit for line in lines):
            return lines
    return textwrap.wrap(text, 8)


def png(chat: Chat, width: int = 720, height: int | None = None) -> bytes:
    buffer = io.BytesIO()
    render(chat, width, height).save(buffer, "PNG")
    return buffer.getvalue()
