"""Caption files of every format, including the messy shapes found in the wild."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from distill.domain import Transcript
from distill.sources import resolve


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def words(t: Transcript) -> list[str]:
    return t.text.lower().replace(",", "").replace(".", "").split()


def assert_ordered(t: Transcript) -> None:
    starts = [s.start for s in t.segments]
    assert all(s is not None for s in starts)
    assert starts == sorted(starts)  # type: ignore[type-var]
    for seg in t.segments:
        assert seg.end is None or seg.end >= seg.start  # type: ignore[operator]


SRT = """1
00:00:01,000 --> 00:00:03,500
Hello and welcome to the show.

2
00:00:04,000 --> 00:00:06,000
Today we talk about
<i>caption files</i> &amp; their quirks.

3
00:00:06,500 --> 00:00:08,000
[Music]

4
00:01:02,250 --> 00:01:05,000
That's all.
"""


def test_srt_basic_file_meta_and_sentences(tmp_path: Path) -> None:
    path = write(tmp_path, "My_Great Talk.en.srt", SRT)
    t = resolve(str(path))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    assert t.meta.id == f"my-great-talk-{digest}"
    assert t.meta.kind == "captions"
    assert t.meta.title == "My Great Talk"
    assert t.meta.url is None
    assert t.origin == "file"
    assert t.language == "en"
    assert t.meta.duration == 65.0
    texts = [s.text for s in t.segments]
    assert texts == [
        "Hello and welcome to the show.",
        "Today we talk about caption files & their quirks.",
        "That's all.",
    ]
    assert (t.segments[1].start, t.segments[1].end) == (4.0, 6.0)
    assert t.segments[2].start == 62.25


def test_language_only_from_file_name(tmp_path: Path) -> None:
    assert (
        resolve(
            str(write(tmp_path, "talk.de.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nHallo.\n"))
        ).language
        == "de"
    )
    assert resolve(str(write(tmp_path, "talk.srt", SRT))).language is None
    assert resolve(str(write(tmp_path, "notes.final.srt", SRT))).language is None


def test_srt_crlf_bom_missing_blank_lines_and_dot_millis(tmp_path: Path) -> None:
    text = (
        "\ufeff1\r\n00:00:01.000 --> 00:00:02.000\r\nFirst line here.\r\n"
        "2\r\n00:00:02,500 --> 00:00:04,000\r\nSecond line here.\r\n"
        "3\r\n0:00:05,5 --> 0:00:06,0\r\nThird line here.\r\n"
    )
    t = resolve(str(write(tmp_path, "crlf.srt", text)))
    assert [s.text for s in t.segments] == [
        "First line here.",
        "Second line here.",
        "Third line here.",
    ]
    assert [s.start for s in t.segments] == [1.0, 2.5, 5.5]
    assert "2" not in words(t) and "3" not in words(t)


def test_srt_overlapping_and_duplicated_cues(tmp_path: Path) -> None:
    text = (
        "1\n00:00:05,000 --> 00:00:09,000\nThe second sentence comes later.\n\n"
        "2\n00:00:01,000 --> 00:00:06,000\nThe first sentence starts early.\n\n"
        "3\n00:00:05,000 --> 00:00:09,000\nThe second sentence comes later.\n\n"
    )
    t = resolve(str(write(tmp_path, "overlap.srt", text)))
    assert [s.text for s in t.segments] == [
        "The first sentence starts early.",
        "The second sentence comes later.",
    ]
    assert_ordered(t)
    # The overlapping end is clipped to where the next cue starts.
    assert t.segments[0].end == 5.0


def test_vtt_header_notes_styles_ids_and_settings(tmp_path: Path) -> None:
    text = """WEBVTT - a title
Kind: captions
Language: en

STYLE
::cue { color: yellow }

NOTE this is a comment
that spans two lines

intro
00:01.000 --> 00:03.000 align:start position:0%
<v Roger>Hello <b>there</b>, friend.

NOTE another comment

