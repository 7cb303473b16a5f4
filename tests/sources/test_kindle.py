"""Kindle clippings: BOM, CRLF, localized headers, notes and bookmarks, revised highlights kept
once, files cut off mid-entry; the eval files' checks where present."""

from __future__ import annotations

import json

import pytest

from distill.errors import SourceError
from distill.sources.kindle import book_transcript, parse_clippings, parse_status, read_clippings
from tests.conftest import eval_dir_or_skip

SEP = "=========="


def record(title: str, status: str, text: str) -> str:
    return f"{title}\r\n{status}\r\n\r\n{text}\r\n{SEP}\r\n"


FILE = "\ufeff" + "".join(
    [
        record(
            "The Garden Year (Green, Ana)",
            "- Your Highlight on page 12 | Location 180-182 | Added on Monday, 3 June 2024 09:15:02",
            "Plant beans after the last frost",
        ),
        record(
            "The Garden Year (Green, Ana)",
            "- Your Highlight on page 12 | Location 180-184 | Added on Monday, 3 June 2024 09:16:40",
            "Plant beans after the last frost, and water them every morning.",
        ),
        record(
            "The Garden Year (Green, Ana)",
            "- Your Note on page 12 | Location 184 | Added on Monday, 3 June 2024 09:17:00",
            "Try this with the runner beans.",
        ),
        record(
            "The Garden Year (Green, Ana)",
            "- Your Bookmark on page 40 | Location 610 | Added on Monday, 3 June 2024 10:00:00",
            "",
        ),
        "\ufeff"
        + record(
            "Der Gartenkalender (Grün, Anna)",
            "- Deine Markierung auf Seite 7 | bei Position 90-91 | Hinzugefügt am Dienstag, 4. Juni 2024 18:10:53",
            "Tomaten brauchen Sonne.",
        ),
        "Cut Off Book (Someone)\r\n- Your Highlight on page 3 | Loc",
    ]
)


def test_books_highlights_notes_and_bookmarks() -> None:
    books = read_clippings(FILE.encode("utf-8"), "My Clippings.txt")
    assert [(b.title, b.authors) for b in books] == [
        ("The Garden Year", "Green, Ana"),
        ("Der Gartenkalender", "Grün, Anna"),
    ]
    garden = books[0].clippings
    assert [c.type for c in garden] == ["highlight", "bookmark"]
    assert garden[0].text == "Plant beans after the last frost, and water them every morning."
    assert garden[0].note == "Try this with the runner beans."
    assert (garden[0].page, garden[0].location, garden[0].added) == (
        "12",
        "180-184",
        "2024-06-03T09:16:40",
    )
    german = books[1].clippings[0]
    assert (german.type, german.location, german.added) == (
        "highlight",
        "90-91",
        "2024-06-04T18:10:53",
    )
    t = book_transcript(books[0])
    assert t.meta.kind == "book" and [s.paragraph for s in t.segments] == [1]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            "- Votre surlignement sur la page 112 | emplacement 1300-1301 | Ajouté le jeudi 22 août 2024 18:10:53",
            ("highlight", "112", "1300-1301", "2024-08-22T18:10:53"),
        ),
        (
            "- Je highlight op pagina 112 | locatie 1300 t/m 1301 | Toegevoegd op donderdag 22 augustus 2024 18:10:53",
            ("highlight", "112", "1300-1301", "2024-08-22T18:10:53"),
        ),
        (
            "– Ваша заметка на странице 112 | Место 1300 | Добавлено: четверг, 22 августа 2024 г. в 18:10:53",
            ("note", "112", "1300", "2024-08-22T18:10:53"),
        ),
        (
            "- 112ページ|位置No. 1300-1301のハイライト |作成日: 2024年8月22日木曜日 18:10:53",
            ("highlight", "112", "1300-1301", "2024-08-22T18:10:53"),
        ),
        (
            "- 您在第 112 页（位置 #1300）的书签 | 添加于 2024年8月22日星期四 下午6:10:53",
            ("bookmark", "112", "1300", "2024-08-22T18:10:53"),
        ),
        (
            "- Highlight Loc. 563-64  | Added on Friday, 4 April 2014, 09:11 PM",
            ("highlight", None, "563-564", "2014-04-04T21:11:00"),
        ),
    ],
)
def test_status_lines_in_other_languages(status: str, expected: tuple) -> None:
    assert parse_status(status) == expected


def test_not_a_clippings_file() -> None:
    with pytest.raises(SourceError, match="holds no Kindle clippings") as err:
        read_clippings(b"just a shopping list\neggs\nmilk\n", "list.txt")
    assert "\n" not in str(err.value)
    clippings, broken = parse_clippings(FILE)
    assert broken == 1 and len(clippings) == 5


def test_eval_clippings() -> None:
    folder = eval_dir_or_skip("kindle-dev")
    refs = {
        json.loads(line)["file"]: json.loads(line)
        for line in (folder / "refs.jsonl").read_text().splitlines()
    }
    multi = refs["multilang-11-languages.txt"]
    clippings, broken = parse_clippings((folder / multi["file"]).read_text("utf-8-sig"))
    assert broken == 0 and len(clippings) == len(multi["records"]) == 33
    for want, got in zip(multi["records"], clippings, strict=True):
        assert got.type == want["type"] and got.title == want["title"]
        assert got.authors == "; ".join(want["authors"])
        assert got.added == want["added"] and got.text == want["content"]
        first, last = want["location"]
        assert got.location == (str(first) if first == last else f"{first}-{last}")
    dupes = read_clippings((folder / "en-duplicates-and-notes.txt").read_bytes(), "x")
    orwell = next(b for b in dupes if b.title == "1984")
    highlight = next(c for c in orwell.clippings if c.type == "highlight")
    assert highlight.text.startswith("“Don’t you see that the whole aim of Newspeak")
    assert highlight.note == "The ABC model - key for growth and happiness"
    elantris = next(b for b in dupes if b.title.startswith("Elantris"))
    assert [c.location.split("-")[0] for c in elantris.clippings] == ["398", "481", "483"]  # type: ignore[union-attr]
    crlf = read_clippings((folder / "en-bom-every-record-crlf.txt").read_bytes(), "x")
    assert sum(len(b.clippings) for b in crlf) == 14
    zh = read_clippings((folder / "zh-cn-crlf.txt").read_bytes(), "x")
    assert zh[0].title == "送你一颗子弹" and zh[0].authors == "刘瑜" and len(zh[0].clippings) == 4
