"""Synthetic cases rendered once per session and option set (building a vault and a
PKI takes seconds); tests that tamper with a bundle work on their own copy."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from spoorvast.cli.app import run
from spoorvast.i18n import set_language
from tests.conftest import PASSPHRASE, Result
from tests.dossier.builder import Built, build_case

ARTIFACTS = Path(__file__).parent / "artifacts"


@dataclass
class Made:
    built: Built
    folder: Path
    zip: Path
    result: dict[str, object]
    vault: Path

    @property
    def manifest(self) -> dict[str, object]:
        value = json.loads((self.folder / "manifest.json").read_text("utf-8"))
        assert isinstance(value, dict)
        return value

    def copy(self, target: Path) -> Made:
        folder = target / self.folder.name
        shutil.copytree(self.folder, folder)
        archive = target / self.zip.name
        shutil.copyfile(self.zip, archive)
        return Made(self.built, folder, archive, self.result, self.vault)


def invoke(*argv: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(argv))
    return Result(code, out.getvalue(), err.getvalue())


def make(root: Path, language: str, *extra: str, messages: int = 12) -> Made:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPOORVAST_VAULT", str(root / "vault"))
        patch.setenv("SPOORVAST_PASSPHRASE", PASSPHRASE)
        patch.setenv("LANG", "C.UTF-8")
        patch.delenv("SPOORVAST_LANG", raising=False)
        (root / "input").mkdir(parents=True)
        built = build_case(invoke, root / "vault", root / "input", language, messages)
        result = invoke("dossier", "--out", str(root / "out"), "--json", *extra)
        set_language("en")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    return Made(built, Path(data["folder"]), Path(data["zip"]), data, root / "vault")


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Made]:
    cache: dict[tuple[str, ...], Made] = {}

    def get(language: str = "nl", *extra: str) -> Made:
        key = (language, *extra)
        if key not in cache:
            cache[key] = make(tmp_path_factory.mktemp(f"dossier-{language}"), language,
                              *extra)
        return cache[key]

    return get


@pytest.fixture
def made(rendered: Callable[..., Made], tmp_path: Path) -> Made:
    """The Dutch dossier, copied so that the test may change it."""
    return rendered("nl").copy(tmp_path)
