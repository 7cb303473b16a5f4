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
    "with cited times, and `summarize` to add a YouTube URL or a local file."
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
            hits = lib.search(
                query, limit=max(1, min(limit, 100)), channel_id=channel_filter(channel)
            )
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
