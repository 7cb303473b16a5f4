"""Speech to text with faster-whisper: chunked decoding, VAD, batched int8 inference, times."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from distill.domain import ProgressFn, Segment, Word, no_progress
from distill.errors import TranscribeError
from distill.transcribe.audio import SAMPLE_RATE, check_complete, probe, stream_audio
from distill.transcribe.models import DEFAULT_MODEL, is_english_only, load_model, model_label

if TYPE_CHECKING:
    import numpy as np


class Transcription(BaseModel):
    """What Whisper heard in one file: timed segments, the language, the audio's length."""

    model_config = ConfigDict(protected_namespaces=())

    segments: list[Segment]
    language: str
    duration: float
    model: str
    words: list[Word] = Field(default_factory=list, description="every word with its times")

    def timed_segments(self) -> list[Segment]:
        """The segments, each with the words said in it (for subtitle timing)."""
        out: list[Segment] = []
        i = 0
        for seg in self.segments:
            start, end = seg.start or 0.0, seg.end or 0.0
            while i < len(self.words) and self.words[i].start < start - 0.01:
                i += 1
            mine = []
            while i < len(self.words) and self.words[i].start <= end + 0.01:
                mine.append(self.words[i])
                i += 1
            out.append(seg.model_copy(update={"words": mine or None}))
        return out


@dataclass(frozen=True)
class Decoding:
    """How the model is run; the defaults are the measured best on 2 CPU cores (bench/asr.py)."""

    batched: bool = True
    batch_size: int = 8
    beam_size: int = 5
    vad_filter: bool = True
    word_timestamps: bool = True
    without_timestamps: bool = True
    chunk_seconds: float = 600.0
    # Progress reports per chunk at least (a smaller batch for short audio); 0 keeps the batch.
    progress_steps: int = 4


DEFAULT_DECODING = Decoding()

# How many times the model actually ran on a file in this process (the cache tests read it).
stats = {"runs": 0}

# Segments Whisper produces from noise: likely silence and a low-confidence guess.
_NO_SPEECH_PROB = 0.6
_LOW_LOGPROB = -1.0
# Below these confidences, an English-only model is guessing at another language.
_FOREIGN_WORD_PROB = 0.65
_FOREIGN_LOGPROB = -1.0
# Whisper decodes 30-second windows, a batch of them at a time, and a batch's segments all
# arrive when it ends. Short audio gets smaller batches, so progress moves several times per
# chunk; on 2 cores a 4.5-minute file took 13.1-13.5 CPU s in batches of 2 against 12.2 s in one
# batch of 8 (bench/asr.py --variants), and its first progress came after 11 s instead of 28 s.
_WINDOW_SECONDS = 30.0
# Nobody speaks faster than this; a transcript that does is a decoder loop.
_MAX_WORDS_PER_SECOND = 7.0
# Sentence-sized segments: split at sentence ends, long pauses, and commas in long runs.
_SPLIT_PAUSE = 1.0
_LONG_SEGMENT = 12.0
_MAX_SEGMENT = 25.0
_ABBREVIATIONS = frozenset(
    [
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "prof.",
        "st.",
        "sr.",
        "jr.",
        "vs.",
        "etc.",
        "e.g.",
        "i.e.",
        "no.",
        "approx.",
        "inc.",
        "ltd.",
        "co.",
        "mt.",
    ]
)


