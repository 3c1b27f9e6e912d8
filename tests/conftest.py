"""Shared fixtures: a real vault in a temp directory, the CLI run in-process, and
synthetic sample files (no real personal data: everything is generated here)."""

from __future__ import annotations

import io
import itertools
import os
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from spoorvast.cli.app import run
from spoorvast.i18n import set_language
from tests.servers import S3, Postgres, postgres_server, s3_server

PASSPHRASE = "correct horse battery staple 42"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for var in ("SPOORVAST_VAULT", "SPOORVAST_PASSPHRASE", "SPOORVAST_PASSPHRASE_FILE",
                "SPOORVAST_LANG", "SPOORVAST_NEW_PASSPHRASE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("LANGUAGE", "")
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("COLUMNS", "200")
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def vault_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "vault"
    monkeypatch.setenv("SPOORVAST_VAULT", str(path))
    monkeypatch.setenv("SPOORVAST_PASSPHRASE", PASSPHRASE)
    return path


Cli = Callable[..., Result]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    def invoke(*argv: str) -> Result:
        capsys.readouterr()
        code = run(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def case_vault(vault_dir: Path, cli: Cli) -> Path:
    assert cli("init").code == 0
    assert cli("case", "new", "Berichten van X", "--lang", "nl",
               "--tz", "Europe/Brussels").code == 0
    return vault_dir


def png_bytes(width: int = 64, height: int = 48, color: str = "red", text_seed: int = 0) -> bytes:
    image = Image.new("RGB", (width, height), color)
    for x in range(text_seed % width):
        image.putpixel((x, x % height), (0, 0, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def wav_bytes(seconds: float = 1.0, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x01" * int(rate * seconds))
    return buffer.getvalue()


@pytest.fixture
def samples(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "samples"
    folder.mkdir()
    files = {
        "screenshot1.png": png_bytes(64, 48, "red", 1),
        "screenshot2.png": png_bytes(80, 60, "green", 2),
        "opname.wav": wav_bytes(1.5),
        "notes.txt": b"Synthetic note about a synthetic person.\n",
    }
    paths = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        paths[name] = folder / name
    return paths


def files_under(root: Path) -> Iterator[Path]:
    for base, _dirs, names in os.walk(root):
        for name in names:
            yield Path(base) / name


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A real PostgreSQL on a free port of 127.0.0.1, for this test process (see
    tests/servers); tests make their own databases with ``postgres.create_database``."""
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def metadata_template(postgres: Postgres) -> str:
    """A database holding the metadata store's schema (every migration), made once per
    test process: each test's database is a copy of it (``metadata_url``)."""
    from spoorvast.storage.postgres import PostgresStore

    PostgresStore(postgres.create_database("spoorvast_template")).close()
    return "spoorvast_template"


_METADATA_DATABASES = itertools.count(1)


@pytest.fixture
def metadata_url(postgres: Postgres, metadata_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one test's vault metadata (a copy of the
    template: cheap), dropped after the test."""
    import psycopg

    name = f"spoorvast_test_{os.getpid()}_{next(_METADATA_DATABASES)}"
    with psycopg.connect(postgres.url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{metadata_template}"')
    yield postgres.url(name)
    postgres.drop_database(name)


@pytest.fixture(scope="session")
def s3() -> Iterator[S3]:
    """A real S3 store (SeaweedFS) on a free port of 127.0.0.1, for this test process."""
    with s3_server() as server:
        yield server


# Tests that drive a real Chromium (a capture session, or the app in a browser), or start a
# real PostgreSQL or S3 store, are the bulk of the run's time: they belong to the full run
# (CI), not to the quick subset.
BROWSER_FIXTURES = frozenset({"session", "chromium", "postgres", "s3"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
