"""Day pills drawn light on a darker pill (Telegram's light theme) are found apart, so
Tesseract can read them inverted; bubbles and words are not taken for pills."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from spoorvast.analysis.ocr import picture
from tests.ocr.apps import APPS, png
from tests.ocr.test_apps import screen_of


def test_telegram_lights_two_pills_are_found_where_they_are_drawn() -> None:
    found = picture.pills(picture.prepare(png(screen_of("telegram", False))))
    assert [(box[1], box[3]) for box in found] == [(260, 63), (680, 63)]  # y, height
    assert all(abs(box[0] + box[2] / 2 - 540) < 5 for box in found)  # centred


@pytest.mark.parametrize("app", [a for a in APPS if a != "telegram"])
@pytest.mark.parametrize("dark", [False, True])
def test_other_layouts_have_no_pill_to_read_again(app: str, dark: bool) -> None:
    assert picture.pills(picture.prepare(png(screen_of(app, dark)))) == []


def test_a_pill_is_given_to_tesseract_dark_on_light() -> None:
    canvas = Image.new("RGB", (1080, 400), "#D5E3C8")
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle((440, 100, 640, 162), 14, fill="#7E9A6E")
    draw.rectangle((500, 120, 580, 140), fill="#FFFFFF")  # the "text"
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    prepared = picture.prepare(buffer.getvalue())
    [box] = picture.pills(prepared)
    shown = Image.open(io.BytesIO(picture.pill_picture(prepared, box, 2)))
    assert shown.getpixel((shown.width // 2, shown.height // 2)) < 40  # the text: dark
    assert shown.getpixel((shown.width // 2, 2 * picture.PILL_BORDER + 4)) > 215
