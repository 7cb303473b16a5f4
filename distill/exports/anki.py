"""An Anki deck (.apkg, made with genanki) of every summary's questions and insights.

The model, the deck and each note have stable ids (a note's from its document, kind and place in
the summary), so importing a newer export updates the cards already in Anki instead of adding
copies.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from distill.errors import InputError
from distill.exports.documents import ExportDoc
from distill.exports.filenames import check_folder
from distill.exports.markdown import plain_line, safe_url
from distill.exports.moments import Moment
from distill.files import write_atomic

DECK_NAME = "distill"
MODEL_NAME = "distill: question and answer"
CSS = """.card { font-family: system-ui, sans-serif; font-size: 20px; line-height: 1.4;
  max-width: 40em; margin: 0 auto; text-align: left; color: #1d1d1f; background: #fff; }
.kind { font-size: 14px; color: #6e6e73; }
.source { margin-top: 1.2em; font-size: 15px; color: #6e6e73; }
.source a { color: #0a58ca; }
.nightMode .card, .card.nightMode { color: #f2f2f2; background: #1e1e1e; }
"""
FRONT = '<div class="kind">{{Kind}}</div>{{Front}}'
BACK = '{{FrontSide}}<hr id="answer">{{Back}}<div class="source">{{Source}} {{Link}}</div>'
_TAG = re.compile(r"[^\w:-]+")


def stable_id(name: str) -> int:
    """An Anki id that is the same in every export (model and deck ids must not change)."""
    return (1 << 30) + int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % (1 << 30)


def _model() -> Any:
    import genanki

    return genanki.Model(
        stable_id(MODEL_NAME),
        MODEL_NAME,
        fields=[{"name": n} for n in ("Front", "Back", "Kind", "Source", "Link")],
        templates=[{"name": "Card 1", "qfmt": FRONT, "afmt": BACK}],
        css=CSS,
    )


def _text(value: str | None) -> str:
    """Untrusted text as an Anki field: fields are HTML, so every character is escaped."""
    return html.escape(plain_line(value), quote=True)


def _tag(text: str) -> str:
    return _TAG.sub("_", text.strip())[:60].strip("_")


@dataclass
class AnkiReport:
    """What went into the deck."""

    path: Path
    notes: int = 0
    documents: int = 0
    without_summary: int = 0
    guids: list[str] = field(default_factory=list)


class AnkiDeck:
    """The deck being built, one document at a time."""

    def __init__(self, path: Path) -> None:
        import genanki

        path = path.expanduser()
        if path.is_dir():
            raise InputError(f"{path} is a folder; pass a file name such as {path}/distill.apkg.")
        if path.suffix.lower() != ".apkg":
            raise InputError(f"{path.name} does not end in .apkg; Anki imports .apkg files.")
        check_folder(path.parent)  # refused before any work when it cannot be written
        self.path = path
        self.model = _model()
        self.deck = genanki.Deck(stable_id(DECK_NAME), DECK_NAME)
        self.report = AnkiReport(path=path)

    def _note(self, doc: ExportDoc, key: str, kind: str, front: str, back: str, item: Any) -> None:
        import genanki

        moment = Moment.of(item)
        url = safe_url(doc.place()(moment)) if not moment.empty else None
        label = moment.label()
        link = (
            f'<a href="{html.escape(url, quote=True)}">{html.escape(label)}</a>' if url else label
        )
        source = _text(doc.meta.title)
        if doc.author:
            source += f" · {_text(doc.author)}"
        guid = genanki.guid_for("distill", doc.meta.id, key)
        tags = ["distill", _tag(doc.source_type), _tag(f"distill::{doc.meta.id}")]
        self.deck.add_note(
            genanki.Note(
                model=self.model,
                fields=[front, back, kind, source, link],
                guid=guid,
                tags=[t for t in tags if t],
            )
        )
        self.report.guids.append(guid)
        self.report.notes += 1

    def add(self, doc: ExportDoc) -> None:
        """The cards of one document: each question with its answer, each key insight."""
        self.report.documents += 1
        s = doc.summary
        if s is None:
            self.report.without_summary += 1
            return
        for n, qa in enumerate(s.qa):
            self._note(doc, f"qa:{n}", "Question", _text(qa.question), _text(qa.answer), qa)
        title = _text(doc.meta.title)
        for n, insight in enumerate(s.insights):
            front = f"A key insight of <i>{title}</i>?"
            back = f"{_text(insight.emoji)} {_text(insight.text)}"
            self._note(doc, f"insight:{n}", "Key insight", front, back, insight)

    def write(self) -> AnkiReport:
        """Write the .apkg whole (or nothing)."""
        import tempfile

        import genanki

        with tempfile.TemporaryDirectory() as tmp:
            built = Path(tmp) / "deck.apkg"
            genanki.Package(self.deck).write_to_file(str(built))
            write_atomic(self.path, built.read_bytes())
        return self.report
