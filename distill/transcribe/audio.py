"""Open and decode audio/video files with PyAV (faster-whisper's own decoder), in bounded chunks."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distill.errors import TranscribeError

if TYPE_CHECKING:
    import numpy as np

SAMPLE_RATE = 16000

AUDIO_EXTENSIONS = frozenset(
    {".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".oga", ".opus", ".wma", ".aiff", ".aif"}
)
VIDEO_EXTENSIONS = frozenset({".mp4", ".mkv", ".mov", ".webm", ".avi", ".m4v", ".mpeg", ".mpg"})
MEDIA_EXTENSIONS = AUDIO_EXTENSIONS | VIDEO_EXTENSIONS

# A file whose decoded audio is this much shorter than its container declares was cut off.
_TRUNCATED_RATIO = 0.9


@dataclass(frozen=True)
class AudioInfo:
    """What the container says about a file's first audio stream."""

    path: Path
    codec: str
    duration: float | None


def _av() -> Any:
    try:
        import av
    except ImportError as exc:  # pragma: no cover - faster-whisper depends on av
        raise TranscribeError(
            "Cannot decode audio because PyAV is not installed; run `pip install faster-whisper`."
        ) from exc
    return av


def probe(path: str | Path) -> AudioInfo:
    """Check that `path` is a readable file with a decodable audio stream; raise one sentence if not."""
    p = Path(path)
    if not p.exists():
        raise TranscribeError(f"{p} does not exist; check the path.")
    if not p.is_file():
        raise TranscribeError(f"{p} is not a file; give the path of an audio or video file.")
    if p.stat().st_size == 0:
        raise TranscribeError(f"{p.name} is empty (0 bytes); give a file that contains audio.")
    if _wav_truncated(p):
        raise TranscribeError(
            f"{p.name} is truncated: its WAV header promises more audio than the file holds; "
            "copy or export it again."
        )
    av = _av()
    try:
        container = av.open(str(p), mode="r", metadata_errors="ignore")
    except Exception as exc:  # av raises many error kinds for garbage input
        raise TranscribeError(
            f"{p.name} is not an audio or video file that can be read (or it is damaged); "
            "give a wav, mp3, m4a, flac, ogg, opus, webm, mp4, mkv or mov file."
        ) from exc
    with container:
        streams = list(container.streams.audio)
        if not streams:
            raise TranscribeError(
                f"{p.name} has no audio track, so there is nothing to transcribe; give a file with sound."
            )
        stream = streams[0]
        codec_ctx = stream.codec_context
        codec = getattr(codec_ctx, "name", None) if codec_ctx is not None else None
        if not codec or codec == "none":
            raise TranscribeError(
                f"{p.name} uses an audio codec that cannot be decoded here; "
                "convert it first, e.g. `ffmpeg -i INPUT out.wav`."
            )
        duration = _stream_duration(container, stream)
    return AudioInfo(path=p, codec=str(codec), duration=duration)


def _wav_truncated(path: Path) -> bool:
    """Whether a RIFF/WAVE file's data chunk claims more bytes than the file has (a cut-off copy)."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return False
    size = path.stat().st_size
    pos = 12
    while pos + 8 <= len(head):
        chunk_id = head[pos : pos + 4]
        length = int.from_bytes(head[pos + 4 : pos + 8], "little")
        if chunk_id == b"data":
            # Streaming writers leave the length unset (0 or 0xFFFFFFFF): nothing to check.
            return length not in (0, 0xFFFFFFFF) and pos + 8 + length > size + 1
        pos += 8 + length + (length & 1)
    return False


def _stream_duration(container: Any, stream: Any) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        seconds = float(stream.duration * stream.time_base)
        if seconds > 0:
            return seconds
    if container.duration:
        return float(container.duration) / 1_000_000  # av.time_base is microseconds
    return None


def _ignore_invalid_frames(frames: Iterator[Any], av: Any) -> Iterator[Any]:
    # A damaged packet in the middle should not sink the whole file; faster-whisper does the same.
    iterator = iter(frames)
    while True:
        try:
            yield next(iterator)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue


def _group_frames(frames: Iterator[Any], av: Any, num_samples: int) -> Iterator[Any]:
    fifo = av.audio.fifo.AudioFifo()
    for frame in frames:
        frame.pts = None  # resampler must not check timestamps of damaged streams
        fifo.write(frame)
        if fifo.samples >= num_samples:
            yield fifo.read()
    if fifo.samples > 0:
        yield fifo.read()


def stream_audio(path: str | Path, *, chunk_seconds: float = 600.0) -> Iterator[np.ndarray]:
    """Yield the file's audio as mono 16 kHz float32 arrays of about `chunk_seconds` each.

    Memory stays bounded by the chunk size whatever the file's length (a 10-hour file streams).
    """
    import numpy as np

    av = _av()
    p = Path(path)
    chunk_samples = max(int(chunk_seconds * SAMPLE_RATE), SAMPLE_RATE)
    resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    # One preallocated chunk filled frame by frame: memory is one chunk plus one decoded frame.
    buf = np.empty(chunk_samples, dtype=np.float32)
    fill = 0
    try:
        with av.open(str(p), mode="r", metadata_errors="ignore") as container:
            frames = _ignore_invalid_frames(container.decode(audio=0), av)
            grouped = _group_frames(frames, av, min(500_000, chunk_samples))
            for frame in itertools.chain(grouped, [None]):
                for out in resampler.resample(frame):
                    array = out.to_ndarray().reshape(-1)
                    pos = 0
                    while pos < array.shape[0]:
                        take = min(chunk_samples - fill, array.shape[0] - pos)
                        buf[fill : fill + take] = array[pos : pos + take]
                        fill += take
                        pos += take
                        if fill == chunk_samples:
                            buf *= 1.0 / 32768.0
                            yield buf
                            buf = np.empty(chunk_samples, dtype=np.float32)
                            fill = 0
    except TranscribeError:
        raise
    except (OSError, ValueError, RuntimeError) as exc:
        raise TranscribeError(
            f"{p.name} could not be decoded ({type(exc).__name__}); it may be damaged or use an "
            "unsupported codec — convert it first, e.g. `ffmpeg -i INPUT out.wav`."
        ) from exc
    if fill:
        yield buf[:fill] * (1.0 / 32768.0)


def check_complete(info: AudioInfo, decoded_seconds: float) -> None:
    """Raise if far less audio was decoded than the container declares (a cut-off download)."""
    if info.duration and info.duration > 2.0 and decoded_seconds < info.duration * _TRUNCATED_RATIO:
        raise TranscribeError(
            f"{info.path.name} looks truncated: it declares {info.duration:.0f} s of audio but only "
            f"{decoded_seconds:.0f} s could be decoded; download or export it again."
        )
    if decoded_seconds <= 0:
        raise TranscribeError(
            f"{info.path.name} contains no decodable audio; it may be damaged or truncated."
        )
