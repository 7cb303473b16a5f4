"""A small library for the export tests: a YouTube talk with a hostile title, a recording, notes
with Markdown and HTML in them."""

from __future__ import annotations

from distill.domain import (
    QA,
    Chapter,
    Insight,
    Segment,
    SourceRef,
    Summary,
    Takeaway,
    Transcript,
    VideoMeta,
)

HOSTILE_TITLE = 'CON: "Rock & Roll" — <b>#1</b> | [[links]] %% $x$ ---\n- key: value.'
TALK = "dQw4w9WgXcQ"
RECORDING = "team-meeting-0a1b2c3d"


def transcript(
    video_id: str,
    title: str,
    *,
    kind: str = "youtube",
    channel: str | None = "Science Channel",
    lines: int = 12,
) -> Transcript:
    meta = VideoMeta(
        kind=kind,  # type: ignore[arg-type]
        id=video_id,
        url=f"https://www.youtube.com/watch?v={video_id}" if kind == "youtube" else None,
        title=title,
        channel=channel,
        duration=lines * 10.0,
        language="en",
        upload_date="2024-03-05",
        chapters=[Chapter(title="Start", start=0.0)],
    )
    segments = [
        Segment(start=i * 10.0, end=i * 10.0 + 9.0, text=f"Sentence number {i} about bees.")
        for i in range(lines)
    ]
    return Transcript(meta=meta, language="en", origin="manual", segments=segments)


def summary(meta: VideoMeta, *, tldr: str = "Bees dance to tell where food is.") -> Summary:
    return Summary(
        source=SourceRef.of(meta),
        language="en",
        tldr=tldr,
        insights=[
            Insight(emoji="🐝", text="A waggle dance points at the food", start=30.0),
            Insight(emoji="☀️", text="The sun is the compass <script>alert(1)</script>", start=61.0),
        ],
        qa=[QA(question="How far do bees fly?", answer="Up to **five** kilometres", start=90.0)],
        takeaways=[Takeaway(text="Dances carry distance and direction", start=None)],
        chapters=[Chapter(title="The dance", start=20.0)],
    )


def seed(service: object, *, notes: bool = True) -> list[str]:
    """Two documents stored with summaries; a highlight with a hostile note on the talk."""
    lib = service.library  # type: ignore[attr-defined]
    talk = transcript(TALK, HOSTILE_TITLE)
    lib.save_transcript(talk)
    lib.save_summary(TALK, summary(talk.meta))
    rec = transcript(RECORDING, "Team meeting", kind="media", channel=None, lines=6)
    lib.save_transcript(rec)
    lib.save_summary(RECORDING, summary(rec.meta, tldr="We chose the blue hive."))
    if notes:
        service.add_highlight(  # type: ignore[attr-defined]
            TALK,
            30.0,
            note="See [this](javascript:alert(1)) <img src=x onerror=alert(2)> %% distill:end %%",
            tags=["bees", "to-read"],
        )
    return [TALK, RECORDING]
