"""CLI command `distill transcribe`: the local audio transcriber (files and YouTube audio)."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from distill.cli import app
from distill.cli.output import console, err_console, plain, progress_bar
from distill.errors import DistillError

if TYPE_CHECKING:
    from distill.domain import Transcript


class OutputFormat(StrEnum):
    text = "text"
    srt = "srt"
    vtt = "vtt"
    json = "json"
    txt = "txt"  # the old name of text, kept for scripts that use it


def render(transcript: Transcript, fmt: str) -> str:
    """The transcript as text, srt, vtt or json."""
    from distill.sources.export import export

    text = export(transcript, "text" if fmt == "txt" else fmt)
    return text if text.endswith("\n") else text + "\n"


@app.command()
def transcribe(
    source: Annotated[str, typer.Argument(help="Audio/video file, or a YouTube URL (its audio).")],
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.text,
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
    """Transcribe speech locally with Whisper, with times (text, srt, vtt or json)."""
    if whisper_model:
        from distill.settings import get_settings

        os.environ["DISTILL_WHISPER_MODEL"] = whisper_model
        get_settings.cache_clear()
    if output is not None and output.is_dir():  # fail before the work, not after
        raise DistillError(
            f"{output} is a directory; pass a file path to -o, e.g. {output}/talk.srt."
        )
    from distill.files import write_atomic
    from distill.service import Distill

    with Distill() as service, progress_bar() as progress:
        transcript = service.transcribe(source, lang=lang, progress=progress)
    text = render(transcript, format.value)
    if output is None:
        console.print(plain(text), end="", markup=False, highlight=False, soft_wrap=True)
        return
    write_atomic(output, text)
    err_console.print(
        f"Wrote {len(transcript.segments)} segments ({transcript.word_count} words) to {output}",
        highlight=False,
        markup=False,
    )
