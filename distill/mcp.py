"""The MCP server: the library of summaries as tools an AI assistant can call.

An assistant can be steered by text inside the captions it reads, so `summarize` reads local files
only inside the folders shared with it: the roots its MCP client declares, and DISTILL_MCP_ROOTS.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar
from urllib.parse import unquote, urlsplit

from mcp.server.mcpserver import Context  # resolved at run time: MCP injects it into tools
from pydantic import Field

from distill.errors import DistillError, InputError, NotFoundError

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from distill.service import Distill

log = logging.getLogger(__name__)
T = TypeVar("T")

INSTRUCTIONS = (
    "distill keeps a library of video and audio summaries. Use `search` to find where something "
    "is said (each hit has a video id and a time in seconds), `get_summary` for a video's TL;DR, "
    "insights, Q&A, takeaways and chapters, `ask` to answer a question from one video's transcript "
    "with cited times, `ask_library` to answer from every stored video, highlight and note "
    "(citing video ids and seconds), `list_highlights`/`search_highlights`/`add_highlight` for "
    "the reader's highlights and notes, and `summarize` to add a YouTube URL or a local file "
    "(local files only inside the folders the client shares as roots, or DISTILL_MCP_ROOTS)."
)
ROOTS_TIMEOUT = 10.0  # seconds to wait for the client's list of roots


def _video_link(url: str | None, start: float | None) -> str | None:
    """A link to the moment `start` of a YouTube video, or the plain URL."""
    if url and start is not None and "youtube.com" in url:
        return f"{url}&t={int(start)}s"
    return url


def _old_name(new: str) -> Any:
    """A parameter kept under its old name for clients that use it; marked deprecated."""
    return Field(
        default=None, description=f"the old name of `{new}`", json_schema_extra={"deprecated": True}
    )


def configured_roots(setting: str | None = None) -> list[Path]:
    """The folders of DISTILL_MCP_ROOTS (separated by the OS path separator or commas)."""
    if setting is None:
        from distill.settings import get_settings

        setting = get_settings().mcp_roots
    parts = (setting or "").replace(os.pathsep, ",").split(",")
    return [Path(p.strip()).expanduser() for p in parts if p.strip()]


def root_paths(uris: Sequence[str]) -> list[Path]:
    """Local folders from the client's root URIs (file:// only)."""
    paths = []
    for uri in uris:
        parts = urlsplit(uri)
        if parts.scheme == "file" and parts.path:
            paths.append(Path(unquote(parts.path)))
    return paths


def confine(source: str, roots: Sequence[Path], service: Distill) -> str:
    """The source to summarize: a stored id (or unique prefix) as its id, a YouTube id as its URL,
    a remote URL as given, a local file as its real path, and only when that path (symlinks
    resolved) is inside a root. A refusal reads the same whether or not the path exists."""
    from distill.sources.youtube import parse_video_id

    text = source.strip()
    if service.library.has_video(text):
        return text
    if text and "/" not in text and "\\" not in text:
        try:
            return service.video_id(text)  # a unique prefix; an ambiguous one names its matches
        except NotFoundError:
            pass
    video_id = parse_video_id(text)
    if video_id is not None:
        return f"https://www.youtube.com/watch?v={video_id}"  # never a local file of that name
    if "://" in text and not text.lower().startswith("file://"):
        return text  # remote: the sources decide; nothing local is read
    if not roots:
        raise InputError(
            f"{text!r} is a local path, and this MCP server reads no local files: let the "
            "client share the folder as an MCP root, or set DISTILL_MCP_ROOTS to the folders it "
            "may read."
        )
    raw = unquote(urlsplit(text).path) if text.lower().startswith("file://") else text
    try:
        real = Path(raw).expanduser().resolve()
        inside = any(real.is_relative_to(root.expanduser().resolve()) for root in roots)
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL in the name
        inside = False
    if not inside:
        shown = ", ".join(str(r) for r in roots)
        raise InputError(
            f"{text!r} is not inside the folders this MCP server may read ({shown}); move the "
            "file into one, or share its folder as an MCP root or in DISTILL_MCP_ROOTS."
        )
    return str(real)


