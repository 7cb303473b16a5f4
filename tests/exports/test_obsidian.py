"""Obsidian export: one note per document, properties that parse, a block distill owns, user
edits kept on re-export, file names valid everywhere, bad folders refused in one sentence."""

from __future__ import annotations

import os
import re
import tracemalloc
from pathlib import Path

import pytest
import yaml
from export_helpers import HOSTILE_TITLE, RECORDING, TALK, seed, summary, transcript
from hypothesis import given, settings
from hypothesis import strategies as st

from distill.errors import InputError
from distill.exports.filenames import safe_stem
from distill.exports.obsidian import END, START, split_front

WINDOWS_ILLEGAL = set('<>:"/\\|?*') | {chr(c) for c in range(32)}
RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in range(10)}


def props_of(path: Path) -> dict:
    front, _ = split_front(path.read_text(encoding="utf-8"))
    assert front is not None
    loaded = yaml.safe_load("\n".join(front))
    assert isinstance(loaded, dict)
    return loaded


def block_of(text: str) -> str:
    start, end = text.index(START), text.index(END)
    assert text.count(START) == 1 and text.count(END) == 1
    return text[start:end]


def note_for(folder: Path, video_id: str) -> Path:
    found = [p for p in folder.rglob("*.md") if props_of(p).get("distill_id") == video_id]
    assert len(found) == 1, found
    return found[0]


def test_a_note_per_document_with_properties_that_parse(service, tmp_path):
    seed(service)
    vault = tmp_path / "vault"
    report = service.export_obsidian(vault)
    assert len(report.created) == 2 and not report.updated and not report.is_vault

    talk = note_for(vault, TALK)
    props = props_of(talk)
    assert props["title"] == " ".join(HOSTILE_TITLE.split())  # exactly, quotes and all
    assert props["url"] == f"https://www.youtube.com/watch?v={TALK}"
    assert props["channel"] == "Science Channel"
    assert str(props["date"]) == "2024-03-05"
    assert props["duration"] == "2:00"
    assert props["source"] == "video"
    assert props["tags"] == ["distill", "bees", "to-read"]
    assert props["aliases"] == [props["title"]]  # the file name cannot hold the title
    assert props["distill_id"] == TALK

    text = talk.read_text(encoding="utf-8")
    block = block_of(text)
    assert "## TL;DR" in block and "Bees dance to tell where food is." in block
    # Times open the moment on YouTube.
    assert (
        f"- 🐝 A waggle dance points at the food ([00:30](https://youtu.be/{TALK}?t=30))" in block
    )
    assert f"[01:30](https://youtu.be/{TALK}?t=90)" in block
    assert "## Highlights" in block
    # Untrusted text stays text: no tag, link, comment or math opens in the note.
    assert "\\<script\\>" in block and not re.search(r"(?<!\\)[<>]", block)
    assert "\\](javascript:" in block and not re.search(r"(?<!\\)\]\(javascript", block)
    assert "%%" not in block.replace(START, "")
    assert not re.search(r"(?<!\\)\$", block)

    recording = props_of(note_for(vault, RECORDING))
    assert recording["source"] == "recording" and "channel" not in recording
    assert "url" not in recording


def test_moments_of_a_recording_link_to_the_public_page(service, tmp_path, monkeypatch):
    from distill.settings import get_settings

    monkeypatch.setenv("DISTILL_PUBLIC_URL", "https://distill.example.org/")
    get_settings.cache_clear()
    seed(service, notes=False)
    vault = tmp_path / "vault"
    service.export_obsidian(vault)
    note = note_for(vault, RECORDING)
    block = block_of(note.read_text(encoding="utf-8"))
    page = f"https://distill.example.org/v/{RECORDING}"
    assert f"[00:30]({page}?t=30)" in block and f"[distill]({page})" in block
    assert props_of(note)["distill_url"] == page


def test_exporting_again_keeps_what_the_user_wrote(service, tmp_path):
    seed(service)
    vault = tmp_path / "vault"
    service.export_obsidian(vault)
    talk = note_for(vault, TALK)
    # The user edits the note: a property of their own, a tag, text above and below the block,
    # then renames the file and moves it into a folder.
    text = talk.read_text(encoding="utf-8")
    front, rest = split_front(text)
    assert front is not None
    mine = ["rating: 5", "tags:", "  - distill", "  - bees", "  - to-read", "  - favourite"]
    lines = [x for x in front if not x.startswith(("tags:", "  - "))] + mine
    edited = (
        "---\n" + "\n".join(lines) + "\n---\nMy intro line.\n" + rest + "\nMy closing thoughts.\n"
    )
    (vault / "Reading").mkdir()
    moved = vault / "Reading" / "Bees talk.md"
    moved.write_text(edited, encoding="utf-8")
    talk.unlink()

    # The summary changes, and so does the title; a new highlight appears.
    lib = service.library
    new_talk = transcript(TALK, "Bees: the dance")
    lib.save_transcript(new_talk)
    lib.save_summary(TALK, summary(new_talk.meta, tldr="Honey bees map food with a dance."))
    service.add_highlight(TALK, 90.0, note="a second note", tags=["maps"])

    report = service.export_obsidian(vault)
    assert report.updated == [moved] and len(report.created) == 0  # no duplicate
    text = moved.read_text(encoding="utf-8")
    assert text.index("My intro line.") < text.index(START) < text.index(END)
    assert text.index(END) < text.index("My closing thoughts.")
    block = block_of(text)
    assert "Honey bees map food with a dance." in block and "a second note" in block
    assert "Bees dance to tell" not in block
    props = props_of(moved)
    assert props["rating"] == 5 and props["title"] == "Bees: the dance"
    assert props["tags"] == ["distill", "bees", "to-read", "favourite", "maps"]
    assert [p.name for p in vault.glob("*.md")] == [note_for(vault, RECORDING).name]

    # Nothing changed since: nothing is written.
    before = moved.stat().st_mtime_ns
    again = service.export_obsidian(vault)
    assert again.unchanged == 2 and not again.updated and moved.stat().st_mtime_ns == before


