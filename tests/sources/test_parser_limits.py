"""Hostile caption files: deep nesting, impossible cue times, and the memory a big file takes to parse."""

from __future__ import annotations

import random
import re
import tracemalloc
from pathlib import Path

import pytest

from distill.errors import SourceError
from distill.sources.captions import load_caption_file, parse_time


def one_sentence(message: str) -> None:
    assert message.endswith(".") and "\n" not in message, message
    assert not re.search(r"[.!?] +[A-Z]", message[:-1]), message


def test_a_deeply_nested_json3_is_one_clear_error(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json3"
    deep.write_text('{"events":' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(SourceError) as info:
        load_caption_file(deep)
    message = str(info.value)
    one_sentence(message)
    assert "deep.json3" in message and "nested" in message


@pytest.mark.parametrize("bad", ["99:99:99,000", "00:60:00,000", "00:00:60,000", "75:00.000"])
def test_an_impossible_cue_time_is_refused(tmp_path: Path, bad: str) -> None:
    srt = tmp_path / "late.srt"
    srt.write_text(
        f"1\n00:00:01,000 --> 00:00:02,000\nFirst words.\n\n2\n{bad} --> 100:00:00,000\nToo late.\n"
    )
    with pytest.raises(SourceError) as info:
        load_caption_file(srt)
    message = str(info.value)
    one_sentence(message)
    assert bad in message and "line 6" in message and "59" in message


def test_caption_times_at_their_limits_are_read() -> None:
    assert parse_time("00:59:59,999") == 3599.999
    assert parse_time("100:00:00.000") == 360000.0  # hours have no upper limit
    assert parse_time("59:59.5") == 3599.5
    with pytest.raises(ValueError):
        parse_time("99:99:99,000")


def big_srt(path: Path, megabytes: float) -> int:
    words = [
        "bees",
        "honey",
        "colony",
        "nectar",
        "flower",
        "hive",
        "queen",
        "worker",
        "pollen",
        "wax",
        "comb",
        "swarm",
        "dance",
    ]
    rng = random.Random(3)
    cues = []
    size, n = 0, 1
    while size < megabytes * (1 << 20):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(6, 14))).capitalize() + "."
        cue = f"{n}\n00:{n // 60 % 60:02d}:{n % 60:02d},000 --> 00:{n // 60 % 60:02d}:{n % 60:02d},900\n{text}\n\n"
        cues.append(cue)
        size += len(cue)
        n += 1
    path.write_text("".join(cues))
    return path.stat().st_size


def test_parsing_memory_is_a_small_multiple_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "big.srt"
    size = big_srt(path, 1.0)
    tracemalloc.start()
    try:
        transcript = load_caption_file(path)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(transcript.segments) > 5000
    # The transcript itself is several times the file (one object per sentence); parsing may
    # hold little more than that at its peak.
    assert peak <= kept + 4 * size, (peak / size, kept / size)
    assert peak <= 11 * size, peak / size


def test_highlights_of_one_book_are_compared_with_their_neighbours_only(monkeypatch) -> None:
    """A clippings file of thousands of highlights of one book is read in time proportional to
    its size: each highlight is compared with those whose locations are near it, not with all."""
    from distill.sources import kindle

    compared = 0
    overlaps = kindle._overlaps

    def counted(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
        nonlocal compared
        compared += 1
        return overlaps(a, b)

    monkeypatch.setattr(kindle, "_overlaps", counted)
    added = "Added on Monday, 3 June 2024 09:15:02"
    n = 3000
    records = [
        f"Beans (Green, Ana)\n- Your Highlight on page {i} | Location {i * 10}-{i * 10 + 3} | "
        f"{added}\n\nHighlight number {i} about beans.\n==========\n"
        for i in range(1, n + 1)
    ]
    records.append(  # a later revision of the 7th highlight, and a note inside the 2,000th
        f"Beans (Green, Ana)\n- Your Highlight on page 7 | Location 70-75 | {added}\n\n"
        "Highlight number 7 about beans, and more.\n==========\n"
        f"Beans (Green, Ana)\n- Your Note on page 2000 | Location 20002 | {added}\n\n"
        "Climbing beans.\n==========\n"
    )
    [book] = kindle.read_clippings("".join(records).encode(), "My Clippings.txt")
    assert [c.type for c in book.clippings] == ["highlight"] * n
    assert book.clippings[6].text == "Highlight number 7 about beans, and more."
    assert book.clippings[1999].note == "Climbing beans."
    assert compared < 20 * n, compared
