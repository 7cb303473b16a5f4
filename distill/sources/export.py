"""Transcript export: plain text, SubRip, WebVTT and JSON."""

from __future__ import annotations

from distill.domain import Segment, Transcript
from distill.errors import SourceError

FORMATS = ("text", "srt", "vtt", "json")


def _clock(seconds: float, sep: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{ms:03d}"


def srt_time(seconds: float) -> str:
    """`HH:MM:SS,mmm`."""
    return _clock(seconds, ",")


def vtt_time(seconds: float) -> str:
    """`HH:MM:SS.mmm`."""
    return _clock(seconds, ".")


def _timed(t: Transcript, fmt: str) -> list[tuple[float, float, Segment]]:
    """(start, end, segment) for every segment, or a SourceError when the transcript has no times."""
    if any(s.start is None for s in t.segments):
        raise SourceError(
            f"The transcript of {t.meta.title!r} has no times, so it cannot be written as {fmt}; "
            "use --format text or --format json instead."
        )
    rows = []
    for i, seg in enumerate(t.segments):
        start = float(seg.start)  # type: ignore[arg-type]
        end = seg.end
        if end is None or end <= start:
            nxt = t.segments[i + 1].start if i + 1 < len(t.segments) else None
            # No end time: show the line until the next one, at most a few seconds.
            end = min(nxt, start + 5.0) if nxt is not None and nxt > start else start + 2.0
        rows.append((start, float(end), seg))
    return rows


def _line(seg: Segment) -> str:
    text = " ".join(seg.text.split())
    return f"{seg.speaker}: {text}" if seg.speaker else text


def to_text(t: Transcript) -> str:
    """One segment per line, `[m:ss]` in front when the segment has a start time."""
    lines = []
    for seg in t.segments:
        prefix = f"[{_short_clock(seg.start)}] " if seg.start is not None else ""
        lines.append(prefix + _line(seg))
    return "\n".join(lines) + ("\n" if lines else "")


def _short_clock(seconds: float | None) -> str:
    total = int(seconds or 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def to_srt(t: Transcript) -> str:
    """SubRip: numbered cues with `HH:MM:SS,mmm --> HH:MM:SS,mmm` times."""
    blocks = []
    for n, (start, end, seg) in enumerate(_timed(t, "SRT"), start=1):
        text = _line(seg).replace("-->", "->")
        blocks.append(f"{n}\n{srt_time(start)} --> {srt_time(end)}\n{text}\n")
    return "\n".join(blocks)


def to_vtt(t: Transcript) -> str:
    """WebVTT: a `WEBVTT` header and cues with `HH:MM:SS.mmm --> HH:MM:SS.mmm` times."""
    rows = _timed(t, "VTT")
    header = "WEBVTT\n"
    if t.language:
        header += f"Language: {t.language}\n"
    blocks = [header]
    for start, end, seg in rows:
        # "-->" would end the cue timing line, and "<" / "&" start markup in VTT text.
        text = seg.text.replace("&", "&amp;").replace("<", "&lt;").replace("-->", "->")
        text = " ".join(text.split())
        if seg.speaker:
            speaker = seg.speaker.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            text = f"<v {speaker}>{text}"
        blocks.append(f"{vtt_time(start)} --> {vtt_time(end)}\n{text}\n")
    return "\n".join(blocks)


def to_json(t: Transcript) -> str:
    """The whole Transcript (meta, language, origin, segments) as indented JSON."""
    return t.model_dump_json(indent=2)


def export(t: Transcript, fmt: str) -> str:
    """The transcript in `fmt` (text, srt, vtt or json)."""
    writers = {"text": to_text, "txt": to_text, "srt": to_srt, "vtt": to_vtt, "json": to_json}
    writer = writers.get(fmt.lower())
    if writer is None:
        raise SourceError(f"Unknown transcript format {fmt!r}; use one of {', '.join(FORMATS)}.")
    return writer(t)
