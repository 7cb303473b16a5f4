"""Any bytes, as any caption format or as an upload: a transcript or one clear DistillError, never
another exception (Hypothesis drives random bytes and caption-shaped text through the real parsers)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from distill.domain import Transcript
from distill.errors import DistillError
from distill.sources.captions import decode_caption_bytes, load_caption_file
from distill.sources.kindle import read_clippings
from distill.sources.media import media_score, sniff
from distill.sources.pdf import load_pdf_file
from distill.web.uploads import UploadError, sniff_media, sniff_text, store_upload

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FORMATS = ["srt", "vtt", "json3", "txt", "sbv"]

# Pieces caption files are made of, so the fuzzer reaches past the decoder into the parsers.
TIMES = st.from_regex(r"\A(\d{1,3}:)?\d{1,2}:\d{2}([.,:]\d{1,3})?\Z", fullmatch=True)
WORDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=40
)
MARKUP = st.sampled_from(
    ["<b>", "</i>", "<c.colorE5E5E5>", "<00:00:01.500>", "&gt;&gt;", ">> ", "- ", "[Music]",
     "(laughs)", "NOTE", "STYLE", "WEBVTT", "\ufeff", "Speaker 1: ", "♪", "\r", "\t", " "]
)  # fmt: skip


@st.composite
def cue_text(draw: st.DrawFn) -> str:
    """SRT/VTT/SBV-like text: ids, timing lines (sometimes broken), text lines with markup."""
    lines = []
    if draw(st.booleans()):
        lines.append("WEBVTT")
    for n in range(draw(st.integers(0, 8))):
        if draw(st.booleans()):
            lines.append(str(n + 1))
        arrow = draw(st.sampled_from([" --> ", "-->", " -> ", ",", " --> ", " to "]))
        lines.append(
            draw(TIMES) + arrow + draw(TIMES) + draw(st.sampled_from(["", " align:start"]))
        )
        for _ in range(draw(st.integers(0, 3))):
            lines.append(draw(MARKUP) + draw(WORDS) + draw(MARKUP))
        if draw(st.booleans()):
            lines.append("")
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


@st.composite
def json3_text(draw: st.DrawFn) -> str:
    """YouTube timed-text JSON with odd values where numbers and lists belong."""
    import json

    value = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), WORDS, st.lists(WORDS, max_size=2)
    )
    events = []
    for _ in range(draw(st.integers(0, 5))):
        event: dict[str, object] = {}
        if draw(st.booleans()):
            event["tStartMs"] = draw(value)
        if draw(st.booleans()):
            event["dDurationMs"] = draw(value)
        segs = draw(st.one_of(value, st.lists(st.fixed_dictionaries({"utf8": value}), max_size=3)))
        event["segs"] = segs
        events.append(event)
    doc = draw(st.sampled_from([{"events": events}, events, {"events": draw(value)}]))
    return json.dumps(doc, allow_nan=True)


# Nesting as deep as a hostile file likes ({"events": [[[[...]]]]}), with a twist at the bottom.
NESTED = st.tuples(st.integers(1, 5000), st.sampled_from(["", "{}", '"x"', "1"])).map(
    lambda t: '{"events":' + "[" * t[0] + t[1] + "]" * t[0] + "}"
)
CONTENT = st.one_of(
    st.binary(max_size=2000),
    NESTED.map(str.encode),
    cue_text().map(lambda s: s.encode("utf-8", "surrogatepass")),
    json3_text().map(str.encode),
    st.text(max_size=500).map(lambda s: s.encode("utf-8", "surrogatepass")),
)


def _write(data: bytes, ext: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="distill-fuzz-"))
    path = folder / f"fuzz.{ext}"
    path.write_bytes(data)
    return path


@FUZZ
@given(data=CONTENT, fmt=st.sampled_from(FORMATS))
def test_any_caption_file_gives_a_transcript_or_one_clear_error(data: bytes, fmt: str) -> None:
    path = _write(data, fmt)
    try:
        transcript = load_caption_file(path)
    except DistillError as exc:
        message = str(exc)
        assert message.endswith(".") and "\n" not in message and "Traceback" not in message
        return
    finally:
        path.unlink()
        path.parent.rmdir()
    assert isinstance(transcript, Transcript) and transcript.segments
    for seg in transcript.segments:
        assert seg.text.strip()
        if seg.start is not None and seg.end is not None:
            assert 0 <= seg.start <= seg.end


@FUZZ
@given(data=st.binary(max_size=3000))
def test_decoding_any_bytes_is_text_or_one_clear_error(data: bytes) -> None:
    try:
        assert isinstance(decode_caption_bytes(data, "fuzz.srt"), str)
    except DistillError as exc:
        assert str(exc).endswith(".")


MAGIC = st.sampled_from(
    [b"", b"RIFF\0\0\0\0WAVE", b"RIFF\0\0\0\0AVI ", b"fLaC", b"OggS", b"OggS" + b"\0" * 24 + b"OpusHead",
     b"ID3", b"\xff\xfb", b"\xff\xf1", b"\0\0\0\x18ftypM4A ", b"\0\0\0\x14ftypqt  ", b"\x1a\x45\xdf\xa3",
     b"WEBVTT\n", b'{"events":', b"1\n00:00:01,000 --> ", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
     b"%PDF-1.7\n", b"Book (A)\n- Your Highlight on page 1 | Location 1 |\n\nx\n==========\n"]
)  # fmt: skip


@FUZZ
@given(head=MAGIC, rest=st.binary(max_size=3000))
@example(head=b"\xef\xbb\xbf", rest=b"\x00\xc2")  # a BOM, then a character cut in two
def test_sniffing_any_upload_never_fails_unexpectedly(head: bytes, rest: bytes) -> None:
    data = head + rest
    kind = sniff_media(data[:65536])
    assert kind is None or kind.startswith(".")
    text = sniff_text(data[:65536])
    assert text is None or text in {".vtt", ".json3", ".srt", ".txt", ".pdf", ".clippings"}
    folder = Path(tempfile.mkdtemp(prefix="distill-fuzz-"))
    try:
        stored = store_upload(io.BytesIO(data), "fuzz.bin", folder, max_media=2000, max_text=1000)
    except UploadError as exc:
        assert exc.status in (413, 415) and str(exc).endswith(".")
    else:
        assert stored.is_file() and stored.read_bytes() == data
        assert stored.suffix in {".wav", ".avi", ".flac", ".ogg", ".opus", ".mp3", ".aac", ".m4a",
                                 ".mov", ".mp4", ".webm", ".mkv", ".vtt", ".json3", ".srt", ".txt",
                                 ".pdf", ".clippings"}  # fmt: skip
        # A stored file is read by its parser later: that too ends in one of two ways.
        readers = {".pdf": lambda p: load_pdf_file(str(p)),
                   ".clippings": lambda p: read_clippings(p.read_bytes(), p.name)}  # fmt: skip
        if stored.suffix in {".vtt", ".json3", ".srt", ".txt", ".pdf", ".clippings"}:
            try:
                readers.get(stored.suffix, load_caption_file)(stored)
            except DistillError as exc:
                assert str(exc).endswith(".")
    finally:
        import shutil

        shutil.rmtree(folder)


@FUZZ
@given(head=MAGIC, rest=st.binary(max_size=200), ext=st.sampled_from(["", ".bin", ".mp3", ".srt"]))
def test_media_sniffing_of_any_file_is_a_score(head: bytes, rest: bytes, ext: str) -> None:
    path = _write(head + rest, "x")
    named = path.with_name("fuzz" + ext)
    path.rename(named)
    try:
        assert sniff(named) in (True, False)
        assert 0.0 <= media_score(str(named)) <= 1.0
    finally:
        named.unlink()
        named.parent.rmdir()