def cpu_threads() -> int:
    """Threads for CTranslate2: every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def transcribe(
    path: str | Path,
    *,
    model: str | None = None,
    language: str | None = None,
    progress: ProgressFn = no_progress,
    decoding: Decoding = DEFAULT_DECODING,
) -> Transcription:
    """Transcribe an audio or video file locally; raise TranscribeError with one sentence on bad input."""
    if model is None:
        from distill.settings import get_settings

        model = get_settings().whisper_model
    model = model or DEFAULT_MODEL
    language = _normalize_language(language)
    if is_english_only(model) and language not in (None, "en"):
        raise _english_only(model, language)  # before any work: the name already says it
    info = probe(path)
    total = info.duration
    progress("transcribe", 0.0, total)  # before the model loads, which takes a moment
    whisper = load_model(model, cpu_threads=cpu_threads())
    # A model folder's name may not say it; the loaded model does.
    english_only = not bool(getattr(whisper.model, "is_multilingual", True))
    if english_only and language not in (None, "en"):
        raise _english_only(model, language)

    stats["runs"] += 1
    segments: list[Segment] = []
    words: list[Word] = []
    word_probs: list[float] = []
    logprobs: list[tuple[float, int]] = []
    detected = "en" if english_only else language
    offset = 0.0
    for audio in _speech_chunks(path, decoding.chunk_seconds):
        chunk_len = audio.shape[0] / SAMPLE_RATE
        raw, lang = _run(whisper, audio, detected, progressive(decoding, chunk_len))
        for seg in raw:
            if seg.no_speech_prob > _NO_SPEECH_PROB and seg.avg_logprob < _LOW_LOGPROB:
                continue
            text = seg.text.strip()
            if not text:
                continue
            pieces = _sentences(seg, offset, chunk_len)
            for piece, piece_words in pieces:
                segments.append(piece)
                words.extend(piece_words)
            logprobs.append((float(seg.avg_logprob), len(text.split())))
            word_probs.extend(float(w.probability) for w in seg.words or [])
            progress("transcribe", min(offset + float(seg.end), total or float("inf")), total)
        if detected is None and lang is not None and segments:
            detected = lang  # keep later chunks in the language found in the first speech
        offset += chunk_len
        progress("transcribe", offset if total is None else min(offset, total), total)

    check_complete(info, offset)
    if not segments:
        raise TranscribeError(
            f"No speech found in {info.path.name}; it is silent or only noise, so there is "
            "nothing to transcribe."
        )
    duration = round(offset, 3)
    if english_only:
        _check_english(info.path.name, model, logprobs, word_probs, duration)
    segments = _clamp(_drop_loops(segments), duration)
    progress("transcribe", duration, duration)
    return Transcription(
        segments=segments,
        language=detected or "en",
        duration=duration,
        model=model_label(model),
        words=[w for w in words if w.start <= duration],
    )


def progressive(decoding: Decoding, chunk_seconds: float) -> Decoding:
    """`decoding` with a batch small enough that a chunk reports progress `progress_steps` times."""
    if not decoding.batched or decoding.progress_steps <= 0:
        return decoding  # sequential decoding reports every window already
    windows = math.ceil(chunk_seconds / _WINDOW_SECONDS)
    batch = max(1, min(decoding.batch_size, windows // decoding.progress_steps))
    return decoding if batch == decoding.batch_size else replace(decoding, batch_size=batch)


def _english_only(model: str, language: str) -> TranscribeError:
    return TranscribeError(
        f"Whisper model {model_label(model)} only understands English but the audio is "
        f"{language!r}; pass a multilingual model, e.g. --whisper-model small."
    )


def _normalize_language(language: str | None) -> str | None:
    if not language:
        return None
    code = language.strip().lower().replace("_", "-").split("-")[0]
    return code or None


def _run(
    whisper: Any, audio: np.ndarray, language: str | None, d: Decoding
) -> tuple[Iterator[Any], str | None]:
    """Start the model on one chunk: its segments (lazily, for progress) and its language."""
    if d.batched:
        from faster_whisper import BatchedInferencePipeline

        pipeline = BatchedInferencePipeline(model=whisper)
        seg_iter, info = pipeline.transcribe(
            audio,
            language=language,
            beam_size=d.beam_size,
            batch_size=d.batch_size,
            vad_filter=d.vad_filter,
            word_timestamps=d.word_timestamps,
            without_timestamps=d.without_timestamps,
        )
    else:
        seg_iter, info = whisper.transcribe(
            audio,
            language=language,
            beam_size=d.beam_size,
            vad_filter=d.vad_filter,
            word_timestamps=d.word_timestamps,
            without_timestamps=d.without_timestamps,
        )
    return iter(seg_iter), getattr(info, "language", None)


def _sentences(seg: Any, offset: float, chunk_len: float) -> list[tuple[Segment, list[Word]]]:
    """Split one decoded window into sentence-sized segments using its word times."""
    if not seg.words:
        start = round(offset + max(0.0, float(seg.start)), 3)
        end = round(offset + min(float(seg.end), chunk_len), 3)
        return [(Segment(start=start, end=max(start, end), text=seg.text.strip()), [])]
    out: list[tuple[Segment, list[Word]]] = []
    current: list[Word] = []

    def flush() -> None:
        if current:
            text = "".join(w.text for w in current).strip()
            if text:
                seg_words = [Word(start=w.start, end=w.end, text=w.text.strip()) for w in current]
                out.append(
                    (Segment(start=current[0].start, end=current[-1].end, text=text), seg_words)
                )
            current.clear()

    for raw in seg.words:
        start = round(offset + min(max(0.0, float(raw.start)), chunk_len), 3)
        end = round(offset + min(max(float(raw.end), float(raw.start)), chunk_len), 3)
        word = Word(start=start, end=max(start, end), text=raw.word)
        if current:
            pause = word.start - current[-1].end
            length = word.end - current[0].start
            at_comma = current[-1].text.rstrip().endswith((",", ";", ":"))
            if (
                pause > _SPLIT_PAUSE
                or length > _MAX_SEGMENT
                or (at_comma and length > _LONG_SEGMENT)
            ):
                flush()
        current.append(word)
        if _ends_sentence(word.text) and len(current) >= 2:
            flush()
    flush()
    return out


def _ends_sentence(word: str) -> bool:
    token = word.strip()
    if not token.endswith((".", "?", "!")):
        return False
    return token.lower() not in _ABBREVIATIONS and not (len(token) == 2 and token[0].isalpha())


def _speech_chunks(path: str | Path, chunk_seconds: float) -> Iterator[np.ndarray]:
    """Decoded chunks, each cut at a quiet moment so no word is split between two chunks."""
    import numpy as np

    carry: np.ndarray | None = None
    full = max(int(chunk_seconds * SAMPLE_RATE), SAMPLE_RATE)
    for chunk in stream_audio(path, chunk_seconds=chunk_seconds):
        audio = chunk if carry is None else np.concatenate([carry, chunk])
        # Only a full chunk has more audio after it; the last one is kept whole.
        cut = _quiet_cut(audio) if chunk.shape[0] >= full else audio.shape[0]
        yield audio[:cut]
        carry = audio[cut:] if cut < audio.shape[0] else None
    if carry is not None and carry.size:
        yield carry


def _quiet_cut(audio: np.ndarray, search_seconds: float = 20.0, window: float = 0.1) -> int:
    """The sample index of the quietest short window in the chunk's last seconds."""
    import numpy as np

    n = audio.shape[0]
    # Look in the last quarter of a short chunk, the last 20 s of a long one.
    search = int(min(search_seconds * SAMPLE_RATE, n // 4))
    if search < int(window * SAMPLE_RATE) * 2:
        return n
    win = int(window * SAMPLE_RATE)
    tail = audio[n - search :]
    frames = tail[: (tail.shape[0] // win) * win].reshape(-1, win)
    energy = np.square(frames).mean(axis=1)
    best = int(np.argmin(energy))
    return n - search + best * win + win // 2


def _clamp(segments: list[Segment], duration: float) -> list[Segment]:
    """Times ordered and inside the audio, whatever the decoder's rounding did."""
    out: list[Segment] = []
    last = 0.0
    for seg in sorted(segments, key=lambda s: s.start or 0.0):
        start = min(max(seg.start or 0.0, last if out else 0.0), duration)
        end = min(max(seg.end or start, start), duration)
        out.append(Segment(start=round(start, 3), end=round(end, 3), text=seg.text))
        last = start
    return out


def _check_english(
    name: str,
    model: str,
    logprobs: list[tuple[float, int]],
    word_probs: list[float],
    duration: float,
) -> None:
    """Tell the user when an English-only model was given speech in another language.

    An English-only model on other speech guesses with low confidence, or falls into a loop
    repeating one invented phrase faster than anyone speaks; both are measured here.
    (Thresholds from English and espeak-ng German, French, Spanish, Italian, Portuguese, Dutch:
    mean word probability 0.76-0.96 for English, 0.33-0.59 for the others.)
    """
    words = sum(n for _, n in logprobs)
    if words < 4:
        return
    mean_logprob = sum(lp * n for lp, n in logprobs) / words
    unsure = (
        sum(word_probs) / len(word_probs) < _FOREIGN_WORD_PROB
        if word_probs
        else mean_logprob < _FOREIGN_LOGPROB
    )
    too_fast = duration > 0 and words / duration > _MAX_WORDS_PER_SECOND
    if unsure or too_fast:
        raise TranscribeError(
            f"{name} does not sound like English, and Whisper model {model_label(model)} only "
            "understands English; pass a multilingual model, e.g. --whisper-model small "
            "(and --lang CODE if you know the language)."
        )


def _drop_loops(segments: list[Segment]) -> list[Segment]:
    """Remove a repeat of the previous segment that is spoken impossibly fast (a decoder loop)."""
    out: list[Segment] = []
    for seg in segments:
        if out and " ".join(seg.text.lower().split()) == " ".join(out[-1].text.lower().split()):
            span = max((seg.end or 0.0) - (seg.start or 0.0), 1e-3)
            if len(seg.text.split()) / span > _MAX_WORDS_PER_SECOND:
                continue
        out.append(seg)
    return out