def test_a_note_whose_block_the_user_removed_keeps_its_text(service, tmp_path):
    seed(service, notes=False)
    vault = tmp_path / "vault"
    service.export_obsidian(vault)
    talk = note_for(vault, TALK)
    front, _ = split_front(talk.read_text(encoding="utf-8"))
    mine = "---\n" + "\n".join(front or []) + "\n---\nI rewrote this note myself.\n"
    talk.write_text(mine, encoding="utf-8")
    report = service.export_obsidian(vault)
    assert report.kept == [talk]
    assert talk.read_text(encoding="utf-8").endswith("---\nI rewrote this note myself.\n")


def test_only_a_channel_or_a_tag(service, tmp_path):
    seed(service)
    report = service.export_obsidian(tmp_path / "a", channel="Science Channel")
    assert [props_of(p)["distill_id"] for p in report.created] == [TALK]
    report = service.export_obsidian(tmp_path / "b", tag="to-read")
    assert [props_of(p)["distill_id"] for p in report.created] == [TALK]
    report = service.export_obsidian(tmp_path / "c", tag="nothing-has-it")
    assert report.created == []


def test_titles_that_collide_get_their_id(service, tmp_path):
    lib = service.library
    for vid in ("aaaaaaaaaaa", "bbbbbbbbbbb"):
        t = transcript(vid, "Same title")
        lib.save_transcript(t)
    (tmp_path / "v").mkdir()
    (tmp_path / "v" / "same TITLE.md").write_text("the user's own note\n")
    report = service.export_obsidian(tmp_path / "v")
    names = sorted(p.name for p in report.created)
    assert names == ["Same title (aaaaaaaaaaa).md", "Same title (bbbbbbbbbbb).md"]
    assert (tmp_path / "v" / "same TITLE.md").read_text() == "the user's own note\n"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("CON", "CON_"),
        ("con.txt", "con_.txt"),
        ("LPT1 ", "LPT1_"),
        ("What? Why: now*", "What Why now"),
        ("trailing dots...", "trailing dots"),
        (".hidden", "hidden"),
        ("a/b\\c", "a b c"),
        ("[[wiki]] #tag ^block | pipe", "wiki tag block pipe"),
        ("\u202eevil\u202c name\x00", "evil name"),
        ("", "the-id"),
        ("???", "the-id"),
    ],
)
def test_file_names_valid_on_every_system(title, expected):
    assert safe_stem(title, "the-id") == expected


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=400))
def test_any_title_gives_a_valid_file_name(title):
    stem = safe_stem(title, "fallback-id")
    assert stem and not (set(stem) & WINDOWS_ILLEGAL)
    assert stem == stem.strip(" .")
    assert len(stem.encode("utf-8")) <= 120
    assert stem.split(".")[0].rstrip(" ").upper() not in RESERVED
    assert not (set(stem) & set("[]#^|"))


def test_a_folder_that_cannot_be_written_is_one_sentence(service, tmp_path, cli):
    seed(service, notes=False)
    afile = tmp_path / "file.md"
    afile.write_text("x")
    with pytest.raises(InputError, match=r"is a file, not a folder"):
        service.export_obsidian(afile)
    with pytest.raises(InputError, match=r"^cannot write into .*; choose a folder you can write"):
        service.export_obsidian(afile / "vault")
    if os.geteuid() == 0:
        locked = Path("/sys/distill-vault")  # read-only even for root
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
    result = cli("export", "obsidian", str(locked))
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot write into ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_the_cli_writes_a_vault_and_says_what_it_did(cli, distill_home, tmp_path):
    from distill.library import Library
    from distill.service import Distill

    with Distill(Library()) as service:
        seed(service)
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    result = cli("export", "obsidian", str(vault))
    assert result.returncode == 0, result.stderr
    assert "2 new, 0 updated, 0 unchanged notes" in result.stdout
    assert "not inside an Obsidian vault" not in result.stderr
    again = cli("export", "obsidian", str(vault / "Sub"))
    assert again.returncode == 0 and "2 new" in again.stdout  # its own notes in a subfolder
    bad = cli("export", "obsidian", str(vault), "--channel", "No Such Channel")
    assert (
        bad.returncode != 0 and bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr
    )


def _peak_exporting(service, folder: Path, count: int) -> int:
    lib = service.library
    start = lib.count_videos()
    for n in range(start, count):
        t = transcript(f"bulk{n:07d}", f"Talk number {n}", lines=20)
        lib.save_transcript(t)
        lib.save_summary(t.meta.id, summary(t.meta, tldr=f"Talk {n} says this. " * 400))
    seen: list[tuple[float, float | None]] = []
    tracemalloc.start()
    try:
        service.export_obsidian(folder, progress=lambda s, d, t: seen.append((d, t)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen[0] == (0.0, float(count)) and seen[-1] == (float(count), float(count))
    return peak


def test_many_documents_stream_in_bounded_memory(service, tmp_path):
    small = _peak_exporting(service, tmp_path / "small", 30)
    large = _peak_exporting(service, tmp_path / "large", 230)
    assert len(list((tmp_path / "large").glob("*.md"))) == 230
    # A summary here is 8 KB; the export keeps only a note's path and id per document (about
    # 1 KB) and nothing of its summary, so 200 more documents cost far less than their summaries.
    per_document = (large - small) / 200
    assert per_document < 2000, (small, large)
