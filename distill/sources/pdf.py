"""PDFs (a file, or a URL fetched through the guarded client): text per page, headings, pages as anchors.

pypdfium2 (PDFium, Apache-2.0/BSD) reads the text of each page in the order of its content
stream, which keeps the columns of typeset papers in reading order. Pages are read one at a time
and closed, so a 2,000-page PDF needs the memory of one page plus its text.
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from pathlib import Path
from typing import Any

from distill.domain import Chapter, ProgressFn, Segment, Transcript, VideoMeta, no_progress
from distill.errors import SourceError
from distill.sources.registry import SourceHandler, file_path, local_file_id, prettify

PDF_EXTENSIONS = frozenset({".pdf"})
SEGMENT_WORDS = 80  # a page's text is cut into segments of about this many words, at sentence ends
_ENDS = frozenset(".!?…:")
_CLOSERS = frozenset("\"'”’)]")
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")


class PdfError(SourceError):
    """A PDF that cannot be read: no text layer, encrypted, or damaged."""


def is_pdf_bytes(head: bytes) -> bool:
    """Whether bytes start like a PDF (the header may follow a little junk)."""
    return b"%PDF-" in head[:1024]


def _open(path: Path, shown: str, password: str | None) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text:
            if password:
                raise PdfError(
                    f"{shown} is encrypted and the password in DISTILL_PDF_PASSWORD does not open "
                    "it; set the right password and try again."
                ) from None
            raise PdfError(
                f"{shown} is encrypted with a password; set DISTILL_PDF_PASSWORD to its password "
                "and try again."
            ) from None
        raise PdfError(
            f"{shown} could not be read as a PDF (the file is damaged or not a PDF); open it in a "
            "PDF viewer to check, or pass another copy."
        ) from None


def _line_heights(textpage: Any, text: str) -> list[float]:
    """The font height of each line of a page's text, from the loose box of its first letter."""
    import pypdfium2.raw as raw

    heights: list[float] = []
    pos = 0
    rect = raw.FS_RECTF()
    for line in text.split("\r\n"):
        offset = next((i for i, ch in enumerate(line) if ch.isalnum()), None)
        height = 0.0
        if offset is not None and raw.FPDFText_GetLooseCharBox(
            textpage.raw, pos + offset, ctypes.byref(rect)
        ):
            height = round(rect.top - rect.bottom, 1)
        heights.append(height)
        pos += len(line) + 2
    return heights


def _is_heading(line: str, height: float, body: float) -> bool:
    words = line.split()
    return (
        body > 0
        and height >= body * 1.08
        and 1 <= len(words) <= 14
        and any(ch.isalpha() for ch in line)
        and not line.rstrip().endswith((".", ",", ";"))
    )


def _segments(page_no: int, lines: list[str], headings: set[int]) -> list[Segment]:
    """A page's lines joined (hyphenated breaks mended) and cut into segments at sentence ends;
    a heading is a segment of its own (and the page's chapter)."""
    out: list[Segment] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            text = _HYPHEN_BREAK.sub(r"\1\2", "\n".join(current))
            out.append(Segment(text=" ".join(text.split()), page=page_no))
            current.clear()

    words = 0
    for line_no, line in enumerate(lines):
        line = line.strip()
        if not line:
            continue
        if line_no in headings:
            flush()
            out.append(Segment(text=" ".join(line.split()), page=page_no))
            words = 0
            continue
        current.append(line)
        words += line.count(" ") + 1
        ends = line[-1] in _ENDS or (len(line) > 1 and line[-1] in _CLOSERS and line[-2] in _ENDS)
        if (words >= SEGMENT_WORDS and ends) or words >= SEGMENT_WORDS * 2:
            flush()
            words = 0
    flush()
    return out


