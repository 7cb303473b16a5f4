"""Speech-to-text fixtures: the real Whisper model loaded once, speech made with espeak-ng."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.transcribe.speech_helpers import LONG_SPEECH_TEXT, SPEECH_TEXT, espeak, ffmpeg, sox


@pytest.fixture(scope="session")
def whisper() -> Any:
    """The default Whisper model, loaded once for the whole session (the engine caches it)."""
    from distill.transcribe.engine import cpu_threads
    from distill.transcribe.models import load_model

    return load_model("default", cpu_threads=cpu_threads())


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of generated media: speech, silence, noise, a video, broken files."""
    d = tmp_path_factory.mktemp("media")
    espeak(SPEECH_TEXT, d / "speech.wav")
    sox("-n", "-r", "16000", "-c", "1", str(d / "silence.wav"), "trim", "0", "6")
    sox(
        "-n",
        "-r",
        "16000",
        "-c",
        "1",
        str(d / "noise.wav"),
        "synth",
        "6",
        "whitenoise",
        "vol",
        "0.5",
    )
    ffmpeg("-i", str(d / "speech.wav"), "-c:a", "libmp3lame", "-b:a", "64k", str(d / "speech.mp3"))
    return d


@pytest.fixture(scope="session")
def speech_wav(media_dir: Path) -> Path:
    return media_dir / "speech.wav"


@pytest.fixture(scope="session")
def speech_video(media_dir: Path) -> Path:
    """An mp4 (H.264 + AAC) built with ffmpeg from generated speech."""
    out = media_dir / "team_update-final.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "color=c=black:s=160x120:r=10:d=30",
        "-i", str(media_dir / "speech.wav"),
        "-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
        str(out),
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def long_speech(media_dir: Path) -> Path:
    """About a minute of generated speech: several windows for Whisper to decode one by one."""
    return espeak(LONG_SPEECH_TEXT, media_dir / "lighthouse.wav", speed=165)
