"""Media analysis on synthetic samples made here: no real personal data, no downloads.

Pictures come from Pillow, sound from the stdlib ``wave`` module, MP4 containers and an
oversized PNG header are put together byte by byte, PDFs come from pypdf.
"""

from __future__ import annotations

import io
import logging
import random
import string
import struct
import wave
import zipfile
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import imagehash
import magic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational
from pymediainfo import MediaInfo
from pypdf import PdfWriter

from spoorvast.analysis import media
from spoorvast.analysis._media_base import MESSAGES
from spoorvast.analysis._media_time import mediainfo_stamp, resolve
from spoorvast.analysis.media import MediaReport, analyse, kind_for, sniff_media_type
from spoorvast.findings import registered_codes, render
from spoorvast.model.instant import Instant, OffsetSource, Precision
from spoorvast.model.records import Finding, ItemKind, Location, MediaFacts, Problem, Severity

ZONE = "Europe/Brussels"
DATE_FIELD = Location(field="DateTimeOriginal")
EXIF_INVALID = Problem(Severity.WARNING, "media.exif-time-invalid", location=DATE_FIELD)
EXIF_ASSUMED = Problem(Severity.INFO, "media.exif-time-assumed-zone", (("zone", ZONE),), DATE_FIELD)


def utc(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    microsecond: int = 0,
) -> datetime:
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=UTC)


# ---------------------------------------------------------------- sample makers


