"""Transcript export: plain text, SubRip and WebVTT subtitles (cue-sized), and JSON."""

from __future__ import annotations

from dataclasses import dataclass

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


# Subtitle cues as players and editors expect them (Netflix, BBC and YouTube's guidelines).
MAX_LINE_CHARS = 42
MAX_CUE_SECONDS = 7.0


@dataclass(frozen=True)
class Cue:
    """One subtitle on screen: its times and its one or two lines."""

    start: float
    end: float
    lines: list[str]
    speaker: str | None = None


def wrap(tokens: list[str]) -> list[str] | None:
    """The words as one line, or two balanced lines, of at most 42 characters; None if too long."""
    text = " ".join(tokens)
    if len(text) <= MAX_LINE_CHARS or len(tokens) == 1:
        return [text]
    best: list[str] | None = None
    for k in range(1, len(tokens)):
        top, bottom = " ".join(tokens[:k]), " ".join(tokens[k:])
        if len(top) > MAX_LINE_CHARS or len(bottom) > MAX_LINE_CHARS:
            continue
        if best is None or max(len(top), len(bottom)) < max(len(best[0]), len(best[1])):
            best = [top, bottom]
    return best


def _token_times(
    tokens: list[str], seg: Segment, start: float, end: float
) -> list[tuple[float, float]]:
    """When each token is said: the recognised word times when they match, else by characters."""
    words = seg.words or []
    spoken = [w.text.strip() for w in words]
    label = len(tokens) - len(spoken)  # a speaker label in front has no time of its own
    if words and label >= 0 and tokens[label:] == spoken:
        times = [(max(start, w.start), max(start, w.start, min(w.end, end))) for w in words]
        return [(times[0][0], times[0][0])] * label + times
    rate = (end - start) / max(1, len(" ".join(tokens)))
    out, offset = [], 0
    for token in tokens:
        begin = start + offset * rate
        offset += len(token) + 1
        out.append((begin, min(end, start + offset * rate)))
    out[-1] = (out[-1][0], end)
    return out


def _split(
    tokens: list[str], times: list[tuple[float, float]], target: float
) -> list[tuple[int, int]]:
    """Token ranges of at most two lines and 7 s each, cut early once past `target` characters."""
    ranges: list[tuple[int, int]] = []
    first = 0
    for i in range(1, len(tokens) + 1):
        if i == len(tokens):
            ranges.append((first, i))
            break
        longer = tokens[first : i + 1]
        too_long = wrap(longer) is None or times[i][1] - times[first][0] > MAX_CUE_SECONDS
        if too_long or len(" ".join(longer)) > target:
            ranges.append((first, i))
            first = i
    return ranges


def segment_cues(start: float, end: float, seg: Segment, *, label: bool) -> list[Cue]:
    """A segment as subtitle cues, split at word boundaries with times shared out by words."""
    tokens = " ".join(seg.text.split()).split(" ")
    if label and seg.speaker:
        tokens = [f"{seg.speaker}:", *tokens]
    times = _token_times(tokens, seg, start, end)
    greedy = _split(tokens, times, float("inf"))
    total = len(" ".join(tokens))
    # Even cues read better than full ones followed by a stub: aim at an equal share each.
    even = _split(tokens, times, total / len(greedy) + 2) if len(greedy) > 1 else greedy
    ranges = even if len(even) <= len(greedy) else greedy
    cues = []
    for n, (i, j) in enumerate(ranges):
        cue_start = times[i][0]
        cue_end = times[ranges[n + 1][0]][0] if n + 1 < len(ranges) else end
        cue_end = min(max(cue_end, times[j - 1][1]), cue_start + MAX_CUE_SECONDS)
        lines = wrap(tokens[i:j]) or [" ".join(tokens[i:j])]
        cues.append(Cue(round(cue_start, 3), round(cue_end, 3), lines, seg.speaker))
    return cues


def cues(t: Transcript, fmt: str) -> list[Cue]:
    """Every segment of a timed transcript as subtitle-sized cues (SRT shows speakers inline)."""
    out: list[Cue] = []
    for start, end, seg in _timed(t, fmt):
        out.extend(segment_cues(start, end, seg, label=fmt == "SRT"))
    return out


def to_srt(t: Transcript) -> str:
    """SubRip: numbered cues with `HH:MM:SS,mmm --> HH:MM:SS,mmm` times, subtitle-sized."""
    blocks = []
    for n, cue in enumerate(cues(t, "SRT"), start=1):
        text = "\n".join(line.replace("-->", "->") for line in cue.lines)
        blocks.append(f"{n}\n{srt_time(cue.start)} --> {srt_time(cue.end)}\n{text}\n")
    return "\n".join(blocks)


def _vtt_text(text: str) -> str:
    # "-->" would end the cue timing line, and "<" / "&" start markup in VTT text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("-->", "->")


def to_vtt(t: Transcript) -> str:
    """WebVTT: a `WEBVTT` header and subtitle-sized cues with `HH:MM:SS.mmm` times."""
    rows = cues(t, "VTT")
    header = "WEBVTT\n"
    if t.language:
        header += f"Language: {t.language}\n"
    blocks = [header]
    for cue in rows:
        lines = [_vtt_text(line) for line in cue.lines]
        if cue.speaker:
            speaker = _vtt_text(cue.speaker).replace(">", "&gt;")
            lines[0] = f"<v {speaker}>{lines[0]}"
        text = "\n".join(lines)
        blocks.append(f"{vtt_time(cue.start)} --> {vtt_time(cue.end)}\n{text}\n")
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