00:00:03.500 --> 00:00:05.000 line:90%
&gt;&gt; How are you?
1:00:00.000 --> 1:00:02.000
- Fine.
- Thanks.
"""
    t = resolve(str(write(tmp_path, "talk.vtt", text)))
    texts = [s.text for s in t.segments]
    assert texts[0] == "Hello there, friend."
    assert "How are you?" in texts
    assert t.segments[0].speaker == "Roger"
    assert [s.text for s in t.segments[-2:]] == ["Fine.", "Thanks."]
    assert t.segments[-2].start == 3600.0
    assert 3600.0 < t.segments[-1].start < 3602.0  # type: ignore[operator]
    joined = " ".join(texts)
    for junk in ("NOTE", "comment", "STYLE", "color", "intro", "align", ">>", "<", "- "):
        assert junk not in joined
    assert "Fine." in joined and "Thanks." in joined


def test_cue_settings_do_not_leak_into_text(tmp_path: Path) -> None:
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000 align:start position:0% size:50%\nWords only.\n"
    t = resolve(str(write(tmp_path, "s.vtt", text)))
    assert t.text == "Words only."


# "~" lines stand for the lines holding one space that YouTube writes.
YOUTUBE_AUTO_VTT = """WEBVTT
Kind: captions
Language: en

00:00:00.160 --> 00:00:02.350 align:start position:0%
~
so<00:00:00.480><c> today</c><00:00:00.800><c> we're</c><00:00:01.120><c> going</c><00:00:01.440><c> to</c><00:00:01.760><c> look</c>

00:00:02.350 --> 00:00:02.360 align:start position:0%
so today we're going to look
~

00:00:02.360 --> 00:00:04.670 align:start position:0%
so today we're going to look
at<00:00:02.600><c> the</c><00:00:02.900><c> riemann</c><00:00:03.300><c> zeta</c><00:00:03.700><c> function</c>

00:00:04.670 --> 00:00:04.680 align:start position:0%
at the riemann zeta function
~

00:00:07.000 --> 00:00:09.000 align:start position:0%
at the riemann zeta function
[Music]<00:00:07.400><c> which</c><00:00:07.800><c> is</c><00:00:08.100><c> famous</c>