def picture(size: tuple[int, int] = (64, 48)) -> Image.Image:
    """A gradient with two shapes: enough structure for a meaningful perceptual hash."""
    image = Image.radial_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((width // 8, height // 8, width // 2, height // 2), fill=(200, 30, 30))
    draw.ellipse((width // 2, height // 2, width - 2, height - 2), fill=(20, 20, 220))
    return image


def exif(
    date: str | None = None,
    offset: str | None = None,
    offset_time: str | None = None,
    subsec: str | None = None,
    make: str | None = None,
    model: str | None = None,
    gps: dict[int, object] | None = None,
) -> bytes:
    """EXIF bytes (``Exif\\0\\0`` + TIFF). Bytes, as Pillow's PNG writer drops an Exif
    object whose first IFD is empty."""
    data = Image.Exif()
    for tag, value in ((0x010F, make), (0x0110, model)):
        if value is not None:
            data[tag] = value
    details = data.get_ifd(ExifTags.IFD.Exif)
    for tag, value in ((0x9003, date), (0x9011, offset), (0x9010, offset_time), (0x9291, subsec)):
        if value is not None:
            details[tag] = value
    if gps is not None:
        data.get_ifd(ExifTags.IFD.GPSInfo).update(gps)
    return data.tobytes()


GPS_FIX: dict[int, object] = {
    0: b"\x02\x03\x00\x00",
    1: "N",
    2: (IFDRational(50), IFDRational(51), IFDRational(0)),
    3: "E",
    4: (IFDRational(4), IFDRational(21), IFDRational(0)),
}


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_header_only(width: int, height: int, exif_data: bytes = b"") -> bytes:
    """A PNG whose header claims ``width`` × ``height`` pixels, with almost no pixels."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    extra = png_chunk(b"eXIf", exif_data) if exif_data else b""
    pixels = png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + header + extra + pixels + png_chunk(b"IEND", b"")


def riff_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")


def wav(seconds: float = 2.0, rate: int = 8000, recorded: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x01\x00" * int(seconds * rate))
    body = buffer.getvalue()[12:]
    if recorded is not None:
        icrd = riff_chunk(b"ICRD", recorded.encode() + b"\x00")
        body += riff_chunk(b"LIST", b"INFO" + icrd)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


def box(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", 8 + len(data)) + kind + data


def full_box(kind: bytes, flags: int, data: bytes) -> bytes:
    return box(kind, b"\x00" + flags.to_bytes(3, "big") + data)


MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
MP4_EPOCH = datetime(1904, 1, 1, tzinfo=UTC)


def sample_table(entry: bytes) -> bytes:
    empty = (
        full_box(b"stts", 0, b"\0" * 4)
        + full_box(b"stsc", 0, b"\0" * 4)
        + full_box(b"stsz", 0, b"\0" * 8)
        + full_box(b"stco", 0, b"\0" * 4)
    )
    return box(b"stbl", full_box(b"stsd", 0, struct.pack(">I", 1) + entry) + empty)


def track(number: int, created: int, handler: bytes, entry: bytes, size: tuple[int, int]) -> bytes:
    tkhd = full_box(
        b"tkhd",
        7,
        struct.pack(">5I", created, created, number, 0, 2000)
        + b"\0" * 16
        + MATRIX
        + struct.pack(">II", size[0] << 16, size[1] << 16),
    )
    mdhd = full_box(b"mdhd", 0, struct.pack(">4IHH", created, created, 1000, 2000, 0x55C4, 0))
    hdlr = full_box(b"hdlr", 0, b"\0" * 4 + handler + b"\0" * 12 + b"H\0")
    header = (
        full_box(b"vmhd", 1, b"\0" * 8) if handler == b"vide" else full_box(b"smhd", 0, b"\0" * 4)
    )
    dinf = box(b"dinf", full_box(b"dref", 0, struct.pack(">I", 1) + full_box(b"url ", 1, b"")))
    minf = box(b"minf", header + dinf + sample_table(entry))
    return box(b"trak", tkhd + box(b"mdia", mdhd + hdlr + minf))


def aac_entry() -> bytes:
    config = bytes([0x05, 2, 0x15, 0x88])  # AAC LC, 8 kHz, mono
    decoder = bytes([0x04, 13 + len(config), 0x40, 0x15]) + b"\0" * 11 + config
    descriptor = bytes([0x03, 3 + len(decoder) + 3]) + b"\x00\x01\x00" + decoder + b"\x06\x01\x02"
    esds = full_box(b"esds", 0, descriptor)
    return box(
        b"mp4a",
        b"\0" * 6
        + struct.pack(">H", 1)
        + b"\0" * 8
        + struct.pack(">HHHHI", 1, 16, 0, 0, 8000 << 16)
        + esds,
    )


def avc_entry(width: int, height: int) -> bytes:
    sps = bytes.fromhex("6742c00ada0f0a6840000003004000000c83c489e0")
    pps = bytes.fromhex("68ce3c80")
    avcc = box(
        b"avcC",
        bytes([1, 0x42, 0xC0, 0x0A, 0xFF, 0xE1])
        + struct.pack(">H", len(sps))
        + sps
        + b"\x01"
        + struct.pack(">H", len(pps))
        + pps,
    )
    return box(
        b"avc1",
        b"\0" * 6
        + struct.pack(">H", 1)
        + b"\0" * 16
        + struct.pack(">HHII", width, height, 0x480000, 0x480000)
        + b"\0" * 4
        + struct.pack(">H", 1)
        + b"\0" * 32
        + struct.pack(">Hh", 0x18, -1)
        + avcc,
    )


def mp4(video: bool, created: datetime | None = datetime(2026, 3, 4, 21, 15, tzinfo=UTC)) -> bytes:
    """An MP4 with an AAC track, plus an AVC 160×120 track if ``video``."""
    stamp = int((created - MP4_EPOCH).total_seconds()) if created else 0
    mvhd = full_box(
        b"mvhd",
        0,
        struct.pack(">4IIH", stamp, stamp, 1000, 2000, 0x10000, 0x100)
        + b"\0" * 10
        + MATRIX
        + b"\0" * 24
        + struct.pack(">I", 3),
    )
    tracks = track(2, stamp, b"soun", aac_entry(), (0, 0))
    if video:
        tracks = track(1, stamp, b"vide", avc_entry(160, 120), (160, 120)) + tracks
    return box(b"ftyp", b"isom\0\0\0\0isommp42") + box(b"moov", mvhd + tracks)


def pdf(pages: int = 3, user_password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if user_password is not None:
        writer.encrypt(
            user_password=user_password, owner_password="owner-secret", algorithm="AES-256"
        )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def heic() -> bytes:
    return box(b"ftyp", b"heic\0\0\0\0mif1heic") + box(b"meta", b"\0" * 64)


def noise_png(size: int = 128) -> bytes:
    pixels = random.Random(7).randbytes(size * size * 3)
    return encode(Image.frombytes("RGB", (size, size), pixels), "PNG")


def animated(fmt: str) -> bytes:
    frames = [picture().rotate(angle) for angle in (0, 90, 180)]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, bytes], Path]:
    def _write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return _write


# ---------------------------------------------------------------- sniffing and kinds


def test_media_type_comes_from_content_not_name(write: Callable[[str, bytes], Path]) -> None:
    path = write("holiday.pdf", encode(picture(), "PNG"))
    assert sniff_media_type(path) == "image/png"
    assert analyse(path, ZONE).kind is ItemKind.IMAGE


def test_sniffing_reads_a_bounded_head(
    write: Callable[[str, bytes], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    real = magic.Magic.from_buffer  # each thread's handle (media._magic)

    def spy(self: magic.Magic, buffer: bytes) -> str:
        seen.append(len(buffer))
        return str(real(self, buffer))

    monkeypatch.setattr(magic.Magic, "from_buffer", spy)
    assert sniff_media_type(write("long.txt", b"plain words\n" * 100_000)) == "text/plain"
    assert seen == [media.SNIFF_BYTES]
    assert media.SNIFF_BYTES <= 16 * 1024


@pytest.mark.parametrize(
    ("media_type", "kind"),
    [
        ("image/png", ItemKind.IMAGE),
        ("image/heic", ItemKind.IMAGE),
        ("audio/x-wav", ItemKind.AUDIO),
        ("video/mp4", ItemKind.VIDEO),
        ("application/ogg", ItemKind.AUDIO),
        ("application/pdf", ItemKind.PDF),
        ("text/plain", ItemKind.DOCUMENT),
        ("application/msword", ItemKind.DOCUMENT),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ItemKind.DOCUMENT,
        ),
        ("application/vnd.oasis.opendocument.text", ItemKind.DOCUMENT),
        ("application/zip", ItemKind.FILE),
        ("application/octet-stream", ItemKind.FILE),
        ("application/x-empty", ItemKind.FILE),
    ],
)
def test_kind_for(media_type: str, kind: ItemKind) -> None:
    assert kind_for(media_type) is kind


@pytest.mark.parametrize(
    ("data", "media_type", "kind"),
    [
        (random.Random(1).randbytes(4096), "application/octet-stream", ItemKind.FILE),
        (b"", "application/x-empty", ItemKind.FILE),
        (b"Dear diary. Nothing happened today.\n" * 5, "text/plain", ItemKind.DOCUMENT),
    ],
    ids=["garbage", "empty", "text"],
)
def test_files_not_looked_into(
    write: Callable[[str, bytes], Path], data: bytes, media_type: str, kind: ItemKind
) -> None:
    assert analyse(write("sample", data), ZONE) == MediaReport(media_type, kind, None, ())


def test_office_document_is_a_document(write: Callable[[str, bytes], Path]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns='
            '"http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    report = analyse(write("letter.bin", buffer.getvalue()), ZONE)
    assert report.kind is ItemKind.DOCUMENT
    assert report.media is None


def test_unknown_case_zone_is_refused(write: Callable[[str, bytes], Path]) -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        analyse(write("a.png", encode(picture(), "PNG")), "Mars/Olympus")


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        analyse(tmp_path / "gone.png", ZONE)


# ---------------------------------------------------------------- pictures


def test_plain_png(write: Callable[[str, bytes], Path]) -> None:
    image = picture()
    report = analyse(write("plain.png", encode(image, "PNG")), ZONE)
    expected = MediaFacts(
        width=64,
        height=48,
        gps_present=False,
        frame_count=1,
        perceptual_hash=str(imagehash.phash(image)),
    )
    assert report == MediaReport("image/png", ItemKind.IMAGE, expected, ())


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp"), ("TIFF", "image/tiff")],
)
def test_exif_with_explicit_offset(
    write: Callable[[str, bytes], Path], fmt: str, media_type: str
) -> None:
    data = exif(date="2026:03:04 22:15:00", offset="+01:00", make="Acme", model="Phone 3")
    report = analyse(write("photo", encode(picture(), fmt, exif=data)), ZONE)
    assert report.media_type == media_type
    assert report.problems == ()
    assert report.media is not None
    assert report.media.taken_at == Instant(
        utc=utc(2026, 3, 4, 21, 15),
        offset_seconds=3600,
        source=OffsetSource.EXPLICIT,
        precision=Precision.SECOND,
        zone=None,
        raw="2026:03:04 22:15:00 +01:00",
    )
    assert report.media.device == "Acme Phone 3"
    assert (report.media.width, report.media.height) == (64, 48)
    assert report.media.gps_present is False


def test_offset_time_is_used_without_offset_time_original(
    write: Callable[[str, bytes], Path],
) -> None:
    data = exif(date="2026:03:04 22:15:00", offset_time="-05:00")
    report = analyse(write("photo.jpg", encode(picture(), "JPEG", exif=data)), ZONE)
    assert report.media is not None and report.media.taken_at is not None
    assert report.media.taken_at.utc == utc(2026, 3, 5, 3, 15)
    assert report.media.taken_at.offset_seconds == -5 * 3600
    assert report.problems == ()


@pytest.mark.parametrize(
    ("date", "expected_utc", "offset"),
    [
        ("2026:03:04 22:15:00", utc(2026, 3, 4, 21, 15), 3600),  # winter: CET
        ("2026:07:01 12:00:00", utc(2026, 7, 1, 10, 0), 7200),  # summer: CEST
    ],
)
def test_exif_without_offset_assumes_case_zone(
    write: Callable[[str, bytes], Path], date: str, expected_utc: datetime, offset: int
) -> None:
    png = encode(picture(), "PNG", exif=exif(date=date, offset="   :  "))
    report = analyse(write("photo.png", png), ZONE)
    assert report.media is not None
    assert report.media.taken_at == Instant(
        utc=expected_utc,
        offset_seconds=offset,
        source=OffsetSource.ASSUMED_ZONE,
        precision=Precision.SECOND,
        zone=ZONE,
        raw=date,
    )
    assert report.problems == (EXIF_ASSUMED,)


@pytest.mark.parametrize(("subsec", "millis"), [("123", 123), ("5", 500), ("98765", 987)])
def test_subsec_gives_millisecond_precision(
    write: Callable[[str, bytes], Path], subsec: str, millis: int
) -> None:
    data = exif(date="2026:03:04 22:15:00", offset="+01:00", subsec=subsec)
    report = analyse(write("photo.jpg", encode(picture(), "JPEG", exif=data)), ZONE)
    assert report.media is not None
    assert report.media.taken_at == Instant(
        utc=utc(2026, 3, 4, 21, 15, 0, millis * 1000),
        offset_seconds=3600,
        source=OffsetSource.EXPLICIT,
        precision=Precision.MILLISECOND,
        raw=f"2026:03:04 22:15:00.{subsec} +01:00",
    )


def test_gps_presence_is_reported_never_the_place(write: Callable[[str, bytes], Path]) -> None:
    data = exif(make="Acme", gps=GPS_FIX)
    report = analyse(write("walk.jpg", encode(picture(), "JPEG", exif=data)), ZONE)
    assert report.media is not None
    assert report.media.gps_present is True
    assert report.problems == ()
    shown = repr(report)
    assert "50.0" not in shown and "21.0" not in shown


def test_gps_block_without_coordinates_is_no_gps(write: Callable[[str, bytes], Path]) -> None:
    data = exif(make="Acme", gps={0: b"\x02\x03\x00\x00"})
    report = analyse(write("walk.jpg", encode(picture(), "JPEG", exif=data)), ZONE)
    assert report.media is not None
    assert report.media.gps_present is False


@pytest.mark.parametrize(
    ("make", "model", "device"),
    [
        ("Acme\x00", " Acme\tPhone 3 \n", "Acme Phone 3"),  # not "Acme Acme Phone 3"
        ("Acme", None, "Acme"),
        (None, "Phone 3", "Phone 3"),
        ("  ", "\x00", None),
    ],
)
def test_device_name(
    write: Callable[[str, bytes], Path],
    make: str | None,
    model: str | None,
    device: str | None,
) -> None:
    jpeg = encode(picture(), "JPEG", exif=exif(make=make, model=model))
    report = analyse(write("photo.jpg", jpeg), ZONE)
    assert report.media is not None
    assert report.media.device == device


@pytest.mark.parametrize(
    "date",
    [
        "0000:00:00 00:00:00",
        "garbage-SECRET",
        "",
        "    :  :     :  :  ",
        "2026:13:45 09:00:00",
        "2026:02:30 10:00:00",
        "2026:03:04 24:00:00",
    ],
)
def test_bad_exif_dates_are_findings(write: Callable[[str, bytes], Path], date: str) -> None:
    data = exif(date=date, offset="+01:00", make="Acme")
    report = analyse(write("photo.jpg", encode(picture(), "JPEG", exif=data)), ZONE)
    assert report.media is not None
    assert report.media.taken_at is None
    assert report.media.device == "Acme"
    assert report.problems == (EXIF_INVALID,)


def test_exif_date_pushed_out_of_range_is_a_finding(write: Callable[[str, bytes], Path]) -> None:
    data = exif(date="0001:01:01 00:30:00", offset="+01:00")
    report = analyse(write("photo.jpg", encode(picture(), "JPEG", exif=data)), ZONE)
    assert report.problems == (EXIF_INVALID,)


@pytest.mark.parametrize(
    ("fmt", "media_type"), [("GIF", "image/gif"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_animation_frames(write: Callable[[str, bytes], Path], fmt: str, media_type: str) -> None:
    report = analyse(write("moving", animated(fmt)), ZONE)
    assert report.media_type == media_type
    assert report.media is not None
    assert report.media.frame_count == 3
    assert (report.media.width, report.media.height) == (64, 48)
    assert report.problems == ()


def test_large_jpeg_hash_matches_png(write: Callable[[str, bytes], Path]) -> None:
    image = picture((2400, 1800))
    as_jpeg = analyse(write("big.jpg", encode(image, "JPEG", quality=90)), ZONE).media
    as_png = analyse(write("big.png", encode(image, "PNG")), ZONE).media
    assert as_jpeg is not None and as_png is not None
    assert (as_jpeg.width, as_jpeg.height) == (2400, 1800)
    assert as_jpeg.perceptual_hash is not None and as_png.perceptual_hash is not None
    distance = imagehash.hex_to_hash(as_jpeg.perceptual_hash) - imagehash.hex_to_hash(
        as_png.perceptual_hash
    )
    assert distance <= 6


def test_truncated_png_keeps_its_header_facts(write: Callable[[str, bytes], Path]) -> None:
    data = noise_png()
    report = analyse(write("cut.png", data[: len(data) * 6 // 10]), ZONE)
    assert report.media == MediaFacts(width=128, height=128, frame_count=1)
    assert report.problems == (
        Problem(Severity.WARNING, "media.image-unreadable", (("reason", "OSError"),)),
    )


def test_png_cut_inside_its_header(write: Callable[[str, bytes], Path]) -> None:
    report = analyse(write("cut.png", noise_png()[:40]), ZONE)
    assert report == MediaReport(
        "image/png",
        ItemKind.IMAGE,
        None,
        (
            Problem(
                Severity.WARNING, "media.image-unreadable", (("reason", "UnidentifiedImageError"),)
            ),
        ),
    )


@pytest.mark.parametrize("edge", [20_000, 10_000])  # over twice the limit; just over it
def test_decompression_bomb_is_reported_not_decoded(
    write: Callable[[str, bytes], Path], edge: int
) -> None:
    assert edge * edge > Image.MAX_IMAGE_PIXELS  # type: ignore[operator]
    report = analyse(write("huge.png", png_header_only(edge, edge)), ZONE)
    assert report == MediaReport(
        "image/png",
        ItemKind.IMAGE,
        MediaFacts(
            width=edge,
            height=edge,
            frame_count=1,
        ),
        (
            Problem(
                Severity.WARNING,
                "media.image-too-large",
                (("width", str(edge)), ("height", str(edge))),
            ),
        ),
    )


def test_too_large_picture_still_gives_its_date(write: Callable[[str, bytes], Path]) -> None:
    tiff = exif(date="2026:03:04 22:15:00", offset="+01:00").removeprefix(b"Exif\0\0")
    report = analyse(write("huge.png", png_header_only(20_000, 20_000, tiff)), ZONE)
    assert report.media is not None and report.media.taken_at is not None
    assert report.media.taken_at.utc == utc(2026, 3, 4, 21, 15)
    assert report.media.perceptual_hash is None
    assert [problem.code for problem in report.problems] == ["media.image-too-large"]


def test_heic_is_named_not_read(write: Callable[[str, bytes], Path]) -> None:
    report = analyse(write("IMG_0001.HEIC", heic()), ZONE)
    assert report == MediaReport(
        "image/heic",
        ItemKind.IMAGE,
        None,
        (Problem(Severity.INFO, "media.format-not-readable", (("format", "HEIC"),)),),
    )


# ---------------------------------------------------------------- recordings


def test_wav_duration_and_codec(write: Callable[[str, bytes], Path]) -> None:
    report = analyse(write("call.wav", wav(seconds=2.0)), ZONE)
    assert report == MediaReport(
        "audio/x-wav",
        ItemKind.AUDIO,
        MediaFacts(
            duration_seconds=2.0,
            codecs=("PCM",),
        ),
        (),
    )


def test_wav_recorded_date_without_zone(write: Callable[[str, bytes], Path]) -> None:
    report = analyse(write("call.wav", wav(recorded="2026-03-04 22:15:00")), ZONE)
    assert report.media is not None
    assert report.media.recorded_at == Instant(
        utc=utc(2026, 3, 4, 21, 15),
        offset_seconds=3600,
        source=OffsetSource.ASSUMED_ZONE,
        precision=Precision.SECOND,
        zone=ZONE,
        raw="2026-03-04 22:15:00",
    )
    assert report.problems == (
        Problem(
            Severity.INFO,
            "media.recording-time-assumed-zone",
            (("zone", ZONE),),
            Location(field="recorded_date"),
        ),
    )


def test_wav_recorded_date_in_utc(write: Callable[[str, bytes], Path]) -> None:
    report = analyse(write("call.wav", wav(recorded="UTC 2026-03-04 21:15:00")), ZONE)
    assert report.media is not None and report.media.recorded_at is not None
    assert report.media.recorded_at.utc == utc(2026, 3, 4, 21, 15)
    assert report.media.recorded_at.offset_seconds == 0
    assert report.media.recorded_at.source is OffsetSource.EXPLICIT
    assert report.problems == ()


def test_wav_recorded_date_garbage(write: Callable[[str, bytes], Path]) -> None:
    report = analyse(write("call.wav", wav(recorded="last tuesday SECRET")), ZONE)
    assert report.media is not None
    assert report.media.recorded_at is None
    assert report.media.duration_seconds == 2.0
    assert report.problems == (
        Problem(
            Severity.WARNING,
            "media.recording-time-invalid",
            location=Location(field="recorded_date"),
        ),
    )


def test_mp4_with_only_sound_is_audio(write: Callable[[str, bytes], Path]) -> None:
    report = analyse(write("voice.mp4", mp4(video=False)), ZONE)
    assert report == MediaReport(
        "video/mp4",
        ItemKind.AUDIO,
        MediaFacts(
            duration_seconds=2.0,
            codecs=("AAC",),
            recorded_at=Instant(
                utc=utc(2026, 3, 4, 21, 15),
                offset_seconds=0,
                source=OffsetSource.EXPLICIT,
                precision=Precision.SECOND,
                raw="2026-03-04 21:15:00 UTC",
            ),
        ),
        (),
    )


def test_mp4_video(write: Callable[[str, bytes], Path]) -> None:
    report = analyse(write("clip.mp4", mp4(video=True)), ZONE)
    assert report.kind is ItemKind.VIDEO
    assert report.media is not None
    assert report.media.codecs == ("AVC", "AAC")
    assert (report.media.width, report.media.height) == (160, 120)
    assert report.media.duration_seconds == 2.0
    assert report.problems == ()


def test_mp4_zero_creation_time_is_no_date(write: Callable[[str, bytes], Path]) -> None:
    report = analyse(write("clip.mp4", mp4(video=True, created=None)), ZONE)
    assert report.media is not None
    assert report.media.recorded_at is None
    assert report.problems == ()


def test_recording_parse_error_is_a_finding(
    write: Callable[[str, bytes], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> MediaInfo:
        raise RuntimeError("private words from the file")

    monkeypatch.setattr(MediaInfo, "parse", broken)
    report = analyse(write("call.wav", wav()), ZONE)
    assert report == MediaReport(
        "audio/x-wav",
        ItemKind.AUDIO,
        None,
        (Problem(Severity.WARNING, "media.recording-unreadable", (("reason", "RuntimeError"),)),),
    )


def test_recording_without_tracks_is_a_finding(write: Callable[[str, bytes], Path]) -> None:
    report = analyse(write("x.mp4", box(b"ftyp", b"isom\0\0\0\0isommp42")), ZONE)
    assert report.media is None
    assert report.problems == (
        Problem(Severity.WARNING, "media.recording-unreadable", (("reason", "no-tracks"),)),
    )


@pytest.mark.parametrize(
    ("text", "expected_utc", "offset", "precision", "assumed"),
    [
        ("2026-03-04 21:15:00 UTC", utc(2026, 3, 4, 21, 15), 0, Precision.SECOND, False),
        ("UTC 2026-03-04 21:15:00", utc(2026, 3, 4, 21, 15), 0, Precision.SECOND, False),
        ("2026-03-04T22:15:00+01:00", utc(2026, 3, 4, 21, 15), 3600, Precision.SECOND, False),
        ("2026-03-04T16:15:00-0500", utc(2026, 3, 4, 21, 15), -18000, Precision.SECOND, False),
        (
            "2026-03-04 21:15:00.250 UTC",
            utc(2026, 3, 4, 21, 15, 0, 250_000),
            0,
            Precision.MILLISECOND,
            False,
        ),
        ("2026-03-04T21:15Z", utc(2026, 3, 4, 21, 15), 0, Precision.MINUTE, False),
        ("2026-03-04 22:15:00", utc(2026, 3, 4, 21, 15), 3600, Precision.SECOND, True),
        ("2026-03-04", utc(2026, 3, 3, 23, 0), 3600, Precision.DAY, True),
    ],
)
def test_mediainfo_dates(
    text: str, expected_utc: datetime, offset: int, precision: Precision, assumed: bool
) -> None:
    stamp = mediainfo_stamp(text)
    assert stamp is not None
    moment, was_assumed = resolve(stamp, ZONE)
    assert (moment.utc, moment.offset_seconds, moment.precision) == (
        expected_utc,
        offset,
        precision,
    )
    assert moment.raw == text
    assert was_assumed is assumed
    assert moment.source is (OffsetSource.ASSUMED_ZONE if assumed else OffsetSource.EXPLICIT)


@pytest.mark.parametrize("text", ["1904-01-01 00:00:00 UTC", "UTC 1970-01-01 00:00:00"])
def test_mediainfo_zero_dates(text: str) -> None:
    assert mediainfo_stamp(text) is None


@pytest.mark.parametrize(
    "text", ["2026", "yesterday", "2026-02-30 10:00:00", "2026-03-04 10:00:00 +25:00", ""]
)
def test_mediainfo_bad_dates(text: str) -> None:
    with pytest.raises(ValueError):
        mediainfo_stamp(text)


# ---------------------------------------------------------------- PDFs


def test_pdf_page_count(write: Callable[[str, bytes], Path]) -> None:
    report = analyse(write("letter.pdf", pdf(pages=3)), ZONE)
    assert report == MediaReport("application/pdf", ItemKind.PDF, MediaFacts(page_count=3), ())


def test_encrypted_pdf(write: Callable[[str, bytes], Path]) -> None:
    report = analyse(write("locked.pdf", pdf(user_password="open sesame")), ZONE)
    assert report == MediaReport(
        "application/pdf", ItemKind.PDF, None, (Problem(Severity.WARNING, "media.pdf-encrypted"),)
    )


def test_pdf_with_owner_password_only_is_read(write: Callable[[str, bytes], Path]) -> None:
    report = analyse(write("owner.pdf", pdf(pages=2, user_password="")), ZONE)
    assert report.media == MediaFacts(page_count=2)
    assert report.problems == ()


@pytest.mark.parametrize(
    "data", [b"%PDF-1.7\nnot really", pdf()[:300], b"%PDF-"], ids=["garbage", "cut", "stub"]
)
def test_broken_pdf_is_a_quiet_finding(
    write: Callable[[str, bytes], Path],
    data: bytes,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = write("broken.pdf", data)
    caplog.set_level(logging.DEBUG)
    report = analyse(path, ZONE)
    assert report.kind is ItemKind.PDF
    assert report.media is None
    assert [problem.code for problem in report.problems] == ["media.pdf-unreadable"]
    assert capfd.readouterr() == ("", "")
    assert caplog.records == []


# ---------------------------------------------------------------- findings and quiet


def test_codes_are_registered_with_plain_messages() -> None:
    codes = registered_codes()
    for code, template in MESSAGES.items():
        assert codes[code] == template
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name]
        params = tuple((name, "X") for name in fields)
        text = render(Finding(None, 1, None, Severity.INFO, code, params))
        assert "{" not in text and "media." not in text


def all_samples() -> dict[str, bytes]:
    return {
        "plain.png": encode(picture(), "PNG"),
        "exif.jpg": encode(picture(), "JPEG", exif=exif(date="garbage", gps=GPS_FIX)),
        "assumed.png": encode(picture(), "PNG", exif=exif(date="2026:03:04 22:15:00")),
        "moving.gif": animated("GIF"),
        "cut.png": noise_png()[:3000],
        "huge.png": png_header_only(20_000, 20_000),
        "photo.heic": heic(),
        "call.wav": wav(recorded="2026-03-04"),
        "bad-date.wav": wav(recorded="nonsense"),
        "clip.mp4": mp4(video=True),
        "letter.pdf": pdf(),
        "locked.pdf": pdf(user_password="x"),
        "broken.pdf": b"%PDF-1.4\n1 0 obj <<",
        "garbage": random.Random(2).randbytes(2048),
        "empty": b"",
    }


def test_every_sample_is_quiet_and_uses_registered_codes(
    write: Callable[[str, bytes], Path],
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    paths = [write(name, data) for name, data in all_samples().items()]
    capfd.readouterr()
    caplog.set_level(logging.DEBUG)
    seen: set[str] = set()
    for path in paths:
        report = analyse(path, ZONE)
        assert_well_formed(report)
        seen.update(problem.code for problem in report.problems)
    assert capfd.readouterr() == ("", "")
    assert caplog.records == []
    assert len(seen) >= 8


def assert_well_formed(report: MediaReport) -> None:
    assert isinstance(report, MediaReport)
    assert isinstance(report.kind, ItemKind)
    assert "/" in report.media_type
    codes = registered_codes()
    for problem in report.problems:
        assert problem.code in codes
        assert all(isinstance(value, str) for _, value in problem.params)
        assert "SECRET" not in repr(problem)


# ---------------------------------------------------------------- never raises

MAGIC_PREFIXES = [
    b"",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    b"GIF89a",
    b"%PDF-1.4\n",
    b"RIFF\x24\x00\x00\x00WAVEfmt ",
    b"\x00\x00\x00\x18ftypisom",
    b"ID3\x03\x00",
    b"RIFF\x24\x00\x00\x00WEBPVP8 ",
]
FUZZ = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@cache
def valid_samples() -> tuple[bytes, ...]:
    jpeg_exif = exif(date="2026:03:04 22:15:00", subsec="12", make="Acme", gps=GPS_FIX)
    return (
        encode(picture(), "PNG", exif=exif(date="2026:03:04 22:15:00", offset="+01:00")),
        encode(picture(), "JPEG", exif=jpeg_exif),
        pdf(pages=2),
        animated("GIF"),
        wav(seconds=0.1, recorded="2026-03-04 22:15:00"),
        mp4(video=True),
    )


@FUZZ
@given(prefix=st.sampled_from(MAGIC_PREFIXES), rest=st.binary(max_size=2048))
def test_arbitrary_bytes_never_raise(tmp_path: Path, prefix: bytes, rest: bytes) -> None:
    path = tmp_path / "fuzz"
    path.write_bytes(prefix + rest)
    assert_well_formed(analyse(path, ZONE))


@FUZZ
@given(data=st.data())
def test_damaged_valid_files_never_raise(tmp_path: Path, data: st.DataObject) -> None:
    sample = bytearray(data.draw(st.sampled_from(valid_samples())))
    flips = data.draw(
        st.lists(st.tuples(st.integers(0, len(sample) - 1), st.integers(0, 255)), max_size=8)
    )
    for index, value in flips:
        sample[index] = value
    keep = data.draw(st.integers(0, len(sample)))
    path = tmp_path / "fuzz"
    path.write_bytes(bytes(sample[:keep]))
    assert_well_formed(analyse(path, ZONE))
