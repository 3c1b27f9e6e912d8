"""The registry does not ask the e-mail detectors about a head no header starts so, and
that changes nothing any input is detected as (issue 32, many small files)."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from spoorvast.importers.base import Source
from spoorvast.importers.chat.whatsapp.importer import (
    _TIME,
    first_lines,
    head_lines,
    looks_like_chat,
)
from spoorvast.importers.chat.whatsapp.lines import detect_layout
from spoorvast.importers.registry import Registry, builtin_registry, starts_outside_ascii
from spoorvast.model.instant import now
from spoorvast.model.records import Artifact, ArtifactRole
from tests.chat import e2ee_samples, meta_samples, sms_samples, telegram_samples
from tests.chat.whatsapp_samples import SAMPLES

DATA = Path(__file__).parent / "data"
CALL_LOG = ("number,datetime,direction,duration\n"
            "+32470123456,2026-03-04 10:15,in,35\n+32470123456,2026-03-04 11:00,missed,0\n")


def _texts() -> dict[str, bytes]:
    texts = {f"whatsapp-{s.name}.txt": s.text.encode() for s in SAMPLES}
    texts.update({
        "sms.xml": sms_samples.SMS_FILE.encode(), "calls.xml": sms_samples.CALLS_FILE.encode(),
        "message_1.json": meta_samples.dump(meta_samples.thread()),
        "bom.json": meta_samples.dump(meta_samples.thread(), bom=True),
        "result.json": telegram_samples.dump(telegram_samples.full_export()),
        "e2ee.json": e2ee_samples.dump(e2ee_samples.e2ee_thread()),
        "calls.csv": CALL_LOG.encode(), "calls-bom.csv": b"\xef\xbb\xbf" + CALL_LOG.encode(),
        "dce.json": json.dumps({"guild": {"id": "1"}, "channel": {"id": "2"},
                                "messages": []}).encode(),
        "jis.eml": (b"Subject: =?ISO-2022-JP?B?GyRC?= \x1b$B%F%9%H\x1b(B\r\n"
                    b"From: a@example.org\r\nDate: Wed, 4 Mar 2026 10:15:00 +0100\r\n\r\nhi\r\n"),
        # an e-mail whose body is raw binary: its header is never scanned past
        "binary-body.eml": (b"From: a@example.org\nDate: Wed, 4 Mar 2026 10:15:00 +0100\n\n"
                            + bytes(range(256)) * 8),
        "binary-body-crlf.eml": (b"From: a@example.org\r\nTo: b@example.org\r\n\r\n"
                                 + bytes(range(256)) * 8),
    })
    for path in sorted((DATA / "email").glob("*.eml")):
        texts[path.name] = path.read_bytes()
    return texts


def _binaries() -> dict[str, bytes]:
    chance = random.Random(32)
    found = {f"random-{i}.bin": chance.randbytes(100_000) for i in range(20)}
    for form in ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP"):
        out = io.BytesIO()
        Image.new("RGB", (16, 16), (200, 10, 10)).save(out, form)
        found[f"picture.{form.lower()}"] = out.getvalue()
    for path in sorted((DATA / "video").glob("*.*")):
        if path.suffix in (".mp4", ".webm", ".ts"):
            found[path.name] = path.read_bytes()
    return found


def _source(tmp_path: Path, name: str, data: bytes) -> Source:
    path = tmp_path / name
    path.write_bytes(data)
    original = Artifact(None, None, ArtifactRole.ORIGINAL, "application/octet-stream",
                        len(data), "0" * 64, name, now("Europe/Brussels"))
    return Source(path, name, original.media_type, data[:65536], path.stat(), original)


def _asking_all(registry: Registry, source: Source) -> str:
    """What the registry said before: every detector asked, by priority."""
    return next(i.name for i in registry.ordered() if i.detect(source))


def test_e_mails_start_as_headers() -> None:
    mails = {n: d for n, d in _texts().items() if n.endswith(".eml")}
    assert len(mails) >= 4
    assert not [name for name, data in mails.items() if starts_outside_ascii(data)]


def test_most_binary_heads_start_outside_ascii() -> None:
    binary = {name: starts_outside_ascii(data) for name, data in _binaries().items()}
    assert binary["picture.jpeg"] and binary["picture.png"] and binary["synthetic.webm"]
    chance = random.Random(7)
    heads = [chance.randbytes(64) for _ in range(4000)]
    assert 0.55 < sum(starts_outside_ascii(h) for h in heads) / len(heads) < 0.7


def test_the_e_mail_detectors_say_no_to_every_such_head(tmp_path: Path) -> None:
    """Exact, not a guess: for each first byte outside the set, with a header after it,
    the e-mail and mbox detectors refuse (so not asking them changes nothing)."""
    registry = builtin_registry()
    mail = b"From: a@example.org\nTo: b@example.org\nSubject: x\n\nbody\n"
    mbox = b"From a@example.org Wed Mar  4 10:15:00 2026\n" + mail
    for first in range(256):
        if not starts_outside_ascii(bytes([first])):
            continue
        for body in (mail, mbox, b"\n" + mail, b"\r\n" + mail):
            source = _source(tmp_path, "m.eml", bytes([first]) + body)
            assert not registry.get("email").detect(source), first
            source = _source(tmp_path, "m.mbox", bytes([first]) + body)
            assert not registry.get("mbox").detect(source), first
    assert registry.get("email").detect(_source(tmp_path, "m.eml", mail))
    assert registry.get("mbox").detect(_source(tmp_path, "m.mbox", mbox))


@pytest.mark.slow  # the WhatsApp detector's first call builds its tables (2 s)
def test_detection_unchanged_for_every_sample(tmp_path: Path) -> None:
    registry = builtin_registry()
    for name, data in {**_texts(), **_binaries()}.items():
        source = _source(tmp_path, name, data)
        assert registry.detect(source).name == _asking_all(registry, source), name


@pytest.mark.slow
def test_samples_are_claimed_by_their_importers(tmp_path: Path) -> None:
    """The comparison above is not vacuous: the text samples reach their importers."""
    registry = builtin_registry()
    claimed = {name: registry.detect(_source(tmp_path, name, data)).name
               for name, data in _texts().items()}
    assert claimed["calls.csv"] == "call-log-csv"
    assert claimed["binary-body.eml"] == "email"
    assert claimed["jis.eml"] == "email"
    assert claimed["whatsapp-android-nl.txt"] == "whatsapp"
    assert claimed["sms.xml"] == "sms-backup-restore"


class _Recording:
    priority = 10

    def __init__(self, name: str, text_only: bool) -> None:
        self.name, self.text_only, self.asked = name, text_only, 0

    def detect(self, source: Source) -> bool:
        self.asked += 1
        return False

    def read(self, context: object, source: Source) -> object:
        raise AssertionError


@pytest.mark.parametrize(("data", "asked"), [(b"\x00\x01binary", 0), (b"plain text\n", 1),
                                             (b"\tcontinued: x\n", 1), (b"", 0)])
def test_text_only_importers_are_not_asked_about_binary(tmp_path: Path, data: bytes,
                                                         asked: int) -> None:
    registry = builtin_registry()
    text, anything = _Recording("plugin-text", True), _Recording("plugin-any", False)
    registry.register(text)  # type: ignore[arg-type]
    registry.register(anything)  # type: ignore[arg-type]
    registry.detect(_source(tmp_path, "x.bin", data))
    assert (text.asked, anything.asked) == (asked, 1)


# -- the WhatsApp detector decodes only the first lines (first_lines) ------------------

_PIECES = [b"\n", b"\r", b"\r\n", b" ", b"\t", b"\xef\xbb\xbf", b"\xe2\x80", b"\x82",
           b"\xc2\x85", b"\xe2\x80\xa8", b"\x1c", b"\x00", b"\x1b[31m", b"\xff", b"\xc3",
           "\u00e9".encode(), "\u0663".encode(), "\u200e".encode(), "\u202f".encode(),
           b"04/03/2026, 22:15 - Jan: hi", b"[3/4/26, 10:15:07\xe2\x80\xafPM] Jan: hi",
           b"2026-03-04 22:15 - ", b"Jan: text"]
_HEADS = st.lists(st.sampled_from(_PIECES) | st.binary(max_size=12), max_size=40).map(b"".join)


def _old_looks_like_chat(head: bytes) -> bool:
    """The detector as it was: the whole head decoded, then split."""
    lines = head_lines(head[:8192], 5)
    return bool(lines) and detect_layout(lines) is not None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_HEADS, st.integers(1, 7))
def test_first_lines_are_the_head_lines(head: bytes, count: int) -> None:
    """Decoding line by line gives the lines decoding the whole head gave, for any bytes:
    control characters, cut or invalid UTF-8 sequences, a BOM, Unicode spaces."""
    assert first_lines(head, count) == head_lines(head, count)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_HEADS, _HEADS)
def test_the_whatsapp_detector_answers_as_before(before: bytes, after: bytes) -> None:
    """An export with a control character or broken bytes a harasser sent is still
    found: the detector never says no where the whole-head one said yes (nor yes where
    it said no)."""
    for head in (before + after, before + b"\n" + SAMPLES[0].text.encode() + after,
                 SAMPLES[0].text.encode()[:200] + before + after):
        assert looks_like_chat(head) == _old_looks_like_chat(head)


def test_the_whatsapp_detector_on_samples_and_binaries() -> None:
    heads = [d[:65536] for d in {**_texts(), **_binaries()}.values()]
    chance = random.Random(5)
    heads += [chance.randbytes(chance.randrange(1, 9000)) for _ in range(300)]
    heads += [bytes(chance.choice(b"\n\r 0123456789/,:-[]APM\xe2\x80\xaf\x00")
                    for _ in range(chance.randrange(1, 600))) for _ in range(300)]
    answers = [looks_like_chat(h) for h in heads]
    assert answers == [_old_looks_like_chat(h) for h in heads]
    assert sum(answers) >= len(SAMPLES) // 2  # not vacuous: the exports are found
    assert all(first_lines(h[:8192], 5) == head_lines(h[:8192], 5) for h in heads)


_HEADER_CHARS = ("0123456789\u0660\u0663\u0669:./-,[] \u00a0\u202f\u2009\u200e\u200f\u061c"
                 "\ufeffAPMapm\u0645\uc624\ud6c4\u4e0b\u5348\u00e0\u0433x\t\r\x1b")
_LINE = (st.text(st.sampled_from(_HEADER_CHARS), max_size=40)
         | st.sampled_from(["04/03/2026, 22:15 - Jan: x", "[3/4/26, 10:15:07\u202fPM] Jan: x",
                            "[2023. 12. 31. \uc624\ud6c4 11:58:02] J: x",
                            "[20:01, 9/2/2024] J: x", "[\u0661\u0665/\u0663/\u0662\u0660\u0662"
                            "\u0664\u060c \u0669:\u0661\u0662:\u0660\u0665 \u0645] J: x",
                            "04.03.26, 22.15 - J: x", "\u200e04/03/2026 \u00e0 22:15 - J: x"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, min_size=1, max_size=5))
def test_no_header_without_a_time(lines: list[str]) -> None:
    """The quick test of looks_like_chat only rules out what the full detector rules
    out: lines without a time (``hh:mm``) have no header of any shape."""
    if _TIME.search("\n".join(lines)) is None:
        assert detect_layout(lines) is None


def test_the_headers_of_every_sample_hold_a_time() -> None:
    for sample in SAMPLES:
        lines = head_lines(sample.text.encode()[:8192], 5)
        if detect_layout(lines) is not None:
            assert _TIME.search("\n".join(lines)), sample.name
