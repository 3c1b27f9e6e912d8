"""Typst runs in a child process: a template that fails gives a RenderError naming only
the kind of error (never evidence text), and no PDF; a good one gives the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from spoorvast.dossier.pdf import RenderError, compile_pdf

SECRET = "synthetic evidence text 0470 12 34 56"


def test_a_failing_render_names_no_content_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "DOSSIER.pdf"
    with pytest.raises(RenderError) as caught:
        compile_pdf(tmp_path, {"lang": "en", "labels": {"x": SECRET}}, target, None)
    assert SECRET not in str(caught.value) and str(caught.value)
    assert not target.exists()


def test_the_parent_writes_the_pdf_the_child_made(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import spoorvast.dossier.pdf as pdf

    target = tmp_path / "out.pdf"
    monkeypatch.setattr(pdf, "template_source", lambda: '#let d = json("data.json")\n#d.text\n')
    compile_pdf(tmp_path, {"text": SECRET}, target, None)
    assert target.read_bytes().startswith(b"%PDF")


def test_an_unused_renderer_ends_its_child() -> None:
    """The child starts with the dossier; a dossier that stops before its PDF (an error,
    Ctrl-C) leaves no Typst process behind."""
    import spoorvast.dossier.pdf as pdf

    with pdf.Renderer() as idle:
        pass
    assert idle._child.returncode == 0
    with pytest.raises(KeyError), pdf.Renderer() as stopped:
        raise KeyError("stop")
    assert stopped._child.returncode is not None


@pytest.mark.slow
def test_meanwhile_runs_before_the_pdf_is_read(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import spoorvast.dossier.pdf as pdf

    monkeypatch.setattr(pdf, "template_source", lambda: '#let d = json("data.json")\n#d.text\n')
    ran: list[bool] = []
    with pdf.Renderer() as renderer:
        pdf.compile_pdf(tmp_path, {"text": "x"}, tmp_path / "out.pdf", None,
                        renderer=renderer, meanwhile=lambda: ran.append(True))
    assert ran == [True] and (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_the_child_never_runs_code_from_the_working_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``python -m`` would look in the current folder first: a ``spoorvast`` folder there
    (a download, a hostile archive unpacked) must not become the renderer (``-P``)."""
    import spoorvast.dossier.pdf as pdf

    planted = tmp_path / "cwd" / "spoorvast" / "dossier"
    planted.mkdir(parents=True)
    (planted.parent / "__init__.py").write_text("", "utf-8")
    (planted / "render.py").write_text("import sys\nsys.stdout.write('%PDF planted')\n", "utf-8")
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.setattr(pdf, "template_source", lambda: '#let d = json("data.json")\n#d.text\n')
    (tmp_path / "in").mkdir()
    pdf.compile_pdf(tmp_path / "in", {"text": "x"}, tmp_path / "out.pdf", None)
    assert b"planted" not in (tmp_path / "out.pdf").read_bytes()