def read_pdf(
    path: Path,
    *,
    shown: str,
    password: str | None = None,
    progress: ProgressFn = no_progress,
) -> tuple[list[Segment], list[Chapter], dict[str, Any]]:
    """(segments with pages, headings as chapters, {title, author, pages}) of a PDF file."""
    import pypdfium2 as pdfium

    pdf = _open(path, shown, password)
    damaged = 0
    try:
        total = len(pdf)
        if total == 0:
            raise PdfError(f"{shown} has no pages; pass a PDF with text in it.")
        info = pdf.get_metadata_dict() or {}
        toc = _outline(pdf)
        segments: list[Segment] = []
        found: list[tuple[int, float, Chapter]] = []
        sizes: Counter[float] = Counter()
        chars = 0
        progress("extract", 0.0, float(total))
        for index in range(total):
            try:
                text, heights = _page_text(pdf, index)
            except pdfium.PdfiumError:  # a damaged page: the others may still be read
                damaged += 1
                progress("extract", float(index + 1), float(total))
                continue
            lines = text.split("\r\n")
            for line, height in zip(lines, heights, strict=True):
                if height:
                    sizes[height] += len(line)
            body = sizes.most_common(1)[0][0] if sizes else 0.0
            headings: set[int] = set()
            for line_no, (line, height) in enumerate(zip(lines, heights, strict=True)):
                clean = " ".join(line.split())
                if clean and _is_heading(clean, height, body):
                    found.append((line_no, height, Chapter(title=clean, page=index + 1)))
                    headings.add(line_no)
            chars += sum(len(line.strip()) for line in lines)
            segments.extend(_segments(index + 1, lines, headings))
            progress("extract", float(index + 1), float(total))
    finally:
        pdf.close()
    if damaged and chars < 20 * min(total, 5):
        raise PdfError(
            f"{shown} is damaged ({damaged} of {total} pages could not be read); open it in a PDF "
            "viewer to check, or pass another copy."
        )
    if chars < 20 * min(total, 5):
        raise PdfError(
            f"{shown} has no text layer (its pages are images, as in a scan); run OCR on it "
            "first (for example with ocrmypdf) and pass the result."
        )
    chapters = toc or _merge_headings(found)
    title = " ".join(str(info.get("Title") or "").split())
    if not title or title.lower() in ("untitled", "microsoft word") or len(title) < 4:
        title = chapters[0].title if chapters and chapters[0].page == 1 else ""
    author = " ".join(str(info.get("Author") or "").split()) or None
    return segments, chapters, {"title": title, "author": author, "pages": total}


def _page_text(pdf: Any, index: int) -> tuple[str, list[float]]:
    """A page's text and the height of each of its lines."""
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            return text, _line_heights(textpage, text)
        finally:
            textpage.close()
    finally:
        page.close()


def _outline(pdf: Any) -> list[Chapter]:
    """The PDF's own outline (bookmarks), top three levels, as chapters with pages."""
    chapters: list[Chapter] = []
    try:
        for item in pdf.get_toc(max_depth=3):
            title = " ".join(str(item.get_title() or "").split())
            dest = item.get_dest()
            index = dest.get_index() if dest is not None else None
            if title and index is not None and index >= 0:
                chapters.append(Chapter(title=title, page=index + 1))
    except Exception:  # a damaged outline is no reason to refuse the text
        return []
    return chapters[:200]


def _merge_headings(found: list[tuple[int, float, Chapter]]) -> list[Chapter]:
    """A heading that runs over two consecutive lines (same size) becomes one; at most 60 kept."""
    merged: list[Chapter] = []
    last_line, last_height = -2, 0.0
    for line_no, height, chapter in found:
        if (
            merged
            and merged[-1].page == chapter.page
            and line_no == last_line + 1
            and height == last_height
        ):
            previous = merged[-1]
            merged[-1] = previous.model_copy(update={"title": f"{previous.title} {chapter.title}"})
        else:
            merged.append(chapter)
        last_line, last_height = line_no, height
    return merged[:60]


def pdf_password() -> str | None:
    """The password for encrypted PDFs: DISTILL_PDF_PASSWORD, if set."""
    import os

    return os.environ.get("DISTILL_PDF_PASSWORD") or None


def pdf_transcript(
    path: Path,
    *,
    doc_id: str,
    shown: str,
    fallback_title: str,
    url: str | None = None,
    progress: ProgressFn = no_progress,
) -> Transcript:
    """A Transcript of a PDF file: segments anchored to pages, headings as chapters."""
    segments, chapters, info = read_pdf(
        path, shown=shown, password=pdf_password(), progress=progress
    )
    meta = VideoMeta(
        kind="pdf",
        id=doc_id,
        url=url,
        title=info["title"] or fallback_title,
        author=info["author"],
        pages=info["pages"],
        chapters=chapters,
        path=str(path),
    )
    return Transcript(meta=meta, language=None, origin="file", segments=segments)


def load_pdf_file(source: str, *, progress: ProgressFn = no_progress) -> Transcript:
    """A local PDF file as a Transcript (its id: slug of the name plus a content hash)."""
    path = file_path(source, kind="PDF").resolve()
    with path.open("rb") as fh:
        head = fh.read(1024)
    if not is_pdf_bytes(head):
        raise PdfError(
            f"{path.name} does not start like a PDF (no %PDF header); the file is damaged or "
            "not a PDF."
        )
    return pdf_transcript(
        path,
        doc_id=local_file_id(path),
        shown=path.name,
        fallback_title=prettify(path.stem),
        progress=progress,
    )


class PdfFileSource(SourceHandler):
    """PDF files on disk (URLs of PDFs are read by the web source)."""

    name = "pdf"
    extensions = PDF_EXTENSIONS
    stages = ("extract",)

    def score(self, source: str) -> float:
        if "://" in source:
            return 0.0
        return 0.9 if Path(source).suffix.lower() == ".pdf" else 0.0

    def load(self, source: str, *, lang: str | None, progress: ProgressFn) -> Transcript:
        return load_pdf_file(source, progress=progress)