def _tool(fn: Callable[..., T]) -> Callable[..., T]:
    """Tool errors as one sentence the assistant can act on, an unexpected one named too."""
    from mcp.server.mcpserver.exceptions import ToolError

    def reason(exc: Exception) -> ToolError:
        if isinstance(exc, ToolError):
            return exc
        if isinstance(exc, DistillError):
            return ToolError(str(exc))
        log.exception("MCP tool %s failed", fn.__name__)
        return ToolError(
            f"{fn.__name__} failed unexpectedly ({type(exc).__name__}), the details are in the "
            "server's log; retry, or report a bug."
        )

    if _is_async(fn):

        @functools.wraps(fn)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            try:
                return await fn(*args, **kwargs)  # type: ignore[misc]
            except Exception as exc:
                raise reason(exc) from exc

        return run_async  # type: ignore[return-value]

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise reason(exc) from exc

    return run


def _is_async(fn: Callable[..., Any]) -> bool:
    import inspect

    return inspect.iscoroutinefunction(fn)


async def client_roots(ctx: Context) -> list[Path]:
    """The folders the MCP client declares as its roots (none when it declares no roots)."""
    import warnings

    import anyio

    try:
        caps = ctx.client_capabilities
        if caps is None or caps.roots is None:
            return []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # roots are deprecated for the next protocol era
            with anyio.fail_after(ROOTS_TIMEOUT):
                result = await ctx.session.list_roots()
    except Exception as exc:  # no back-channel (newer protocol), a timeout, a client error
        log.info("could not list the client's roots: %s", exc)
        return []
    return root_paths([str(root.uri) for root in result.roots])


