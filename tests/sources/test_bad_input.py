"""Bad input: each gives one clear sentence through a DistillError subclass."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from distill.errors import DistillError, SourceError
from distill.sources import resolve


def one_sentence(message: str) -> None:
    assert message.endswith("."), message
    # No sentence break inside: a full stop followed by a space and a capital letter.
    assert not re.search(r"[.!?] +[A-Z]", message[:-1]), message
    assert "\n" not in message and "Traceback" not in message


def fails(source: str, match: str, cls: type[DistillError] = SourceError) -> str:
    with pytest.raises(cls) as info:
        resolve(source)
    message = str(info.value)
    one_sentence(message)
    assert re.search(match, message, re.IGNORECASE), message
    return message


def test_unknown_source() -> None:
    message = fails("hello world, not a source", r"not a YouTube URL/ID or a caption")
    assert "pass" in message


def test_non_web_url() -> None:
    fails("ftp://example.com/talk.srt", r"not a YouTube URL/ID")


def test_broken_pdf_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "slides.pdf"
    path.write_bytes(b"%PDF-1.4")
    fails(str(path), r"could not be read as a PDF")


def test_empty_source() -> None:
    fails("   ", r"no source")


def test_missing_file(tmp_path: Path) -> None:
    fails(str(tmp_path / "nope.srt"), r"file not found")
    fails(str(tmp_path / "nope"), r"file not found")


def test_directory(tmp_path: Path) -> None:
    fails(str(tmp_path), r"is a directory")
    (tmp_path / "dir.srt").mkdir()
    fails(str(tmp_path / "dir.srt"), r"is a directory")


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "slides.key"
    path.write_bytes(b"PK\x03\x04")
    fails(str(path), r"extension .* \(\.key\)")


def test_empty_caption_file(tmp_path: Path) -> None:
    for name in ("empty.srt", "blank.vtt", "empty.txt", "empty.json3"):
        path = tmp_path / name
        path.write_text("" if name != "blank.vtt" else "\n \n\t\n")
        fails(str(path), r"is empty")


def test_corrupt_caption_files(tmp_path: Path) -> None:
    srt = tmp_path / "broken.srt"
    srt.write_text("this is not\na subtitle file\nat all\n")
    fails(str(srt), r"no captions could be read from broken\.srt")
    vtt = tmp_path / "broken.vtt"
    vtt.write_text("WEBVTT\n\n00:01 to 00:02\nno arrow\n")
    fails(str(vtt), r"no captions could be read")
    j = tmp_path / "broken.json3"
    j.write_text('{"events": [1, 2')
    fails(str(j), r"not a valid \.json3 file")
    j2 = tmp_path / "other.json3"
    j2.write_text('{"something": "else"}')
    fails(str(j2), r"not a valid \.json3 file")


def test_only_sound_labels(tmp_path: Path) -> None:
    path = tmp_path / "music.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:05,000\n[Music]\n\n2\n00:00:06,000 --> 00:00:09,000\n(applause)\n"
    )
    fails(str(path), r"no speech text")


def test_binary_junk_with_caption_name(tmp_path: Path) -> None:
    path = tmp_path / "junk.srt"
    path.write_bytes(bytes(range(256)) * 20)
    fails(str(path), r"not a text file")
    noisy = tmp_path / "noise.vtt"
    # Random-looking bytes without NULs: neither UTF-8 nor plausible Windows-1252 text.
    noisy.write_bytes(bytes((i * 37 + 11) % 255 + 1 for i in range(4000)))
    fails(str(noisy), r"not readable text")


def test_broken_utf16(tmp_path: Path) -> None:
    path = tmp_path / "odd.srt"
    path.write_bytes(
        b"\xff\xfe" + "1\n00:00:01,000 --> 00:00:02,000\nHi\n".encode("utf-16-le") + b"\x00"
    )
    fails(str(path), r"byte-order mark")


def test_huge_caption_file_refused_before_reading(
    tmp_path: Path, distill_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.srt"
    with path.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    # Reading it would find NUL bytes; the size check must come first and say how to raise it.
    message = fails(str(path), r"200 MB, over the 50 MB limit")
    assert "DISTILL_MAX_CAPTION_MB" in message
    monkeypatch.setenv("DISTILL_MAX_CAPTION_MB", "1")
    from distill.settings import get_settings

    get_settings.cache_clear()
    small = tmp_path / "two-mb.srt"
    small.write_bytes(b"1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n" * 60_000)
    assert os.path.getsize(small) > 1024 * 1024
    fails(str(small), r"over the 1 MB limit")
