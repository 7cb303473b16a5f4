"""Bad media: each case is one clear sentence, and nothing lands in the cache or the library."""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

import pytest

from distill.errors import DistillError, TranscribeError
from distill.sources import resolve
from distill.sources.media import MediaSource, media_score
from distill.transcribe import transcribe
from distill.transcribe.engine import stats
from tests.transcribe.speech_helpers import espeak, ffmpeg

pytestmark = pytest.mark.whisper


def one_sentence(message: str) -> None:
    assert message.endswith("."), message
    assert not re.search(r"[.!?] +[A-Z]", message[:-1]), message
    assert "\n" not in message and "Traceback" not in message


def fails_cleanly(path: Path, match: str, home: Path) -> str:
    """Resolving `path` raises one sentence matching `match` and writes nothing."""
    with pytest.raises(DistillError) as info:
        resolve(str(path))
    message = str(info.value)
    one_sentence(message)
    assert re.search(match, message, re.IGNORECASE), message
    cache = home / "cache" / "transcripts"
    assert not cache.exists() or not any(cache.iterdir()), list(cache.iterdir())
    assert not (home / "distill.db").exists()
    return message


def test_silent_file(whisper: Any, media_dir: Path, distill_home: Path) -> None:
    fails_cleanly(media_dir / "silence.wav", r"no speech found in silence\.wav", distill_home)


def test_noise_file(whisper: Any, media_dir: Path, distill_home: Path) -> None:
    fails_cleanly(media_dir / "noise.wav", r"no speech found in noise\.wav", distill_home)


def test_text_file_named_like_audio(tmp_path: Path, distill_home: Path) -> None:
    path = tmp_path / "notes.mp3"
    path.write_text("these are my meeting notes, not a recording\n" * 20)
    fails_cleanly(path, r"notes\.mp3 is not an audio or video file", distill_home)


def test_zero_length_file(tmp_path: Path, distill_home: Path) -> None:
    path = tmp_path / "empty.wav"
    path.touch()
    fails_cleanly(path, r"empty\.wav is empty", distill_home)


def test_truncated_wav(speech_wav: Path, tmp_path: Path, distill_home: Path) -> None:
    path = tmp_path / "cut.wav"
    path.write_bytes(speech_wav.read_bytes()[:50_000])
    fails_cleanly(path, r"cut\.wav is truncated", distill_home)


def test_truncated_mp3(media_dir: Path, tmp_path: Path, distill_home: Path) -> None:
    data = (media_dir / "speech.mp3").read_bytes()
    path = tmp_path / "cut.mp3"
    path.write_bytes(data[: len(data) // 4])
    fails_cleanly(path, r"cut\.mp3 looks truncated", distill_home)


def test_truncated_mp4(speech_video: Path, tmp_path: Path, distill_home: Path) -> None:
    data = speech_video.read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: len(data) // 3])
    fails_cleanly(path, r"cut\.mp4 (is not an audio or video file|looks truncated)", distill_home)


def test_unsupported_codec(speech_wav: Path, tmp_path: Path, distill_home: Path) -> None:
    data = bytearray(speech_wav.read_bytes())
    assert data[20:22] == struct.pack("<H", 1)  # PCM
    data[20:22] = struct.pack("<H", 0x1234)  # a format tag no decoder knows
    path = tmp_path / "odd.wav"
    path.write_bytes(bytes(data))
    fails_cleanly(path, r"odd\.wav uses an audio codec that cannot be decoded", distill_home)


def test_video_without_sound(tmp_path: Path, distill_home: Path) -> None:
    path = tmp_path / "mute.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=64x64:r=5:d=2", "-c:v", "libx264", str(path))
    fails_cleanly(path, r"mute\.mp4 has no audio track", distill_home)


def test_missing_media_file(tmp_path: Path, distill_home: Path) -> None:
    fails_cleanly(tmp_path / "gone.m4a", r"file not found", distill_home)


def test_non_english_speech_names_the_model_to_use(
    whisper: Any, tmp_path: Path, distill_home: Path
) -> None:
    path = espeak(
        "Guten Morgen, heute sprechen wir über das Wetter in Berlin und über die Geschichte "
        "der Stadt, die sehr interessant ist.",
        tmp_path / "german.wav",
        voice="de",
    )
    message = fails_cleanly(path, r"does not sound like English", distill_home)
    assert "--whisper-model" in message


def test_declared_language_needs_a_multilingual_model(speech_wav: Path) -> None:
    runs = stats["runs"]
    with pytest.raises(TranscribeError, match=r"only understands English.*--whisper-model"):
        transcribe(speech_wav, language="fr")
    assert stats["runs"] == runs


def test_unknown_model_name(speech_wav: Path) -> None:
    with pytest.raises(TranscribeError, match=r"Unknown Whisper model 'gigantic'") as info:
        transcribe(speech_wav, model="gigantic")
    one_sentence(str(info.value))


def test_not_a_model_folder(speech_wav: Path, tmp_path: Path) -> None:
    with pytest.raises(TranscribeError, match=r"not a CTranslate2 Whisper model folder"):
        transcribe(speech_wav, model=str(tmp_path))


def test_media_scores(media_dir: Path, speech_wav: Path, tmp_path: Path) -> None:
    assert media_score(str(speech_wav)) > 0.5
    assert media_score(str(tmp_path / "later.mkv")) > 0  # a missing media path still routes here
    assert media_score("https://example.com/talk.mp3") == 0.0
    assert media_score(str(tmp_path / "talk.srt")) == 0.0
    odd = tmp_path / "recording.bin"
    odd.write_bytes(speech_wav.read_bytes())  # a wav with an odd name is found by its bytes
    assert media_score(str(odd)) > 0
    text = tmp_path / "readme.bin"
    text.write_text("hello")
    assert media_score(str(text)) == 0.0
    assert isinstance(MediaSource().score(str(speech_wav)), float)


def test_size_name_that_cannot_be_downloaded(
    cli: Any, speech_wav: Path, distill_home: Path
) -> None:
    # Hugging Face offline: a size name that is not cached is one clear sentence, not a traceback.
    result = cli(
        "transcribe", str(speech_wav), "--whisper-model", "base", env={"HF_HUB_OFFLINE": "1"}
    )
    assert result.returncode != 0
    message = result.stderr.strip()
    assert message.startswith("error: Whisper model 'base' is not on this machine"), message
    one_sentence(message.removeprefix("error: "))
    assert "--whisper-model" in message


def test_model_folder_path_is_checked_for_english_only(speech_wav: Path) -> None:
    from distill.transcribe.models import default_model_dir

    folder = str(default_model_dir())  # its name does not say ".en"; the loaded model does
    with pytest.raises(TranscribeError, match=r"only understands English but the audio is 'de'"):
        transcribe(speech_wav, model=folder, language="de")
