"""`distill export json` / `import json`: the whole library to files and back, lossless (every
row of every table compared by checksum), also from SQLite into PostgreSQL; damaged or partial
backups refused in one sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from distill.errors import InputError, LibraryError
from distill.exports.backup import export_library, import_library
from distill.library import Library
from distill.library.collections import ClippingRow
from distill.library.copy import checksum, count_rows
from distill.library.exports import Push
from distill.service import Distill
from tests.library.conftest import new_postgres_db
from tests.library.test_library import make_summary, make_transcript
from tests.library.test_page_reads import fill


def full_library(lib: Library) -> list[str]:
    """Every kind of row: videos in channels, transcripts and summaries in several languages,
    a translation, highlights with notes, passages with vectors, jobs, facts, a follow with its
    batch, clippings, pushes."""
    ids = fill(lib)
    service = Distill(lib)
    service.index(ids[0])  # passages, with vectors when the embedding model loads
    h = service.add_highlight(ids[0], 3.0, note="a note <b>with</b> markup\nand a line", tags=["x"])
    service.edit_highlight(h.id, h.version, tags=["x", "y"])
    done = service.submit("vid00000000")
    lib.update_job(done.id, status="done", video_id=ids[0])
    failed = service.submit("https://example.org/gone")
    lib.update_job(failed.id, status="failed", error="the page is gone")
    service.submit("vid00000001", priority=10)
    lib.set_info("note", "ünïcödé ✓")
    follow = lib.add_follow("https://example.org/feed.xml", "A feed", "feed", {"limit": 5})
    items = [{"source": "https://example.org/1", "entry_id": "1", "title": "One", "skipped": True}]
    lib.create_batch("https://example.org/feed.xml", "A feed", "feed", items, follow_id=follow.id)
    lib.save_clippings(ids[1], [ClippingRow(type="highlight", text="a line", page="4", note="n")])
    lib.record_pushes("readwise", [Push("highlight:1", ids[0], "abc", "1001")])
    return ids


def test_a_backup_restores_every_row(distill_home: Path, tmp_path: Path):
    source = Library()
    ids = full_library(source)
    assert all(count_rows(source).values())  # every table has rows to compare
    report = export_library(source, tmp_path / "backup")
    assert report.total == sum(count_rows(source).values()) and report.checksum == checksum(source)
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["format"] == "distill-backup" and manifest["tables"]["videos"]["rows"] == 9
    lines = (tmp_path / "backup" / "highlights.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["note"] == "a note <b>with</b> markup\nand a line"

    target = Library(f"sqlite:///{tmp_path / 'restored.db'}")
    restored = import_library(target, tmp_path / "backup")
    assert restored.checksum == checksum(source) and count_rows(target) == count_rows(source)
    for vid in ids:
        assert target.get_video(vid) == source.get_video(vid)
        assert target.list_summaries(vid) == source.list_summaries(vid)
    assert target.list_highlights() == source.list_highlights()
    assert target.list_jobs(limit=10) == source.list_jobs(limit=10)
    assert target.pushed("readwise", ids[0]) == source.pushed("readwise", ids[0])
    # Search works in the restored library (its indexes were filled as rows went in), and new
    # rows get new ids after the restored ones.
    assert target.search("talk")
    t = make_transcript("vidnew00001", title="After the restore")
    target.save_transcript(t)
    target.save_summary("vidnew00001", make_summary(t.meta))
    assert target.count_videos() == len(ids) + 1
    source.close()
    target.close()


def test_bad_backups_and_targets_are_one_sentence(distill_home: Path, tmp_path: Path):
    source = Library()
    fill(source)
    with pytest.raises(InputError, match=r"holds other files; back up into an empty folder"):
        (tmp_path / "busy").mkdir()
        (tmp_path / "busy" / "photo.jpg").write_bytes(b"x")
        export_library(source, tmp_path / "busy")
    export_library(source, tmp_path / "b")
    export_library(source, tmp_path / "b")  # an earlier backup's folder may be reused

    with pytest.raises(LibraryError, match=r"^the target library already holds data"):
        import_library(source, tmp_path / "b")
    fresh = lambda name: Library(f"sqlite:///{tmp_path / name}")  # noqa: E731
    with pytest.raises(InputError, match=r"is not a complete distill backup \(no manifest.json\)"):
        import_library(fresh("1.db"), tmp_path / "busy")

    # A changed value is caught by the checksum, and nothing is left half-imported.
    rows = (tmp_path / "b" / "segments.jsonl").read_text().replace("line 3", "line 4", 1)
    (tmp_path / "b" / "segments.jsonl").write_text(rows)
    target = fresh("2.db")
    with pytest.raises(LibraryError, match=r"differ from the backup's checksum"):
        import_library(target, tmp_path / "b")

    (tmp_path / "b" / "segments.jsonl").write_text("{not json\n")
    target = fresh("3.db")
    with pytest.raises(InputError, match=r"^line 1 of .*segments.jsonl is not JSON"):
        import_library(target, tmp_path / "b")
    assert sum(count_rows(target).values()) == 0  # all or nothing

    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    manifest["schema"] = "9999"
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InputError, match=r"^the backup is of a newer library"):
        import_library(fresh("4.db"), tmp_path / "b")
    source.close()


@pytest.mark.postgres
def test_from_sqlite_to_postgresql_through_a_backup(
    cli, distill_home: Path, tmp_path: Path, postgres_server: str, postgres_template: str
):
    sqlite = Library()
    full_library(sqlite)
    expected, rows = checksum(sqlite), count_rows(sqlite)
    sqlite.close()
    out = cli("export", "json", str(tmp_path / "backup"))
    assert out.returncode == 0, out.stderr
    assert f"backed up {sum(rows.values())} rows" in out.stdout

    url = new_postgres_db(postgres_server, template=postgres_template)
    back = cli("import", "json", str(tmp_path / "backup"), "--target", url)
    assert back.returncode == 0, back.stderr
    assert f"restored and verified {sum(rows.values())} rows" in back.stdout
    pg = Library(url)
    assert checksum(pg) == expected and count_rows(pg) == rows
    assert pg.search("talk")
    again = cli("import", "json", str(tmp_path / "backup"), "--target", url)
    assert again.returncode == 1 and again.stderr.startswith("error: the target library already")
    pg.close()
