"""The real Whisper model on real and generated speech: word error rate, times, progress, chunks."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from distill.transcribe import Decoding, Transcription, transcribe
from distill.transcribe.audio import SAMPLE_RATE, probe, stream_audio
from distill.transcribe.wer import normalize_words, word_error_rate
from tests.conftest import eval_dir_or_skip
from tests.transcribe.speech_helpers import SPEECH_TEXT, sox

pytestmark = pytest.mark.whisper


def assert_times_sane(result: Transcription) -> None:
    assert result.segments
    starts = [s.start for s in result.segments]
    assert all(s is not None for s in starts)
    assert starts == sorted(starts), starts  # type: ignore[type-var]
    for seg in result.segments:
        assert seg.start is not None and seg.end is not None
        assert 0.0 <= seg.start <= seg.end <= result.duration + 1e-6, seg
        assert seg.text.strip()


@pytest.fixture(scope="module")
def heard(
    whisper: Any, speech_wav: Path
) -> tuple[Transcription, list[tuple[str, float, float | None]]]:
    """The generated speech transcribed once, with every progress event it reported."""
    events: list[tuple[str, float, float | None]] = []
    return transcribe(speech_wav, progress=lambda *e: events.append(e)), events


def test_generated_speech_word_error_rate(heard: tuple[Transcription, list]) -> None:
    result, _ = heard
    text = " ".join(s.text for s in result.segments)
    wer = word_error_rate(SPEECH_TEXT, text)
    assert wer <= 0.25, (wer, text)
    assert result.language == "en"
    assert result.model == "tiny.en"
    assert 10.0 < result.duration < 25.0
    assert_times_sane(result)
    # Segment times follow the speech: the first sentence is heard in the first third.
    first = next(s for s in result.segments if "weather" in s.text.lower())
    assert first.start is not None and first.start < result.duration / 3
    # Sentence-sized segments, and word times inside their segments.
    assert len(result.segments) >= 3
    assert len(result.words) >= 30
    for seg in result.segments:
        inside = [w for w in result.words if seg.start <= w.start <= (seg.end or 0)]
        assert inside, seg
    starts = [w.start for w in result.words]
    assert starts == sorted(starts)


def test_mp3_of_the_same_speech(whisper: Any, media_dir: Path) -> None:
    result = transcribe(media_dir / "speech.mp3")
    assert word_error_rate(SPEECH_TEXT, " ".join(s.text for s in result.segments)) <= 0.25
    assert_times_sane(result)


def test_video_file_audio_track(whisper: Any, speech_video: Path) -> None:
    result = transcribe(speech_video)
    assert word_error_rate(SPEECH_TEXT, " ".join(s.text for s in result.segments)) <= 0.25
    assert_times_sane(result)


def test_eval_asr_word_error_rate(whisper: Any) -> None:
    asr = eval_dir_or_skip("asr")
    refs = [
        json.loads(line) for line in (asr / "refs.jsonl").read_text().splitlines() if line.strip()
    ]
    assert len(refs) >= 3
    errors = words = 0
    for ref in refs:
        result = transcribe(asr / ref["file"])
        assert_times_sane(result)
        hyp = " ".join(s.text for s in result.segments)
        n = len(normalize_words(ref["text"]))
        errors += round(word_error_rate(ref["text"], hyp) * n)
        words += n
    assert errors / words <= 0.10, f"WER {errors / words:.3f} on {words} words"


def test_progress_events_in_audio_seconds(heard: tuple[Transcription, list]) -> None:
    result, events = heard
    assert {stage for stage, _, _ in events} == {"transcribe"}
    done = [d for _, d, _ in events]
    assert done == sorted(done), done
    assert len(events) >= 3
    assert events[-1][1] == pytest.approx(result.duration)
    assert events[-1][2] == pytest.approx(result.duration)
    assert all(t is not None and abs(t - result.duration) < 0.5 for _, _, t in events)


def test_small_chunks_cut_at_quiet_moments(whisper: Any, speech_wav: Path) -> None:
    # The same code path a 10-hour file takes: many chunks, times offset, words not lost.
    declared = probe(speech_wav).duration
    assert declared is not None
    chunked = transcribe(speech_wav, decoding=Decoding(chunk_seconds=8.0))
    assert_times_sane(chunked)
    assert chunked.duration == pytest.approx(declared, abs=0.01)
    assert word_error_rate(SPEECH_TEXT, " ".join(s.text for s in chunked.segments)) <= 0.35
    assert max(s.end or 0 for s in chunked.segments) > declared * 0.7


def test_streaming_decode_has_bounded_memory(tmp_path: Path, speech_wav: Path) -> None:
    # 5 minutes of audio decode in 10-second chunks without ever holding the whole file.
    long_file = tmp_path / "long.flac"
    sox("-n", "-r", "16000", "-c", "1", str(long_file), "synth", "300", "sine", "440", "vol", "0.1")
    full_bytes = 300 * SAMPLE_RATE * 4
    for _ in stream_audio(speech_wav):  # import the decoder before measuring
        pass
    tracemalloc.start()
    try:
        total = 0
        biggest = 0
        for chunk in stream_audio(long_file, chunk_seconds=10.0):
            total += chunk.shape[0]
            biggest = max(biggest, chunk.shape[0])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == pytest.approx(300 * SAMPLE_RATE, rel=0.001)
    assert biggest <= 10 * SAMPLE_RATE
    assert peak < full_bytes / 4, (
        f"peak {peak / 1e6:.1f} MB while the whole file is {full_bytes / 1e6:.0f} MB"
    )