00:00:09.000 --> 00:00:09.010 align:start position:0%
which is famous
~
""".replace("\n~\n", "\n \n")


def test_youtube_auto_vtt_deduplicated_with_word_times(tmp_path: Path) -> None:
    t = resolve(str(write(tmp_path, "auto.en.vtt", YOUTUBE_AUTO_VTT)))
    got = words(t)
    assert got == (
        [
            "so",
            "today",
            "we're",
            "going",
            "to",
            "look",
            "at",
            "the",
            "riemann",
            "zeta",
            "function",
            "which",
            "is",
            "famous",
        ]
    )
    assert len(got) == len(set(got))
    assert_ordered(t)
    # No punctuation: the 2.3 s pause before "which" starts a new unit at that word's own time.
    assert len(t.segments) == 2
    assert t.segments[0].start == 0.16
    assert t.segments[1].text == "which is famous"
    assert t.segments[1].start == 7.4


def test_rolling_captions_without_word_times(tmp_path: Path) -> None:
    lines = ["one two three", "four five six", "seven eight nine", "ten eleven twelve"]
    cues = []
    for i in range(len(lines)):
        shown = lines[max(0, i - 1) : i + 1]
        cues.append(f"{i + 1}\n00:00:0{i},000 --> 00:00:0{i + 1},000\n" + "\n".join(shown) + "\n")
    t = resolve(str(write(tmp_path, "rolling.srt", "\n".join(cues))))
    assert words(t) == " ".join(lines).split()
    assert t.segments[0].start == 0.0


def test_unpunctuated_text_is_cut_at_about_30_words(tmp_path: Path) -> None:
    cues = []
    for i in range(40):
        cues.append(
            f"{i + 1}\n00:{i // 60:02d}:{i % 60:02d},000 --> 00:{i // 60:02d}:{i % 60:02d},900\n"
            f"word{i}a word{i}b word{i}c\n"
        )
    t = resolve(str(write(tmp_path, "long.srt", "\n".join(cues))))
    assert len(words(t)) == 120
    assert len(t.segments) >= 4
    assert all(len(s.text.split()) <= 30 for s in t.segments)
    assert_ordered(t)


def test_sentence_split_inside_a_cue_interpolates_start(tmp_path: Path) -> None:
    text = "1\n00:00:10,000 --> 00:00:14,000\nThat is the end. And here is the start\n\n2\n00:00:14,000 --> 00:00:16,000\nof something new.\n"
    t = resolve(str(write(tmp_path, "mid.srt", text)))
    assert [s.text for s in t.segments] == [
        "That is the end.",
        "And here is the start of something new.",
    ]
    assert t.segments[0].start == 10.0
    assert 11.0 < t.segments[1].start < 12.5  # type: ignore[operator]
    assert t.segments[1].end == 16.0


def test_json3(tmp_path: Path) -> None:
    doc = {
        "wireMagic": "pb3",
        "events": [
            {"tStartMs": 0, "dDurationMs": 9000, "id": 1, "wWinId": 1},
            {
                "tStartMs": 1000,
                "dDurationMs": 2000,
                "wWinId": 1,
                "segs": [{"utf8": "Hello"}, {"utf8": " world", "tOffsetMs": 500}],
            },
            {"tStartMs": 2900, "dDurationMs": 100, "aAppend": 1, "segs": [{"utf8": "\n"}]},
            {
                "tStartMs": 3000,
                "dDurationMs": 1500,
                "segs": [{"utf8": "it&#39;s"}, {"utf8": " me.", "tOffsetMs": 300}],
            },
            {"tStartMs": 5000, "dDurationMs": 1000, "segs": [{"utf8": "[Applause]"}]},
        ],
    }
    t = resolve(str(write(tmp_path, "video.en.json3", json.dumps(doc))))
    assert t.text == "Hello world it's me."
    assert t.segments[0].start == 1.0
    assert t.segments[-1].end == 4.5


def test_txt_with_speakers(tmp_path: Path) -> None:
    text = "Alice: Good morning everyone.\nBob Smith: Morning! Shall we start?\n\nAlice: Yes: first item.\n"
    t = resolve(str(write(tmp_path, "meeting.txt", text)))
    assert [(s.speaker, s.text) for s in t.segments] == [
        ("Alice", "Good morning everyone."),
        ("Bob Smith", "Morning! Shall we start?"),
        ("Alice", "Yes: first item."),
    ]
    assert all(s.start is None and s.end is None for s in t.segments)
    assert t.meta.duration is None


def test_txt_without_speakers(tmp_path: Path) -> None:
    text = "The first thing to note: colons happen.\nA second utterance.\nA third one.\n"
    t = resolve(str(write(tmp_path, "notes.txt", text)))
    assert [s.speaker for s in t.segments] == [None, None, None]
    assert t.segments[0].text == "The first thing to note: colons happen."


def test_cp1252_and_utf16_files_decode(tmp_path: Path) -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nCaf\u00e9 \u2014 it\u2019s na\u00efve.\n"
    t1 = resolve(str(write(tmp_path, "old.srt", text, "cp1252")))
    assert t1.text == "Caf\u00e9 \u2014 it\u2019s na\u00efve."
    path = tmp_path / "wide.srt"
    path.write_bytes(text.encode("utf-16"))
    assert resolve(str(path)).text == t1.text
    for encoding in ("utf-16-le", "utf-16-be"):
        bare = tmp_path / f"{encoding}.srt"
        bare.write_bytes(text.encode(encoding))  # no byte-order mark
        assert resolve(str(bare)).text == t1.text


def test_same_content_same_id_different_content_different_id(tmp_path: Path) -> None:
    a = resolve(str(write(tmp_path, "a.srt", SRT)))
    (tmp_path / "copy").mkdir()
    b = resolve(str(write(tmp_path / "copy", "a.srt", SRT)))
    c = resolve(str(write(tmp_path, "c.srt", SRT.replace("show", "program"))))
    assert a.meta.id == b.meta.id
    assert a.meta.id.split("-")[-1] != c.meta.id.split("-")[-1]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Déjà Vu (Live!).srt", "deja-vu-live"),
        ("___.srt", "file"),
    ],
)
def test_ids_are_slugs(tmp_path: Path, name: str, expected: str) -> None:
    t = resolve(str(write(tmp_path, name, SRT)))
    assert t.meta.id.rsplit("-", 1)[0] == expected
    assert len(t.meta.id.rsplit("-", 1)[1]) == 8


def test_file_url_and_home_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "with space.srt", SRT)
    assert resolve(path.as_uri()).meta.title == "With space"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve("~/with space.srt").text == resolve(str(path)).text


def test_sbv(tmp_path: Path) -> None:
    text = "0:00:00.599,0:00:04.160\nHello from\nYouTube Studio.\n\n0:00:04.160,0:00:06.000\n>> Second speaker here.\n"
    t = resolve(str(write(tmp_path, "studio.sbv", text)))
    assert [(s.start, s.end, s.text) for s in t.segments] == [
        (0.599, 4.16, "Hello from YouTube Studio."),
        (4.16, 6.0, "Second speaker here."),
    ]
