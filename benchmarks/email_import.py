"""E-mail benchmark: importing and analysing messages vs. only parsing the same bytes.

Budget (DESIGN.md): importing and analysing 5,000 messages takes at most 3x the time
``email.parser.BytesParser(policy=email.policy.default)`` needs to parse the same bytes,
measured in the same run; memory stays flat for a large mbox.

    .venv/bin/python benchmarks/email_import.py [--messages 5000] [--mbox-mib 512] [--dir DIR]

Three numbers for the messages: the bare parse (baseline), our reading + analysis +
MIME walk with the sealing replaced by hashing (``analyse``), and ``spoorvast add`` of
the folder into a real vault (hash, encrypt, write, SQLite rows and custody entries,
two worker threads). Then ``spoorvast add`` of one mbox with its peak RSS. Synthetic
messages only. Not a test: it never fails.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The repository root first on the path (the benchmark reuses the tests' helpers).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import base64  # noqa: E402
import email.parser  # noqa: E402
import email.policy  # noqa: E402
import hashlib  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

PASSPHRASE = "benchmark passphrase 1234"
HOPS = [
    "from mail{n}.example.org (mail{n}.example.org [192.0.2.{o}])\r\n\t(using TLSv1.3 with "
    "cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n\tby mx.example.net (Postfix) with "
    "ESMTPS id 4A{n}\r\n\tfor <vic.tim@example.net>; Tue, 3 Mar 2026 22:15:{s:02d} +0100 (CET)",
    "from [10.0.0.{o}] (helo=pc{n}.example.org) by mail{n}.example.org with esmtpsa (TLS1.3) "
    "(Exim 4.96) (envelope-from <pat{n}@example.org>) id 1r{n}; Tue, 03 Mar 2026 "
    "21:15:{s:02d} +0000",
    "by 2002:a05:6a10:{n:x}::1 with SMTP id x{n}csp; Tue, 3 Mar 2026 13:15:{s:02d} -0800 (PST)",
]


def message(n: int, rng: random.Random) -> bytes:
    hops = "".join(f"Received: {h.format(n=n, o=n % 250 + 1, s=n % 60)}\r\n"
                   for h in rng.sample(HOPS, 3))
    attachment = ""
    if n % 3 == 0:
        blob = base64.encodebytes(rng.randbytes(rng.randint(20_000, 400_000))).decode()
        attachment = ("--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: "
                      f"attachment; filename=\"doc{n}.pdf\"\r\nContent-Transfer-Encoding: "
                      f"base64\r\n\r\n{blob.replace(chr(10), chr(13) + chr(10))}")
    return (
        f"Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=b{n}@example.org\r\n"
        f"{hops}DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s1; "
        f"h=from:to:subject:date; bh=AAAA; b=AAAA\r\n"
        f"From: =?utf-8?q?Pat_Suspect_{n}?= <pat{n}@example.org>\r\nTo: vic.tim@example.net\r\n"
        f"Subject: =?utf-8?B?{base64.b64encode(f'Bericht {n} é'.encode()).decode()}?=\r\n"
        f"Date: Tue, 3 Mar 2026 22:{n % 60:02d}:00 +0100\r\nMessage-ID: <m{n}@example.org>\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
        f"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Bel me op 0470 12 34 {n % 100:02d} of mail pat{n}@example.org.\r\n"
        f"{'Lorem ipsum dolor sit amet. ' * rng.randint(5, 200)}\r\n{attachment}--b1--\r\n"
    ).encode()


def baseline(blobs: list[bytes]) -> float:
    parser = email.parser.BytesParser(policy=email.policy.default)
    start = time.perf_counter()
    for data in blobs:
        parser.parsebytes(data)
    return time.perf_counter() - start


def analysis_only(blobs: list[bytes]) -> float:
    from spoorvast.importers.base import ImportContext
    from spoorvast.importers.email.common import MessageInput, message_draft
    from spoorvast.model import instant
    from spoorvast.model.records import Artifact, ArtifactRole

    def seal(data: bytes, role: ArtifactRole, name: str, media: str,
             derived: str | None) -> Artifact:
        return Artifact(None, None, role, media, len(data), hashlib.sha256(data).hexdigest(),
                        name, instant.now("UTC"), derived)

    context = ImportContext(1, "Europe/Brussels", instant.now("Europe/Brussels"), seal)
    start = time.perf_counter()
    for index, data in enumerate(blobs):
        original = seal(data, ArtifactRole.ORIGINAL, f"m{index}.eml", "message/rfc822", None)
        message_draft(context, MessageInput(data, original, original.name, "email"))
    return time.perf_counter() - start


def spoorvast_add(vault: Path, target: Path) -> tuple[float, float]:
    code = (
        "import sys, time, resource; from pathlib import Path;"
        "from spoorvast.storage.vault import open_vault;"
        "from spoorvast.importers.registry import builtin_registry;"
        "from spoorvast.services.intake import add_paths;"
        "v = open_vault(Path(sys.argv[1]), sys.argv[3]); case = v.store.cases()[0];"
        "t = time.perf_counter(); r = add_paths(v, case, [Path(sys.argv[2])], "
        "builtin_registry()); d = time.perf_counter() - t;"
        "items = len(v.store.items(case.id)); v.close();"
        "assert all(x.status.value == 'added' for x in r), r[:3];"
        "print(d, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, items)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(vault), str(target), PASSPHRASE],
                         check=True, capture_output=True, text=True).stdout.split()
    print(f"  ({out[2]} items in the vault)")
    return float(out[0]), float(out[1])


def new_vault(root: Path) -> Path:
    from spoorvast.services.cases import create_case
    from spoorvast.storage.vault import create

    with create(root, PASSPHRASE) as vault:
        create_case(vault, "benchmark", "en", "Europe/Brussels")
    return root


def bench_messages(work: Path, count: int) -> None:
    rng = random.Random(4)
    blobs = [message(n, rng) for n in range(count)]
    folder = work / "eml"
    folder.mkdir()
    for n, data in enumerate(blobs):
        (folder / f"m{n:05d}.eml").write_bytes(data)
    mb = sum(map(len, blobs)) / 1e6
    base = min(baseline(blobs) for _ in range(2))
    ours = analysis_only(blobs)
    os.sync()
    added, rss = spoorvast_add(new_vault(work / "vault-eml"), folder)
    print(f"{count} messages, {mb:.0f} MB: BytesParser(policy=default) {base:.2f} s "
          f"({count / base:.0f} msg/s)")
    print(f"  read + analyse (no storage) {ours:.2f} s ({count / ours:.0f} msg/s), "
          f"ratio {ours / base:.2f}x")
    print(f"  spoorvast add (sealed in a vault) {added:.2f} s ({count / added:.0f} msg/s), "
          f"peak RSS {rss:.0f} MB, ratio {added / base:.2f}x (budget 3x)")


def bench_mbox(work: Path, mib: int) -> None:
    rng = random.Random(7)
    path = work / "big.mbox"
    written, n = 0, 0
    with path.open("wb") as out:
        while written < mib << 20:
            data = message(n * 3, rng).replace(b"\r\n", b"\n")  # every one has an attachment
            out.write(b"From pat@example.org Tue Mar  3 21:15:00 2026\n" + data + b"\n")
            written, n = written + len(data) + 48, n + 1
    os.sync()
    added, rss = spoorvast_add(new_vault(work / "vault-mbox"), path)
    print(f"one mbox of {written / 1e6:.0f} MB ({n} messages): spoorvast add {added:.2f} s, "
          f"peak RSS {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--mbox-mib", type=int, default=512)
    parser.add_argument("--dir", type=Path, default=None, help="work directory (a real disk)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="spoorvast-email-bench-", dir=args.dir))
    try:
        if args.messages:
            bench_messages(work, args.messages)
        if args.mbox_mib:
            bench_mbox(work, args.mbox_mib)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
