"""The MCP server: the library of summaries as tools an AI assistant can call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from distill.errors import DistillError

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from distill.service import Distill

INSTRUCTIONS = (
    "distill keeps a library of video and audio summaries. Use `search` to find where something "
    "is said (each hit has a video id and a time in seconds), `get_summary` for a video's TL;DR, "
    "insights, Q&A, takeaways and chapters, `ask` to answer a question from one video's transcript "
    "with cited times, `ask_library` to answer from every stored video, highlight and note "
    "(citing video ids and seconds), `list_highlights`/`search_highlights`/`add_highlight` for "
    "the reader's highlights and notes, and `summarize` to add a YouTube URL or a local file."
)


def _old_name(new: str) -> Any:
    """A parameter kept under its old name for clients that use it; marked deprecated."""
    return Field(
        default=None, description=f"the old name of `{new}`", json_schema_extra={"deprecated": True}
    )


def _video_link(url: str | None, start: float | None) -> str | None:
    """A link to the moment `start` of a YouTube video, or the plain URL."""
    if url and start is not None and "youtube.com" in url:
        return f"{url}&t={int(start)}s"
    return url


def build_server(service: Distill | None = None) -> MCPServer:
    """An MCPServer whose tools work through `service` (over the configured library by default)."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    from distill.library import highlight_parts
    from distill.service import Distill

    svc = service if service is not None else Distill()
    lib = svc.library
    server = MCPServer("distill", instructions=INSTRUCTIONS)

    def fail(exc: DistillError) -> ToolError:
        return ToolError(str(exc))

    def channel_filter(ref: str | None) -> str | None:
        return svc.channel_id(ref) if ref else None

    @server.tool()
    def list_videos(
        channel: str | None = None,
        limit: int = 20,
        offset: int = 0,
        channel_id: Annotated[str | None, _old_name("channel")] = None,
    ) -> list[dict[str, Any]]:
        """List stored videos, newest first, optionally of one channel (id, name or id prefix)."""
        try:
            chosen = channel_filter(channel or channel_id)
        except DistillError as exc:
            raise fail(exc) from exc
        videos = lib.list_videos(
            channel_id=chosen, limit=max(1, min(limit, 200)), offset=max(0, offset)
        )
        return [
            {
                "id": v.id,
                "title": v.title,
                "channel": v.channel,
                "duration": v.duration,
                "url": v.url,
            }
            for v in videos
        ]

    @server.tool()
    def search(query: str, limit: int = 10, channel: str | None = None) -> list[dict[str, Any]]:
        """Search titles, transcripts and summaries; each hit names the video and the second it is said."""
        try:
            hits = svc.search(
                query, limit=max(1, min(limit, 100)), channel_id=channel_filter(channel)
            ).hits
        except DistillError as exc:
            raise fail(exc) from exc
        out = []
        for hit in hits:
            url = lib.get_video(hit.video_id).url
            out.append(
                {
                    "video_id": hit.video_id,
                    "title": hit.title,
                    "channel": hit.channel,
                    "kind": hit.kind,
                    "start": hit.start,
                    "text": "".join(part for part, _ in highlight_parts(hit.snippet)),
                    "link": _video_link(url, hit.start),
                }
            )
        return out

    @server.tool()
    def get_summary(
        video_id: str,
        lang: str | None = None,
        language: Annotated[str | None, _old_name("lang")] = None,
    ) -> dict[str, Any]:
        """The summary of a stored video (TL;DR, insights, Q&A, takeaways, chapters, with times).

        By default in the video's own language; `lang` picks a stored translation."""
        lang = lang or language
        try:
            video_id = svc.video_id(video_id)
            summary = svc.summary(video_id, lang)
        except DistillError as exc:
            raise fail(exc) from exc
        if summary is None:
            raise ToolError(
                f"{video_id} has no summary in {lang or 'its language'} yet; translate it "
                "first (`distill translate`) or ask for another language."
            )
        return summary.model_dump(exclude_none=True)

    @server.tool()
    def get_transcript(video_id: str, lang: str | None = None) -> list[dict[str, Any]]:
        """The transcript of a stored video as timed segments (in `lang` when it has several)."""
        try:
            transcript = lib.get_transcript(svc.video_id(video_id), language=lang)
        except DistillError as exc:
            raise fail(exc) from exc
        return [{"start": s.start, "text": s.text} for s in transcript.segments]

    @server.tool()
    def ask(video_id: str, question: str) -> dict[str, Any]:
        """Answer a question from one stored video's transcript, citing the moments it comes from."""
        try:
            answer = svc.ask(video_id, question, fetch=False)
        except DistillError as exc:
            raise fail(exc) from exc
        return answer.model_dump()

    @server.tool()
    def ask_library(
        question: str, channel: str | None = None, previous_questions: list[str] | None = None
    ) -> dict[str, Any]:
        """Answer from every stored video, highlight and note, citing each video and second.

        `channel` (id, name or id prefix) keeps to one channel; `previous_questions` (oldest
        first) makes a follow-up question keep its context."""
        from distill.knowledge import Context

        try:
            answer = svc.ask_library(
                question,
                channel_id=channel_filter(channel),
                context=Context(questions=list(previous_questions or [])[-10:]),
            )
        except DistillError as exc:
            raise fail(exc) from exc
        return {**answer.contract(), "found": answer.found}

    def highlight_rows(items: list[Any]) -> list[dict[str, Any]]:
        rows = []
        for h in items:
            video = lib.get_video(h.video_id)
            rows.append(
                {
                    **h.model_dump(mode="json", exclude={"before", "after"}),
                    "title": video.title,
                    "link": _video_link(video.url, h.start),
                }
            )
        return rows

    @server.tool()
    def list_highlights(
        video_id: str | None = None, tag: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        """The reader's highlights and notes (newest first, or in time order for one video)."""
        try:
            if video_id is not None:
                video_id = svc.video_id(video_id)
            items = lib.list_highlights(
                video_id=video_id, tag=tag, limit=max(1, min(limit, 500)), offset=max(0, offset)
            )
        except DistillError as exc:
            raise fail(exc) from exc
        return highlight_rows(items)

    @server.tool()
    def search_highlights(query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Highlights whose quote, note or tags contain every word of the query."""
        try:
            items = lib.list_highlights(q=query, limit=max(1, min(limit, 200)))
        except DistillError as exc:
            raise fail(exc) from exc
        return highlight_rows(items)

    @server.tool()
    def add_highlight(
        video_id: str,
        start: float,
        end: float | None = None,
        note: str | None = None,
        tags: list[str] | None = None,
    ) -> dict[str, Any]:
        """Highlight what a stored video says from `start` to `end` seconds, with a note and tags."""
        try:
            h = svc.add_highlight(svc.video_id(video_id), start, end, note=note, tags=tags)
        except DistillError as exc:
            raise fail(exc) from exc
        return highlight_rows([h])[0]

    @server.tool()
    def summarize(
        source: str,
        lang: str | None = None,
        title: str | None = None,
        channel: str | None = None,
        url: str | None = None,
    ) -> dict[str, Any]:
        """Add a YouTube URL/ID or a local caption, transcript or media file, and return its summary.

        `title`, `channel` and `url` are stored instead of what the source says about itself."""
        from distill.domain import MetaOverride

        meta = MetaOverride(title=title, channel=channel, url=url)
        try:
            done = svc.summarize(source, lang=lang, meta=meta)
        except DistillError as exc:
            raise fail(exc) from exc
        return {"video_id": done.video_id, **done.summary.model_dump(exclude_none=True)}

    return server
