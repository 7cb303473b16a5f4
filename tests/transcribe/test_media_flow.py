"""Media through the whole flow: cache by file hash, the `distill transcribe` CLI, the YouTube
audio fallback, and a generated video summarized and stored by `distill summarize`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from distill.cli import app
from distill.errors import DistillError, TranscribeError
from distill.files import sha256_file as file_sha256
from distill.sources import resolve
from distill.transcribe import engine, youtube_audio
from distill.transcribe.cache import cache_path
from distill.transcribe.wer import word_error_rate
from tests.transcribe.speech_helpers import SPEECH_TEXT

pytestmark = pytest.mark.whisper

SRT_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})$", re.M)


def test_same_file_is_transcribed_once(
    whisper: Any, speech_wav: Path, tmp_path: Path, distill_home: Path
) -> None:
    copy = tmp_path / "Team Update_v2.wav"
    shutil.copy(speech_wav, copy)
    runs = engine.stats["runs"]
    first = resolve(str(copy))
    assert engine.stats["runs"] == runs + 1
    digest = file_sha256(copy)
    cached = cache_path(digest, "default")
    assert cached.is_file() and cached.parent == distill_home / "cache" / "transcripts"
    assert json.loads(cached.read_text())["model"] == "tiny.en"
    assert not [p for p in cached.parent.iterdir() if p.name.endswith(".tmp")]

    # Same content under another name: the cache answers, the model does not run again.
    other = tmp_path / "renamed.wav"
    shutil.copy(speech_wav, other)
    second = resolve(str(other))
    assert engine.stats["runs"] == runs + 1
    assert [s.text for s in second.segments] == [s.text for s in first.segments]

    meta = first.meta
    assert first.origin == "whisper" and meta.kind == "media"
    assert re.fullmatch(r"team-update-v2-[0-9a-f]{8}", meta.id) and meta.id.endswith(digest[:8])
    assert meta.title == "Team Update v2"
    assert meta.path == str(copy.resolve())
    assert meta.duration == pytest.approx(first.segments[-1].end, abs=2.0)
    assert first.language == "en" == meta.language
    assert word_error_rate(SPEECH_TEXT, first.text) <= 0.25


def test_cache_key_includes_the_model(distill_home: Path) -> None:
    digest = "ab" * 32
    assert cache_path(digest, "default") != cache_path(digest, "base")
    assert cache_path(digest, "default") != cache_path(digest, "default", "en")
    assert cache_path(digest, "default").name.startswith(digest)


def test_interrupt_leaves_nothing_behind(
    whisper: Any, speech_wav: Path, tmp_path: Path, distill_home: Path
) -> None:
    def stop(stage: str, done: float, total: float | None) -> None:
        if done > 0:
            raise KeyboardInterrupt

    copy = tmp_path / "interrupted.wav"
    shutil.copy(speech_wav, copy)
    with pytest.raises(KeyboardInterrupt):
        resolve(str(copy), progress=stop)
    cache = distill_home / "cache" / "transcripts"
    assert not cache.exists() or not list(cache.iterdir())


def test_cli_transcribes_to_srt_vtt_json_and_text(
    cli: Any, speech_wav: Path, tmp_path: Path, distill_home: Path
) -> None:
    out = tmp_path / "speech.srt"
    result = cli("transcribe", str(speech_wav), "--format", "srt", "-o", str(out))
    assert result.returncode == 0, result.stderr
    srt = out.read_text()
    times = SRT_TIME.findall(srt)
    assert len(times) >= 2
    starts = [int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000 for h, m, s, ms, *_ in times]
    assert starts == sorted(starts)
    assert "notebook" in srt.lower() and "early morning" in srt.lower()
    assert not list(tmp_path.glob(".*.tmp"))

    # Later runs on the same file come from the cache (same DISTILL_HOME).
    result = cli("transcribe", str(speech_wav), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["origin"] == "whisper" and data["meta"]["kind"] == "media"
    assert data["segments"][0]["start"] == 0.0 or data["segments"][0]["start"] < 2.0

    # The same command in-process (cached by now): WebVTT and plain text.
    vtt = CliRunner().invoke(app, ["transcribe", str(speech_wav), "--format", "vtt"])
    assert vtt.exit_code == 0 and vtt.stdout.startswith("WEBVTT")
    assert vtt.stdout.count(" --> ") == len(data["segments"])
    txt = CliRunner().invoke(app, ["transcribe", str(speech_wav)])
    assert txt.exit_code == 0
    assert word_error_rate(SPEECH_TEXT, re.sub(r"\[[\d:]+\]", " ", txt.stdout)) <= 0.25


def test_cli_bad_media_is_one_line(cli: Any, media_dir: Path, distill_home: Path) -> None:
    out = distill_home / "never.txt"
    result = cli("transcribe", str(media_dir / "silence.wav"), "-o", str(out))
    assert result.returncode != 0
    assert result.stderr.strip().startswith("error: No speech found in silence.wav")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not out.exists()


def fake_download(source: Path, calls: list[str]) -> Any:
    """A stand-in for the yt-dlp download (YouTube is not reachable from tests)."""

    def download(video_id: str, dest_dir: Path, *, progress: Any = None) -> tuple[Path, dict]:
        calls.append(video_id)
        target = dest_dir / f"{video_id}.webm"
        shutil.copy(source, target)
        info = {
            "id": video_id,
            "title": "How to Plan a Week",
            "channel": "Planning Channel",
            "channel_id": "UCplan",
            "duration": 16,
            "upload_date": "20240131",
            "view_count": 1234,
        }
        return target, info

    return download


def test_youtube_fallback_transcribes_the_audio(
    whisper: Any,
    media_dir: Path,
    distill_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(
        youtube_audio, "download_audio", fake_download(media_dir / "speech.mp3", calls)
    )
    t = youtube_audio.transcribe_youtube_audio("AbCdEfGhIj0")
    assert calls == ["AbCdEfGhIj0"]
    assert t.origin == "whisper" and t.meta.kind == "youtube" and t.meta.id == "AbCdEfGhIj0"
    assert t.meta.title == "How to Plan a Week" and t.meta.channel == "Planning Channel"
    assert t.meta.upload_date == "2024-01-31" and t.meta.view_count == 1234
    assert t.language == "en"
    assert word_error_rate(SPEECH_TEXT, t.text) <= 0.25
    # Asked again, the stored transcript answers: no second download.
    again = youtube_audio.transcribe_youtube_audio("AbCdEfGhIj0")
    assert calls == ["AbCdEfGhIj0"] and again.segments == t.segments

    # `distill transcribe URL` takes the same path.
    result = CliRunner().invoke(
        app, ["transcribe", "https://youtu.be/AbCdEfGhIj0", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["meta"]["title"] == "How to Plan a Week"


def test_video_file_is_summarized_and_stored(
    cli: Any, speech_video: Path, distill_home: Path
) -> None:
    result = cli("summarize", str(speech_video), "--format", "json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    source = summary["source"]
    assert source["kind"] == "media"
    assert re.fullmatch(r"team-update-final-[0-9a-f]{8}", source["id"])
    assert source["title"] == "Team update final"
    assert summary["tldr"].strip()
    shown = cli("show", source["id"], "--format", "json")
    assert shown.returncode == 0, shown.stderr
    stored = json.loads(shown.stdout)
    assert stored["summary"] is not None and stored["summary"]["tldr"] == summary["tldr"]
    assert stored["video"]["path"] == str(speech_video.resolve())


def test_summarize_honours_the_whisper_model_setting(
    cli: Any, speech_wav: Path, distill_home: Path
) -> None:
    result = cli("summarize", str(speech_wav), env={"DISTILL_WHISPER_MODEL": "gigantic"})
    assert result.returncode != 0
    assert result.stderr.strip().startswith("error: Unknown Whisper model 'gigantic'")
    assert not (distill_home / "cache" / "transcripts").exists()


def test_youtube_fallback_without_speech(
    media_dir: Path, distill_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(
        youtube_audio, "download_audio", fake_download(media_dir / "silence.wav", calls)
    )
    with pytest.raises(
        TranscribeError, match=r"^No speech found in the audio of YouTube video QuIeTvIdEo1;"
    ):
        youtube_audio.transcribe_youtube_audio("QuIeTvIdEo1")
    assert calls == ["QuIeTvIdEo1"]
    assert not (distill_home / "cache" / "transcripts").exists()


def test_cli_output_errors_and_file_urls(
    speech_wav: Path, tmp_path: Path, distill_home: Path
) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["transcribe", str(speech_wav), "-o", str(tmp_path)])
    assert isinstance(result.exception, DistillError)
    assert "is a directory; pass a file path to -o" in str(result.exception)
    assert not (distill_home / "cache" / "transcripts").exists()  # failed before any work

    result = runner.invoke(app, ["transcribe", "https://vimeo.com/12345"])
    assert isinstance(result.exception, DistillError)
    assert "not a YouTube URL or a local file" in str(result.exception)

    out = tmp_path / "nested" / "speech.txt"
    result = runner.invoke(app, ["transcribe", speech_wav.as_uri(), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "notebook" in out.read_text().lower()


def test_a_recording_takes_its_title_from_a_yt_dlp_info_json(
    whisper: Any, speech_wav: Path, tmp_path: Path, distill_home: Path
) -> None:
    copy = tmp_path / "Morning notes [x1y2z3].wav"
    shutil.copy(speech_wav, copy)
    info = {
        "title": "Morning notes, read aloud",
        "uploader": "The Reading Room",
        "webpage_url": "https://example.org/watch/x1y2z3",
        "upload_date": "20240102",
        "chapters": [{"title": "Weather", "start_time": 0}, {"title": "Bread", "start_time": 9}],
    }
    (tmp_path / "Morning notes [x1y2z3].info.json").write_text(json.dumps(info))
    meta = resolve(str(copy)).meta
    assert meta.kind == "media" and meta.path == str(copy.resolve())
    assert meta.title == "Morning notes, read aloud" and meta.channel == "The Reading Room"
    assert meta.url == "https://example.org/watch/x1y2z3" and meta.upload_date == "2024-01-02"
    assert [c.title for c in meta.chapters] == ["Weather", "Bread"]


def test_subtitles_of_a_recording_follow_the_recognised_words(
    whisper: Any, speech_wav: Path, distill_home: Path
) -> None:
    from distill.sources.export import MAX_CUE_SECONDS, MAX_LINE_CHARS, to_srt

    t = resolve(str(speech_wav))
    words = [w for seg in t.segments for w in seg.words or []]
    assert words and all(seg.words for seg in t.segments)
    assert [w.text.strip() for w in words] == t.text.split()
    srt = to_srt(t)
    starts = {round(w.start, 3) for w in words}
    cues = SRT_TIME.findall(srt)
    assert len(cues) >= len(t.segments)
    for h, m, s, ms, h2, m2, s2, ms2 in cues:
        begin = int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000
        end = int(h2) * 3600 + int(m2) * 60 + int(s2) + int(ms2) / 1000
        assert round(begin, 3) in starts and end - begin <= MAX_CUE_SECONDS
    for block in srt.strip().split("\n\n"):
        lines = block.splitlines()[2:]
        assert 1 <= len(lines) <= 2 and all(len(line) <= MAX_LINE_CHARS for line in lines)
