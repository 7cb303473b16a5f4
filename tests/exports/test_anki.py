"""Anki: a deck (.apkg) of each summary's questions and insights, card fields escaped, each card
linking to its moment, the same ids on every export (Anki updates instead of duplicating)."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from export_helpers import RECORDING, TALK, seed

from distill.errors import InputError

SEP = "\x1f"  # Anki keeps a note's fields in one column, separated by this character


def deck_notes(path: Path, tmp_path: Path) -> list[tuple[str, list[str], str]]:
    """(guid, fields, tags) of every note in an .apkg, read from its SQLite collection."""
    with zipfile.ZipFile(path) as z:
        z.extract("collection.anki2", tmp_path / "unzipped")
    db = sqlite3.connect(tmp_path / "unzipped" / "collection.anki2")
    try:
        rows = db.execute("select guid, flds, tags from notes order by id").fetchall()
    finally:
        db.close()
    return [(guid, flds.split(SEP), tags.strip()) for guid, flds, tags in rows]


def test_a_card_per_question_and_insight_linking_to_its_moment(service, tmp_path):
    seed(service)
    report = service.export_anki(tmp_path / "distill.apkg")
    # Each document: 1 question and 2 insights.
    assert report.notes == 6 and report.documents == 2 and report.without_summary == 0
    notes = deck_notes(tmp_path / "distill.apkg", tmp_path)
    assert len(notes) == 6
    question = next(f for _, f, _ in notes if f[2] == "Question" and "youtu.be" in f[4])
    front, back, _, source, link = question
    assert front == "How far do bees fly?"
    assert back == "Up to **five** kilometres"  # text, not markup
    assert link == f'<a href="https://youtu.be/{TALK}?t=90">01:30</a>'
    assert source.startswith("CON: &quot;Rock &amp; Roll&quot; — &lt;b&gt;#1&lt;/b&gt;")
    insight = [f for _, f, _ in notes if f[2] == "Key insight" and "script" in f[1]][0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in insight[1] and "<script" not in insight[1]
    assert f"<i>{'CON: &quot;Rock'}" in insight[0]
    tags = {t for _, _, t in notes}
    assert any(f"distill::{TALK}" in t for t in tags) and any("recording" in t for t in tags)
    # A recording without a public address: its moment is shown, not linked.
    rec = [f for _, f, _ in notes if f[3] == "Team meeting" and f[2] == "Question"][0]
    assert rec[4] == "01:30"


def test_exporting_again_keeps_the_same_ids(service, tmp_path):
    seed(service, notes=False)
    first = service.export_anki(tmp_path / "a.apkg")
    second = service.export_anki(tmp_path / "b.apkg")
    assert first.guids == second.guids and len(set(first.guids)) == 6
    a, b = (
        deck_notes(tmp_path / "a.apkg", tmp_path / "x"),
        deck_notes(tmp_path / "b.apkg", tmp_path),
    )
    assert [g for g, _, _ in a] == [g for g, _, _ in b]
    only = service.export_anki(tmp_path / "c.apkg", channel="Science Channel")
    assert set(only.guids) < set(first.guids) and only.notes == 3


def test_documents_without_a_summary_are_counted_not_carded(service, tmp_path):
    from export_helpers import transcript

    seed(service, notes=False)
    service.library.save_transcript(transcript("nosummary01", "Not yet summarized"))
    report = service.export_anki(tmp_path / "d.apkg")
    assert report.documents == 3 and report.without_summary == 1 and report.notes == 6
    assert RECORDING in " ".join(t for _, _, t in deck_notes(tmp_path / "d.apkg", tmp_path))


def test_bad_paths_are_one_sentence(service, tmp_path, cli, distill_home):
    seed(service, notes=False)
    with pytest.raises(InputError, match=r"is a folder; pass a file name such as"):
        service.export_anki(tmp_path)
    with pytest.raises(InputError, match=r"^deck.zip does not end in .apkg"):
        service.export_anki(tmp_path / "deck.zip")
    result = cli("export", "anki", "/sys/distill/deck.apkg")
    assert result.returncode == 1 and result.stderr.startswith("error: cannot write ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_the_cli_writes_a_deck(cli, distill_home, tmp_path):
    from distill.library import Library
    from distill.service import Distill

    with Distill(Library()) as service:
        seed(service)
    result = cli("export", "anki", str(tmp_path / "deck.apkg"))
    assert result.returncode == 0, result.stderr
    assert "6 cards from 2 summaries in" in result.stdout
    assert len(deck_notes(tmp_path / "deck.apkg", tmp_path)) == 6
