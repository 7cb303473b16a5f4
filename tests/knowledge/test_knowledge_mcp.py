"""The MCP tools of the knowledge base: ask the library, list, search and add highlights."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from distill.domain import Segment, Transcript, VideoMeta


def structured(result) -> object:  # type: ignore[no-untyped-def]
    assert not result.is_error, result.content
    if result.structured_content is not None:
        data = result.structured_content
        return (
            data.get("result", data) if isinstance(data, dict) and set(data) == {"result"} else data
        )
    return json.loads(result.content[0].text)


def test_mcp_asks_the_library_and_keeps_highlights(distill_home: Path):
    from mcp import Client

    from distill.library import Library
    from distill.mcp import build_server
    from distill.service import Distill

    lines = [
        "Scout bees search the countryside for hollow trees.",
        "When enough scouts agree on one site, the swarm lifts off together.",
        "That quorum rule is how a honeybee swarm decides.",
    ]
    segs = [Segment(start=i * 6.0, end=i * 6.0 + 5.5, text=t) for i, t in enumerate(lines)]
    meta = VideoMeta(
        kind="youtube", id="bee1234abcd", title="Honeybee <Democracy>",
        url="https://www.youtube.com/watch?v=bee1234abcd",
    )  # fmt: skip
    library = Library()
    service = Distill(library)
    library.save_transcript(Transcript(meta=meta, language="en", segments=segs))
    service.index("bee1234abcd")
    server = build_server(service)

    async def run():  # type: ignore[no-untyped-def]
        async with Client(server) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            assert {"ask_library", "list_highlights", "search_highlights", "add_highlight"} <= names
            answer = structured(
                await client.call_tool("ask_library", {"question": "How does a swarm decide?"})
            )
            added = structured(
                await client.call_tool(
                    "add_highlight",
                    {"video_id": "bee1234abcd", "start": 6.0, "note": "quorum!", "tags": ["bees"]},
                )
            )
            listed = structured(await client.call_tool("list_highlights", {"tag": "bees"}))
            found = structured(await client.call_tool("search_highlights", {"query": "quorum"}))
            bad = await client.call_tool(
                "add_highlight", {"video_id": "bee1234abcd", "start": 99.0}
            )
            return answer, added, listed, found, bad

    answer, added, listed, found, bad = asyncio.run(run())
    assert answer["found"] and answer["citations"][0]["video_id"] == "bee1234abcd"
    assert set(answer["citations"][0]) == {"video_id", "title", "start", "text"}
    assert added["quote"] == lines[1] and added["link"].endswith("&t=6s")
    assert [h["id"] for h in listed] == [added["id"]] == [h["id"] for h in found]
    assert bad.is_error and "outside the transcript" in bad.content[0].text
