"""CLI command `distill transcribe`: the local audio transcriber (files and YouTube audio)."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from distill.cli import app
from distill.cli._common import console, err_console, progress_bar
from distill.errors import DistillError, SourceError

if TYPE_CHECKING:
    from distill.domain import Transcript


class OutputFormat(StrEnum):
    txt = "txt"
    srt = "srt"
    vtt = "vtt"
    json = "json"


def _transcript_of(source: str, lang: str | None) -> Transcript:
    """Transcribe a local file, or a YouTube video's audio (always through Whisper)."""
    from distill.sources.youtube import parse_video_id

    if source.startswith("file://"):
        from urllib.parse import unquote, urlparse

        source = unquote(urlparse(source).path)
    path = Path(source).expanduser()
    video_id = None if path.exists() else parse_video_id(source)
    with progress_bar() as progress:
        if video_id is not None:
            from distill.transcribe.youtube_audio import transcribe_youtube_audio

            return transcribe_youtube_audio(video_id, progress=progress, language=lang)
        if "://" in source:
            raise SourceError(
                f"{source!r} is not a YouTube URL or a local file; pass the path of an audio or "
                "video file, or a YouTube video URL."
            )
        from distill.sources.media import load_media

        return load_media(path, lang=lang, progress=progress)


def render(transcript: Transcript, fmt: str) -> str:
    """The transcript as txt, srt, vtt or json text."""
    from distill.sources.export import export

    text = export(transcript, "text" if fmt == "txt" else fmt)
    return text if text.endswith("\n") else text + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write the whole file or nothing (temp file in the same folder, then rename)."""
    from distill.transcribe.cache import write_atomic

    if path.is_dir():
        raise DistillError(f"{path} is a directory; pass a file path to -o, e.g. {path}/talk.srt.")
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise DistillError(
            f"Cannot write {path} ({exc.strerror or exc}); pass a writable file path to -o."
        ) from exc


@app.command()
def transcribe(
    source: Annotated[str, typer.Argument(help="Audio/video file, or a YouTube URL (its audio).")],
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.txt,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    whisper_model: Annotated[
        str | None,
        typer.Option(
            "--whisper-model",
            help="Whisper size name (tiny, base, small, large-v3, ...) or CTranslate2 folder.",
            envvar="DISTILL_WHISPER_MODEL",
        ),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", "-l", help="Spoken language code (default: detect).")
    ] = None,
) -> None:
    """Transcribe speech locally with Whisper, with times (txt, srt, vtt or json)."""
    if whisper_model:
        from distill.settings import get_settings

        os.environ["DISTILL_WHISPER_MODEL"] = whisper_model
        get_settings.cache_clear()
    if output is not None and output.is_dir():  # fail before the work, not after
        raise DistillError(
            f"{output} is a directory; pass a file path to -o, e.g. {output}/talk.srt."
        )
    transcript = _transcript_of(source, lang)
    text = render(transcript, format.value)
    if output is None:
        console.print(text, end="", markup=False, highlight=False, soft_wrap=True)
        return
    write_atomically(output, text)
    err_console.print(
        f"Wrote {len(transcript.segments)} segments ({transcript.word_count} words) to {output}",
        highlight=False,
        markup=False,
    )
