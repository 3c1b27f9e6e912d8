"""Hostile and odd pictures: a decompression bomb, a truncated PNG, an animated GIF,
HEIC, transparency, garbage. Each is refused with a reason or read, never a crash."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from spoorvast.analysis.ocr import picture, read_picture
from tests.ocr.render import FONT


def chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_header_only(width: int, height: int) -> bytes:
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    return (b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def text_picture(text: str, size: tuple[int, int] = (420, 90)) -> Image.Image:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).text((16, 22), text, font=ImageFont.truetype(str(FONT), 36),
                               fill="black")
    return image


def encoded(image: Image.Image, kind: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


@pytest.mark.parametrize("edge", [20_000, 10_000])
def test_a_decompression_bomb_is_refused_from_its_header(edge: int) -> None:
    with pytest.raises(picture.PictureRefused) as refused:
        picture.prepare(png_header_only(edge, edge))
    assert refused.value.code == "too-large"
    document = read_picture(png_header_only(edge, edge), "eng")
    assert document.refused is not None and document.refused[0] == "too-large"
    assert document.text == "" and document.page.words == ()


def test_the_bomb_is_never_allocated() -> None:
    """In a process limited to 1 GiB of address space (the pixels would need 1.2 GB)."""
    script = textwrap.dedent("""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from spoorvast.analysis.ocr import picture
        data = sys.stdin.buffer.read()
        for opener in (picture.prepare, picture.open_checked):
            try:
                opener(data)
            except picture.PictureRefused as exc:
                print(exc.code)
    """)
    done = subprocess.run([sys.executable, "-c", script], input=png_header_only(20_000, 20_000),
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()[-500:]
    assert done.stdout.decode().split() == ["too-large", "too-large"]


def test_a_truncated_png_is_refused_with_its_reason() -> None:
    data = encoded(text_picture("Hoi daar"), "PNG")
    document = read_picture(data[: len(data) * 6 // 10], "eng")
    assert document.refused == ("unreadable", (("reason", "OSError"),))


def test_an_animated_gif_is_read_from_its_first_frame() -> None:
    first, second = text_picture("FIRST FRAME 1234"), text_picture("OTHER 9876")
    data = encoded(first, "GIF", save_all=True, append_images=[second], duration=500)
    document = read_picture(data, "eng")
    assert document.refused is None and document.page.frame_count == 2
    assert "FIRST FRAME 1234" in document.text and "9876" not in document.text


def test_heic_gets_a_clear_refusal() -> None:
    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", 8 + len(body)) + kind + body

    heic = box(b"ftyp", b"heic\0\0\0\0mif1heic") + box(b"meta", b"\0" * 64)
    document = read_picture(heic, "eng")
    assert document.refused == ("heic", ())


def test_transparent_pictures_are_read_on_white() -> None:
    image = Image.new("RGBA", (420, 90), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((16, 22), "Transparent 42", font=ImageFont.truetype(
        str(FONT), 36), fill=(0, 0, 0, 255))
    document = read_picture(encoded(image, "PNG"), "eng")
    assert "Transparent 42" in document.text and not document.page.dark


def test_jpeg_and_webp_are_read() -> None:
    for kind in ("JPEG", "WEBP"):
        document = read_picture(encoded(text_picture("Bel 0470 12 34 56"), kind), "nld+eng")
        assert "0470 12 34 56" in document.text, kind


@given(st.binary(max_size=2048))
@settings(max_examples=60, deadline=None)
def test_garbage_bytes_never_crash(data: bytes) -> None:
    try:
        picture.prepare(data)
    except picture.PictureRefused as exc:
        assert exc.code in {"too-large", "heic", "unreadable"}
