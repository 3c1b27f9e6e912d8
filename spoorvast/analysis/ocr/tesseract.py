"""Running the ``tesseract`` program (Debian ``tesseract-ocr``, Apache-2.0).

The picture goes in on stdin and the words come back on stdout as TSV, so nothing
is written to a file. Each process is limited to one OpenMP thread
(``OMP_THREAD_LIMIT=1``): Tesseract's own threads oversubscribe the cores and make it
several times slower; a batch runs one process per core instead (see the service).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache

from spoorvast.analysis.ocr.model import Word

PROGRAM = "tesseract"
TIMEOUT_SECONDS = 300
# Sauvola (local) thresholding: a global threshold turns a mid-grey bubble (a blue
# iMessage/Messenger bubble in dark mode, inverted) black, text and all, and it is lost.
THRESHOLDING = ("-c", "thresholding_method=2")
LANGUAGE_CODES = {"nl": "nld", "fr": "fra", "de": "deu", "en": "eng"}


class TesseractMissing(Exception):
    """The program, or the data of a language, is not installed."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class TesseractFailed(Exception):
    """Tesseract ran but gave no result (its exit status or a time-out, no content)."""


def languages_for(case_language: str) -> str:
    """The case's language first, then English (most apps show English bits)."""
    first = LANGUAGE_CODES.get(case_language, "eng")
    return first if first == "eng" else f"{first}+eng"


def environment() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def command(languages: str, single_block: bool = False) -> list[str]:
    layout = ["--psm", "6"] if single_block else []
    return [PROGRAM, "stdin", "stdout", "-l", languages, *layout, *THRESHOLDING, "tsv"]


def cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@cache
def installed_languages() -> frozenset[str]:
    if shutil.which(PROGRAM) is None:
        raise TesseractMissing(PROGRAM)
    done = subprocess.run([PROGRAM, "--list-langs"], capture_output=True, text=True,
                          env=environment(), check=False, timeout=60)
    return frozenset(line.strip() for line in done.stdout.splitlines()[1:] if line.strip())


def check_languages(languages: str) -> None:
    missing = [code for code in languages.split("+") if code not in installed_languages()]
    if missing:
        raise TesseractMissing(f"tesseract-ocr-{missing[0]}")


@cache
def version() -> str:
    if shutil.which(PROGRAM) is None:
        raise TesseractMissing(PROGRAM)
    done = subprocess.run([PROGRAM, "--version"], capture_output=True, text=True,
                          env=environment(), check=False, timeout=60)
    first = (done.stdout or done.stderr).splitlines()
    return first[0].strip() if first else PROGRAM


def run(image: bytes, languages: str, single_block: bool = False) -> str:
    """The TSV Tesseract prints for an encoded picture (PNG, PNM…)."""
    try:
        done = subprocess.run(command(languages, single_block), input=image, capture_output=True,
                              env=environment(), check=False, timeout=TIMEOUT_SECONDS)
    except FileNotFoundError as exc:
        raise TesseractMissing(PROGRAM) from exc
    except subprocess.TimeoutExpired as exc:
        raise TesseractFailed("timeout") from exc
    if done.returncode != 0:
        raise TesseractFailed(f"exit status {done.returncode}")
    return done.stdout.decode("utf-8", "replace")


def parse_tsv(tsv: str) -> tuple[Word, ...]:
    """Words (level 5 rows with text) from Tesseract's TSV output."""
    words = []
    for row in tsv.splitlines()[1:]:
        word = _word(row.split("\t"))
        if word is not None:
            words.append(word)
    return tuple(words)


def _word(cells: list[str]) -> Word | None:
    if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
        return None
    try:
        block, par, line = int(cells[2]), int(cells[3]), int(cells[4])
        box = (int(cells[6]), int(cells[7]), int(cells[8]), int(cells[9]))
        confidence = float(cells[10])
    except ValueError:
        return None
    return Word(cells[11].strip(), box, confidence, (block, par, line))
