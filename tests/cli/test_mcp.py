"""The MCP server against a real SQLite library: in-process client and a real stdio subprocess."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from distill.domain import Segment, Transcript, VideoMeta
from distill.service import Distill


def sample_transcript() -> Transcript:
    lines = [
        "Welcome to this talk about honeybees and how a colony decides where to live.",
        "Scout bees search the countryside for hollow trees that could hold a new nest.",
        "Each scout that finds a good cavity returns and performs a waggle dance.",
        "The waggle dance encodes the direction and the distance of the cavity.",
        "Better sites get longer dances, so more bees go and inspect them.",
        "What happens when two sites compete? The bees run a kind of election.",
        "Scouts of one site head-butt dancers of the other site to stop their dance.",
        "When enough scouts gather at one site, a quorum is reached.",
        "The quorum triggers the swarm to warm up its flight muscles and leave.",
        "So the colony chooses its home by a decentralized vote without any leader.",
        "Researchers have compared this process with how neurons in the brain decide.",
        "Both systems accumulate evidence until a threshold is crossed.",
        "Honeybees show that groups can make good decisions when members are independent.",
        "Diversity of opinion and a fair way to aggregate them matter most.",
        "That is the lesson of the honeybee democracy for human committees.",
    ]
    segments = [Segment(start=i * 6.0, end=i * 6.0 + 5.5, text=t) for i, t in enumerate(lines)]
    meta = VideoMeta(
        kind="youtube",
        id="bee1234abcd",
        url="https://www.youtube.com/watch?v=bee1234abcd",
        title="Honeybee <Democracy>",
        channel="Nature Talks",
        channel_id="UCnature",
        duration=90.0,
    )
    return Transcript(meta=meta, language="en", origin="manual", segments=segments)


def structured(result) -> object:
    assert not result.is_error, result.content
    if result.structured_content is not None:
        data = result.structured_content
        return (
            data.get("result", data) if isinstance(data, dict) and set(data) == {"result"} else data
        )
    return json.loads(result.content[0].text)


def test_tools_answer_from_the_library(distill_home: Path):
    from mcp import Client

    from distill.library import Library
    from distill.mcp import build_server

    library = Library()
    library.save_transcript(sample_transcript())
    server = build_server(Distill(library))

    async def run():
        async with Client(server) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            assert {
                "list_videos",
                "search",
                "get_summary",
                "get_transcript",
                "ask",
                "summarize",
            } <= names
            videos = structured(await client.call_tool("list_videos", {}))
            hits = structured(await client.call_tool("search", {"query": "waggle dance"}))
            summary = structured(await client.call_tool("get_summary", {"video_id": "bee1234abcd"}))
            answer = structured(
                await client.call_tool(
                    "ask",
                    {"video_id": "bee1234abcd", "question": "What triggers the swarm to leave?"},
                )
            )
            missing = await client.call_tool("get_summary", {"video_id": "nope"})
            return videos, hits, summary, answer, missing

    videos, hits, summary, answer, missing = asyncio.run(run())
    assert [v["id"] for v in videos] == ["bee1234abcd"]
    assert hits and hits[0]["video_id"] == "bee1234abcd" and hits[0]["start"] in {12.0, 18.0}
    assert hits[0]["link"].endswith(f"&t={int(hits[0]['start'])}s")
    assert summary["tldr"] and summary["insights"]
    starts = {s.start for s in sample_transcript().segments}
    assert all(i["start"] in starts for i in summary["insights"])
    assert "quorum" in answer["answer"].lower()
    assert missing.is_error and "nope" in missing.content[0].text
    # get_summary stored what it computed
    assert library.get_summary("bee1234abcd") is not None


def test_stdio_server_speaks_mcp(distill_home: Path):
    from mcp import Client, StdioServerParameters

    from distill.library import Library

    Library().save_transcript(sample_transcript())
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "distill", "mcp"],
        env={"DISTILL_HOME": str(distill_home)},
    )

    async def run():
        async with Client(params) as client:
            return structured(await client.call_tool("search", {"query": "quorum"}))

    hits = asyncio.run(run())
    assert hits and hits[0]["title"] == "Honeybee <Democracy>"
