"""PDFs: text per page in order, headings, pages as anchors; scanned, encrypted and broken PDFs
each get one sentence; long PDFs report progress with bounded memory."""

from __future__ import annotations

import json
import re
import tracemalloc
from pathlib import Path

import pytest
from local_site import Site
from pdf_maker import Line, make_pdf, paper

from distill.errors import SourceError
from distill.sources import resolve
from distill.sources.pdf import PdfError, load_pdf_file
from tests.conftest import eval_dir_or_skip


def one_sentence(message: str) -> None:
    assert message.endswith("."), message
    assert not re.search(r"[.!?] +[A-Z]", message[:-1]), message


def test_pages_headings_and_title(tmp_path: Path) -> None:
    path = tmp_path / "solar.pdf"
    path.write_bytes(paper(3))
    t = resolve(str(path))
    assert t.meta.kind == "pdf" and t.meta.pages == 3
    assert t.meta.title == "How Solar Panels Work"
    assert t.meta.path == str(path.resolve())
    assert [(c.title, c.page) for c in t.meta.chapters] == [
        ("How Solar Panels Work", 1),
        ("Part 1 of the Story", 1),
        ("Part 2 of the Story", 2),
        ("Part 3 of the Story", 3),
    ]
    assert {s.page for s in t.segments} == {1, 2, 3}
    assert all(s.start is None for s in t.segments)
    assert "Page 2 says so" in " ".join(s.text for s in t.segments if s.page == 2)
    heading = next(s for s in t.segments if s.page == 2)
    assert heading.text == "Part 2 of the Story"  # a line of its own, not glued to the next
    assert re.fullmatch(r"solar-[0-9a-f]{8}", t.meta.id)


def test_two_columns_read_left_then_right(tmp_path: Path) -> None:
    left = [Line(f"Left column sentence number {i}.", x=72) for i in range(1, 6)]
    right = [Line(f"Right column sentence number {i}.", x=320) for i in range(1, 6)]
    path = tmp_path / "columns.pdf"
    path.write_bytes(make_pdf([[*left, *right]]))
    text = " ".join(s.text for s in load_pdf_file(str(path)).segments)
    assert text.index("Left column sentence number 5") < text.index(
        "Right column sentence number 1"
    )


def test_no_text_layer_broken_and_not_a_pdf(tmp_path: Path) -> None:
    blank = tmp_path / "scan.pdf"
    blank.write_bytes(make_pdf([[], []]))
    with pytest.raises(PdfError, match="has no text layer") as err:
        resolve(str(blank))
    one_sentence(str(err.value))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(PdfError, match="could not be read as a PDF") as err:
        resolve(str(broken))
    one_sentence(str(err.value))
    fake = tmp_path / "fake.pdf"
    fake.write_text("just text")
    with pytest.raises(PdfError, match="does not start like a PDF"):
        resolve(str(fake))


def test_long_pdf_reports_progress_with_bounded_memory(tmp_path: Path) -> None:
    pages = [[f"Line {i} of page {p} carries a few words." for i in range(25)] for p in range(600)]
    path = tmp_path / "long.pdf"
    path.write_bytes(make_pdf(pages))
    events: list[tuple[str, float, float | None]] = []
    tracemalloc.start()
    t = load_pdf_file(str(path), progress=lambda *e: events.append(e))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert t.meta.pages == 600 and t.segments[-1].page == 600
    assert events[0] == ("extract", 0.0, 600.0) and events[-1] == ("extract", 600.0, 600.0)
    assert len(events) == 601
    # The text itself is about 1 MB; pages are closed as they are read, so the peak stays small.
    assert peak < 40 * 1024 * 1024


def test_pdf_by_url_is_kept_for_the_viewer(
    site: Site, allow_local: None, distill_home: Path
) -> None:
    url = site.route("/papers/solar.pdf", paper(2), content_type="application/pdf")
    t = resolve(url)
    assert t.meta.kind == "pdf" and t.meta.url == url and t.meta.pages == 2
    kept = Path(t.meta.path or "")
    assert kept.parent == distill_home / "media" / "documents"
    assert kept.read_bytes()[:5] == b"%PDF-"


def test_broken_pdf_by_url_leaves_nothing(
    site: Site, allow_local: None, distill_home: Path
) -> None:
    url = site.route("/bad.pdf", b"%PDF-1.4 nothing else", content_type="application/pdf")
    with pytest.raises(SourceError, match="could not be read as a PDF"):
        resolve(url)
    assert not any((distill_home / "media" / "documents").glob("*"))


def test_eval_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = eval_dir_or_skip("pdfs-dev")
    refs = [json.loads(line) for line in (folder / "refs.jsonl").read_text().splitlines()]
    for ref in refs:
        path = str(folder / ref["file"])
        if ref["kind"] == "text":
            t = resolve(path)
            assert t.meta.pages == ref["pages"], ref["file"]
        elif ref["kind"] == "scanned":
            with pytest.raises(PdfError, match="no text layer"):
                resolve(path)
        elif ref["kind"] == "encrypted":
            with pytest.raises(PdfError, match="encrypted with a password") as err:
                resolve(path)
            one_sentence(str(err.value))
            monkeypatch.setenv("DISTILL_PDF_PASSWORD", ref["user_password"])
            assert resolve(path).meta.pages == 1
            monkeypatch.delenv("DISTILL_PDF_PASSWORD")
        else:
            with pytest.raises(PdfError, match="could not be read as a PDF"):
                resolve(path)