def build_server(
    service: Distill | None = None, *, roots: Sequence[Path] | None = None
) -> MCPServer:
    """An MCPServer whose tools work through `service` (over the configured library by default);
    `summarize` reads local files inside `roots` (default DISTILL_MCP_ROOTS) and the client's."""
    import anyio
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    from distill.library import highlight_parts
    from distill.service import Distill

    svc = service if service is not None else Distill()
    lib = svc.library
    folders = list(roots) if roots is not None else configured_roots()
    server = MCPServer("distill", instructions=INSTRUCTIONS)

    def channel_filter(ref: str | None) -> str | None:
        return svc.channel_id(ref) if ref else None

    @server.tool()
    @_tool
    def list_videos(
        channel: str | None = None,
        limit: int = 20,
        offset: int = 0,
        channel_id: Annotated[str | None, _old_name("channel")] = None,
    ) -> list[dict[str, Any]]:
        """List stored videos, newest first, optionally of one channel (id, name or id prefix)."""
        videos = lib.list_videos(
            channel_id=channel_filter(channel or channel_id),
            limit=max(1, min(limit, 200)),
            offset=max(0, offset),
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
    @_tool
    def search(query: str, limit: int = 10, channel: str | None = None) -> list[dict[str, Any]]:
        """Search titles, transcripts and summaries; each hit names the video and the second it is said."""
        hits = svc.search(
            query, limit=max(1, min(limit, 100)), channel_id=channel_filter(channel)
        ).hits
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
    @_tool
    def get_summary(
        video_id: str,
        lang: str | None = None,
        language: Annotated[str | None, _old_name("lang")] = None,
    ) -> dict[str, Any]:
        """The summary of a stored video (TL;DR, insights, Q&A, takeaways, chapters, with times).

        By default in the video's own language; `lang` picks a stored translation."""
        lang = lang or language
        video_id = svc.video_id(video_id)
        summary = svc.summary(video_id, lang)
        if summary is None:
            raise ToolError(
                f"{video_id} has no summary in {lang or 'its language'} yet; translate it "
                "first (`distill translate`) or ask for another language."
            )
        return summary.model_dump(exclude_none=True)

    @server.tool()
    @_tool
    def get_transcript(video_id: str, lang: str | None = None) -> list[dict[str, Any]]:
        """The transcript of a stored video as timed segments (in `lang` when it has several)."""
        transcript = lib.get_transcript(svc.video_id(video_id), language=lang)
        return [{"start": s.start, "text": s.text} for s in transcript.segments]

    @server.tool()
    @_tool
    def ask(video_id: str, question: str) -> dict[str, Any]:
        """Answer a question from one stored video's transcript, citing the moments it comes from."""
        answer = svc.ask(video_id, question, fetch=False)  # a stored video only: nothing is read
        return answer.model_dump()

    @server.tool()
    @_tool
    def ask_library(
        question: str, channel: str | None = None, previous_questions: list[str] | None = None
    ) -> dict[str, Any]:
        """Answer from every stored video, highlight and note, citing each video and second.

        `channel` (id, name or id prefix) keeps to one channel; `previous_questions` (oldest
        first) makes a follow-up question keep its context."""
        from distill.knowledge import Context as Asked

        answer = svc.ask_library(
            question,
            channel_id=channel_filter(channel),
            context=Asked(questions=list(previous_questions or [])[-10:]),
        )
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
    @_tool
    def list_highlights(
        video_id: str | None = None, tag: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        """The reader's highlights and notes (newest first, or in time order for one video)."""
        if video_id is not None:
            video_id = svc.video_id(video_id)
        items = lib.list_highlights(
            video_id=video_id, tag=tag, limit=max(1, min(limit, 500)), offset=max(0, offset)
        )
        return highlight_rows(items)

    @server.tool()
    @_tool
    def search_highlights(query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Highlights whose quote, note or tags contain every word of the query."""
        return highlight_rows(lib.list_highlights(q=query, limit=max(1, min(limit, 200))))

    @server.tool()
    @_tool
    def add_highlight(
        video_id: str,
        start: float,
        end: float | None = None,
        note: str | None = None,
        tags: list[str] | None = None,
    ) -> dict[str, Any]:
        """Highlight what a stored video says from `start` to `end` seconds, with a note and tags."""
        h = svc.add_highlight(svc.video_id(video_id), start, end, note=note, tags=tags)
        return highlight_rows([h])[0]

    @server.tool()
    @_tool
    async def summarize(
        source: str,
        ctx: Context,
        lang: str | None = None,
        title: str | None = None,
        channel: str | None = None,
        url: str | None = None,
    ) -> dict[str, Any]:
        """Add a YouTube URL/ID or a local caption, transcript or media file, and return its summary.

        `title`, `channel` and `url` are stored instead of what the source says about itself.
        Local files are read only inside the folders the client shares as roots (or
        DISTILL_MCP_ROOTS on the server)."""
        from distill.domain import MetaOverride

        meta = MetaOverride(title=title, channel=channel, url=url)
        allowed = folders + await client_roots(ctx)
        target = confine(source, allowed, svc)
        done = await anyio.to_thread.run_sync(lambda: svc.summarize(target, lang=lang, meta=meta))
        return {"video_id": done.video_id, **done.summary.model_dump(exclude_none=True)}

    return server


def run_stdio(server: MCPServer) -> None:
    """Serve over stdin/stdout; a line that is not JSON-RPC gets its JSON-RPC error reply
    (-32700 for bad JSON, -32600 for JSON that is not a message), where the library drops it."""
    import anyio

    anyio.run(_serve_stdio, server)


async def _serve_stdio(server: MCPServer) -> None:
    import anyio
    import mcp_types as types
    from mcp.server.stdio import stdio_server
    from mcp.shared.message import SessionMessage

    lowlevel = server._lowlevel_server  # what MCPServer.run_stdio_async serves, too
    async with stdio_server() as (read_stream, write_stream):
        send, receive = anyio.create_memory_object_stream[SessionMessage | Exception](0)

        async def relay() -> None:
            async with send:
                async for item in read_stream:
                    if isinstance(item, Exception):
                        await write_stream.send(SessionMessage(_error_reply(item, types)))
                    else:
                        await send.send(item)

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(relay)
            await lowlevel.run(receive, write_stream, lowlevel.create_initialization_options())
            tasks.cancel_scope.cancel()


def _error_reply(exc: Exception, types: Any) -> Any:
    """The JSON-RPC error for a line the transport could not read as a message."""
    from pydantic import ValidationError

    bad_json = isinstance(exc, ValidationError) and any(
        e.get("type") == "json_invalid" for e in exc.errors()
    )
    if bad_json or not isinstance(exc, ValidationError):
        error = types.ErrorData(code=types.PARSE_ERROR, message="Parse error: that is not JSON.")
    else:
        error = types.ErrorData(
            code=types.INVALID_REQUEST,
            message="Invalid Request: that JSON is not a JSON-RPC 2.0 request or notification.",
        )
    return types.JSONRPCError(jsonrpc="2.0", id=None, error=error)
