"""Chat screenshots drawn the way six apps draw them, at phone size (1080 px wide),
light and dark, with Pillow (DejaVu fonts). Synthetic people only.

Where each app draws a bubble's time:

* WhatsApp, Telegram: inside the bubble, bottom right (Telegram adds ✓✓ on sent ones);
* SMS (Android Messages), Messenger: under the bubble, on its side, small and grey;
* iMessage, Instagram: beside the bubble, at the right edge of the screen (the view
  after swiping left, which is how people capture times there).

Day separators are centred (a pill or plain text); the status bar holds the clock,
a carrier name and the battery level.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from tests.ocr.render import BOLD, FONT, Bubble, Separator, _wrap

WIDTH = 1080


@dataclass(frozen=True)
class Style:
    background: str
    bar_text: str
    header: str
    header_text: str
    left: str
    right: str
    left_text: str
    right_text: str
    time: str
    separator: str  # pill colour, or "" for plain text
    separator_text: str


@dataclass(frozen=True)
class App:
    name: str
    time_place: str  # "inside", "below", "beside"
    light: Style
    dark: Style
    sent_mark: str = ""


APPS = {
    "whatsapp": App("whatsapp", "inside",
                    Style("#ECE5DD", "#111111", "#075E54", "#FFFFFF", "#FFFFFF", "#DCF8C6",
                          "#111111", "#111111", "#667781", "#D1E8F5", "#111111"),
                    Style("#0B141A", "#E9EDEF", "#1F2C34", "#E9EDEF", "#1F2C34", "#005C4B",
                          "#E9EDEF", "#E9EDEF", "#8696A0", "#182229", "#E9EDEF")),
    "telegram": App("telegram", "inside",
                    Style("#D5E3C8", "#111111", "#FFFFFF", "#111111", "#FFFFFF", "#EFFDDE",
                          "#111111", "#111111", "#5E8F5A", "#7E9A6E", "#FFFFFF"),
                    Style("#0E1621", "#F5F5F5", "#17212B", "#F5F5F5", "#182533", "#2B5278",
                          "#F5F5F5", "#F5F5F5", "#8FA8C0", "#1E2C3A", "#F5F5F5"),
                    sent_mark=" ✓✓"),
    "sms": App("sms", "below",
               Style("#FFFFFF", "#111111", "#FFFFFF", "#111111", "#E9EEF6", "#D3E3FD",
                     "#111111", "#111111", "#5F6368", "", "#5F6368"),
               Style("#121212", "#E3E3E3", "#121212", "#E3E3E3", "#2D2F31", "#004A77",
                     "#E3E3E3", "#E3E3E3", "#A0A4A8", "", "#A0A4A8")),
    "messenger": App("messenger", "below",
                     Style("#FFFFFF", "#111111", "#FFFFFF", "#111111", "#F0F0F0", "#0084FF",
                           "#111111", "#FFFFFF", "#65676B", "", "#65676B"),
                     Style("#000000", "#E4E6EB", "#000000", "#E4E6EB", "#303030", "#0084FF",
                           "#E4E6EB", "#FFFFFF", "#B0B3B8", "", "#B0B3B8")),
    "imessage": App("imessage", "beside",
                    Style("#FFFFFF", "#111111", "#F6F6F6", "#111111", "#E9E9EB", "#0B84FE",
                          "#111111", "#FFFFFF", "#8E8E93", "", "#8E8E93"),
                    Style("#000000", "#FFFFFF", "#1C1C1E", "#FFFFFF", "#26252A", "#0B84FE",
                          "#FFFFFF", "#FFFFFF", "#8E8E93", "", "#8E8E93")),
    "instagram": App("instagram", "beside",
                     Style("#FFFFFF", "#111111", "#FFFFFF", "#111111", "#EFEFEF", "#7B3FF2",
                           "#111111", "#FFFFFF", "#737373", "", "#737373"),
                     Style("#000000", "#F5F5F5", "#000000", "#F5F5F5", "#262626", "#7B3FF2",
                           "#F5F5F5", "#FFFFFF", "#A8A8A8", "", "#A8A8A8")),
}


@dataclass(frozen=True)
class Screen:
    app: str
    clock: str
    title: str
    items: tuple[Bubble | Separator, ...]
    dark: bool = False
    carrier: str = "Proximus"

    def bubbles(self) -> list[Bubble]:
        return [item for item in self.items if isinstance(item, Bubble)]


@dataclass
class _Pen:
    draw: ImageDraw.ImageDraw
    app: App
    style: Style
    big: ImageFont.FreeTypeFont = field(
        default_factory=lambda: ImageFont.truetype(str(FONT), 42))
    small: ImageFont.FreeTypeFont = field(
        default_factory=lambda: ImageFont.truetype(str(FONT), 30))


def render(screen: Screen) -> Image.Image:
    app = APPS[screen.app]
    style = app.dark if screen.dark else app.light
    canvas = Image.new("RGB", (WIDTH, 2340), style.background)
    pen = _Pen(ImageDraw.Draw(canvas), app, style)
    _status_bar(pen, screen)
    y = 260
    for item in screen.items:
        y = _separator(pen, item, y) if isinstance(item, Separator) else _bubble(pen, item, y)
    return canvas.crop((0, 0, WIDTH, max(y + 60, 900)))


def png(screen: Screen) -> bytes:
    buffer = io.BytesIO()
    render(screen).save(buffer, "PNG")
    return buffer.getvalue()


def _status_bar(pen: _Pen, screen: Screen) -> None:
    pen.draw.text((48, 20), screen.clock, font=pen.small, fill=pen.style.bar_text)
    pen.draw.text((180, 20), screen.carrier, font=pen.small, fill=pen.style.bar_text)
    pen.draw.text((WIDTH - 130, 20), "87%", font=pen.small, fill=pen.style.bar_text)
    pen.draw.rectangle((0, 90, WIDTH, 220), fill=pen.style.header)
    pen.draw.text((150, 130), screen.title, font=ImageFont.truetype(str(BOLD), 44),
                  fill=pen.style.header_text)


def _separator(pen: _Pen, item: Separator, y: int) -> int:
    length = pen.draw.textlength(item.text, font=pen.small)
    left = (WIDTH - length) / 2
    if pen.style.separator:
        pen.draw.rounded_rectangle((left - 24, y, left + length + 24, y + 62), 14,
                                   fill=pen.style.separator)
    pen.draw.text((left, y + 14), item.text, font=pen.small, fill=pen.style.separator_text)
    return y + 100


def _bubble(pen: _Pen, item: Bubble, y: int) -> int:
    place = pen.app.time_place
    stamp = item.time + (pen.app.sent_mark if item.side == "right" else "")
    limit = 0.62 * WIDTH if place == "beside" else 0.70 * WIDTH
    lines = _wrap(pen.draw, item.text, pen.big, limit)
    text_width = max(pen.draw.textlength(line, font=pen.big) for line in lines)
    time_width = pen.draw.textlength(stamp, font=pen.small)
    inside = place == "inside"
    width = max(text_width, time_width if inside else 0) + 60
    height = len(lines) * 56 + (70 if inside else 30)
    right_edge = WIDTH - (200 if place == "beside" else 28)
    left = 28 if item.side == "left" else right_edge - width
    fill, ink = ((pen.style.left, pen.style.left_text) if item.side == "left"
                 else (pen.style.right, pen.style.right_text))
    pen.draw.rounded_rectangle((left, y, left + width, y + height), 36, fill=fill)
    for index, line in enumerate(lines):
        pen.draw.text((left + 30, y + 14 + index * 56), line, font=pen.big, fill=ink)
    if place == "inside":
        pen.draw.text((left + width - time_width - 22, y + height - 46), stamp,
                      font=pen.small, fill=pen.style.time)
        return y + height + 34
    if place == "below":
        x = left + 12 if item.side == "left" else left + width - time_width - 12
        pen.draw.text((x, y + height + 10), stamp, font=pen.small, fill=pen.style.time)
        return y + height + 80
    pen.draw.text((WIDTH - 40 - time_width, y + height / 2 - 18), stamp, font=pen.small,
                  fill=pen.style.time)
    return y + height + 26
