"""Helpers for the web tests: a tiny DOM built with html.parser, seeded transcripts, hostile strings."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from html.parser import HTMLParser

from distill.domain import Chapter, Segment, Transcript, VideoMeta

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        out = []
        for node in self.iter():
            if tag and node.tag != tag:
                continue
            ok = True
            for key, value in attrs.items():
                key = key.rstrip("_").replace("_", "-")
                have = node.attrs.get(key)
                if key == "class":
                    ok = ok and value in (have or "").split()
                else:
                    ok = ok and have == value
            if ok:
                out.append(node)
        return out

    def find(self, tag: str | None = None, **attrs: str) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def by_id(self, id_: str) -> Node | None:
        return next((n for n in self.iter() if n.attrs.get("id") == id_), None)

    @property
    def text(self) -> str:
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text)
        return "".join(parts)

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self.attrs.get(name)
        return default if value is None else value


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.cur.children.append(Node(tag, dict(attrs), self.cur))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.cur = node.parent

    def handle_data(self, data: str) -> None:
        self.cur.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
HOSTILE_URL = "javascript:alert(3)"


# The bees talk of make_transcript with a definition, so its summary has a real question to
# ask (the built-in summary asks only what a talk answers).
BEES_DEFINING = [
    "Welcome to this talk about bees and how they make honey.",
    "Bees collect nectar from flowers across many kilometers every day.",
    "Nectar is a sweet liquid that flowers make to attract bees and other insects.",
    "Back at the hive, worker bees pass the nectar from mouth to mouth.",
    "Enzymes break the sugars down and water evaporates from the cells.",
    "Fanning wings dry the nectar until it becomes thick honey.",
    "Then the bees cap each cell with wax to keep the honey clean.",
    "A single hive can produce more than twenty kilograms of honey per year.",
    "Beekeepers harvest only the surplus so the colony survives winter.",
    "Pollination by bees is essential for many of the crops we eat.",
    "Without bees, apples, almonds and blueberries would be rare.",
    "So protecting bee habitats protects our food supply too.",
]


def make_transcript(
    video_id: str,
    title: str,
    *,
    channel: str | None = "Test Channel",
    channel_id: str | None = "UCtestchannel",
    kind: str = "youtube",
    path: str | None = None,
    lines: list[str] | None = None,
    step: float = 5.0,
    url: str | None = None,
) -> Transcript:
    """A transcript built from sentences, one segment every `step` seconds."""
    lines = lines or [
        "Welcome to this talk about bees and how they make honey.",
        "Bees collect nectar from flowers across many kilometers every day.",
        "The nectar is stored in a special stomach called the honey crop.",
        "Back at the hive, worker bees pass the nectar from mouth to mouth.",
        "Enzymes break the sugars down and water evaporates from the cells.",
        "Fanning wings dry the nectar until it becomes thick honey.",
        "Then the bees cap each cell with wax to keep the honey clean.",
        "A single hive can produce more than twenty kilograms of honey per year.",
        "Beekeepers harvest only the surplus so the colony survives winter.",
        "Pollination by bees is essential for many of the crops we eat.",
        "Without bees, apples, almonds and blueberries would be rare.",
        "So protecting bee habitats protects our food supply too.",
    ]
    segments = [
        Segment(start=i * step, end=(i + 1) * step, text=text) for i, text in enumerate(lines)
    ]
    meta = VideoMeta(
        kind=kind,  # type: ignore[arg-type]
        id=video_id,
        url=url
        if url is not None
        else (f"https://www.youtube.com/watch?v={video_id}" if kind == "youtube" else None),
        title=title,
        channel=channel,
        channel_id=channel_id,
        duration=len(lines) * step,
        language="en",
        upload_date="2024-05-01",
        view_count=12345,
        chapters=[Chapter(title="Intro", start=0.0), Chapter(title="Pollination", start=45.0)],
        path=path,
    )
    return Transcript(meta=meta, language="en", origin="manual", segments=segments)


# The address test clients use: a loopback name, the only kind the app answers by default.
LOOPBACK = "http://127.0.0.1:8000"


class Sent:
    """What an ASGI app answered, and how many body bytes it pulled from the client."""

    def __init__(self) -> None:
        self.status = 0
        self.body = b""
        self.consumed = 0


def call(app, method: str, path: str, headers: dict[str, str], chunks: Iterator[bytes]) -> Sent:
    """Drive the real app as a server would, counting the request body bytes it reads."""
    sent = Sent()
    raw = [
        (k.lower().encode(), v.encode()) for k, v in {"host": "127.0.0.1:8000", **headers}.items()
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    pending = iter(chunks)

    async def receive() -> dict:
        chunk = next(pending, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        sent.consumed += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            sent.status = message["status"]
        elif message["type"] == "http.response.body":
            sent.body += message.get("body", b"")

    asyncio.run(app(scope, receive, send))
    return sent


def megabytes(n: int, first: bytes = b"") -> Iterator[bytes]:
    block = b"x" * (64 << 10)
    if first:
        yield first
    for _ in range(n * 16):
        yield block
