"""Helpers of the LLM tests: a mangling proxy, test transcripts, grounding checks."""

from __future__ import annotations

import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from distill.domain import Segment, Summary, Transcript, VideoMeta
from distill.speech.sentences import sentence_spans
from distill.summarize.llm.grounding import CHAPTER_AFTER, Grounder, passage_text, supports
from distill.summarize.llm.schemas import Shape
from distill.summarize.text.analysis import Analysis

N_CTX = 2048


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MangleProxy:
    """A real HTTP proxy in front of the model server that spoils the replies it is told to.

    Actions, used one per chat request in order (then requests pass through): "429" and "500"
    answer with that status without asking the model; "truncate" cuts the model's JSON reply to
    60 %, "cut_tail" drops its last three characters; "wrong_schema" renames its keys; "garbage" answers prose without asking the model.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.actions: list[str] = []
        self.seen: list[str] = []
        self.requests: list[dict[str, Any]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def _send(
                self, status: int, body: bytes, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                r = httpx.get(proxy.upstream + self.path.removeprefix("/v1"), timeout=30)
                self._send(r.status_code, r.content)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with proxy.lock:
                    action = proxy.actions.pop(0) if proxy.actions else "pass"
                    proxy.seen.append(action)
                    proxy.requests.append(json.loads(raw))
                if action == "429":
                    self._send(429, b'{"error": {"message": "slow down"}}', {"Retry-After": "0.2"})
                    return
                if action == "garbage":
                    reply = {
                        "id": "x", "object": "chat.completion", "created": 0, "model": "smollm2",
                        "choices": [{"index": 0, "finish_reason": "stop", "message": {
                            "role": "assistant", "content": "Sure! Here is a summary, in prose."}}],
                        "usage": {"prompt_tokens": 10, "completion_tokens": 8, "total_tokens": 18},
                    }  # fmt: skip
                    self._send(200, json.dumps(reply).encode())
                    return
                if action == "500":
                    self._send(500, b'{"error": {"message": "upstream exploded"}}')
                    return
                r = httpx.post(
                    proxy.upstream + self.path.removeprefix("/v1"),
                    content=raw,
                    headers={"Content-Type": "application/json"},
                    timeout=600,
                )
                body = r.json()
                if r.status_code == 200 and action != "pass":
                    msg = body["choices"][0]["message"]
                    text = msg["content"] or ""
                    if action == "truncate":
                        msg["content"] = text[: max(1, int(len(text) * 0.6))]
                    elif action == "cut_tail":
                        msg["content"] = text.rstrip()[:-3]
                    elif action == "wrong_schema":
                        data = json.loads(text)
                        msg["content"] = json.dumps({f"x_{k}": v for k, v in data.items()})
                self._send(r.status_code, json.dumps(body).encode())

        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Replay:
    """Serves recorded responses (to GET and POST) in order and keeps the requests it was sent."""

    def __init__(self, recording: Path) -> None:
        self.exchanges: list[dict[str, Any]] = json.loads(recording.read_text())
        self.requests: list[dict[str, Any]] = []
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                self.do_POST()

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                replay.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "json": json.loads(body) if body else None,
                    }
                )
                ex = replay.exchanges.pop(0)
                assert self.path == ex["request"]["path"], (self.path, ex["request"]["path"])
                out = json.dumps(ex["response"]["body"]).encode()
                self.send_response(ex["response"]["status"])
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                for k, v in ex["response"].get("headers", {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(out)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def model_for(url: str) -> str:
    """The model string of the test server at `url` (a keyless OpenAI-compatible server)."""
    return f"openai:smollm2?base_url={url}&ctx={N_CTX}&json=json_object"


VACCINES = [
    "Vaccines train the immune system to recognize a germ before it causes disease.",
    "A vaccine contains a weakened, inactive or partial form of the germ.",
    "When the vaccine is injected, white blood cells meet the harmless antigen.",
    "The body then produces antibodies that fit the antigen like a key in a lock.",
    "Memory cells remain in the blood for years after the first exposure.",
    "If the real virus arrives later, the memory cells respond within hours.",
    "Herd immunity protects newborns and people with weak immune systems.",
    "Measles needs about ninety five percent coverage for herd immunity.",
    "Side effects like a sore arm or mild fever show the immune system is working.",
    "mRNA vaccines give cells instructions to make a harmless spike protein.",
]

# Eight topics, six sentences each; repeated with different framings they make a talk far
# longer than the test model's 2048-token context.
TOPICS = {
    "bees": [
        "Honey bees dance to tell their sisters where the flowers are.",
        "The waggle dance points toward the sun and its length encodes distance.",
        "A colony keeps its brood nest at thirty five degrees all year.",
        "Worker bees live about six weeks in summer and months in winter.",
        "The queen lays up to two thousand eggs every day in spring.",
        "Beekeepers smoke the hive so guard bees do not sound the alarm.",
    ],
    "volcanoes": [
        "Volcanoes form where magma rises through cracks in the crust.",
        "Basalt lava is runny, so Hawaiian eruptions pour out gently.",
        "Sticky rhyolite magma traps gas and explodes violently.",
        "Pyroclastic flows race downhill at hundreds of kilometres per hour.",
        "Volcanic ash in the stratosphere can cool the climate for years.",
        "Seismometers and gas sensors warn of eruptions days in advance.",
    ],
    "bread": [
        "Bread dough rises because yeast turns sugar into carbon dioxide.",
        "Kneading stretches gluten strands into an elastic network.",
        "A sourdough starter is a culture of wild yeast and lactic bacteria.",
        "Steam in the oven keeps the crust soft while the loaf expands.",
        "The Maillard reaction browns the crust and creates its flavour.",
        "Bakers rest the dough overnight in the fridge for a deeper taste.",
    ],
    "satellites": [
        "Satellites stay in orbit because they fall around the curved Earth.",
        "Geostationary satellites circle once a day above the equator.",
        "GPS receivers time signals from four satellites to find a position.",
        "Relativity makes satellite clocks tick faster than clocks on the ground.",
        "Low orbit satellites slowly lose height to atmospheric drag.",
        "Old satellites are pushed into graveyard orbits to avoid collisions.",
    ],
    "chess": [
        "Chess openings fight for control of the central squares.",
        "Castling tucks the king away and connects the rooks.",
        "A fork attacks two pieces at once with a single move.",
        "Endgames reward an active king and passed pawns.",
        "Grandmasters calculate forcing lines of checks and captures first.",
        "Engines evaluate millions of positions every second.",
    ],
    "rivers": [
        "Rivers carve valleys by carrying sand and pebbles downstream.",
        "Meanders grow as water erodes the outer bank of each bend.",
        "Oxbow lakes form when a river cuts off one of its loops.",
        "Deltas build up where a river slows and drops its sediment.",
        "Floodplains receive fertile silt whenever the river overflows.",
        "Dams trap sediment, so deltas downstream begin to shrink.",
    ],
    "sleep": [
        "Sleep moves through light, deep and dreaming stages every ninety minutes.",
        "Deep sleep helps the brain store new memories.",
        "Melatonin rises in the evening when light fades.",
        "Screens at night delay melatonin and push bedtime later.",
        "Teenagers naturally fall asleep and wake up later than adults.",
        "Chronic sleep loss weakens attention and the immune response.",
    ],
    "glass": [
        "Glass is made by melting sand with soda ash and lime.",
        "Glassblowers shape molten glass at over one thousand degrees.",
        "Annealing cools glass slowly so internal stresses relax.",
        "Tempered glass shatters into small blunt pieces for safety.",
        "Optical fibres guide light by total internal reflection.",
        "Recycled glass melts at a lower temperature and saves energy.",
    ],
}
FRAMES = ["", "To repeat the key point, ", "In the workshop we saw that ", "As a final reminder, "]


def make_transcript(sentences: list[str], title: str, *, step: float = 5.0) -> Transcript:
    segments = [
        Segment(start=i * step, end=i * step + step - 0.5, text=t) for i, t in enumerate(sentences)
    ]
    return Transcript(
        meta=VideoMeta(
            kind="captions", id=f"{title.lower().replace(' ', '-')}-0000abcd", title=title
        ),
        language="en",
        origin="file",
        segments=segments,
    )


# Small sections keep the tiny model's generations short; page lengths are tested separately.
SMALL = Shape(
    tldr=(1, 2),
    insights=(1, 1),
    qa=(1, 1),
    takeaways=(1, 1),
    chapters=(1, 1),
    text_chars=70,
    tldr_chars=140,
    notes_max=2,
)

_WORD = re.compile(r"[a-z]{4,}")
_WORDS = re.compile(r"\w+")


def stems(text: str) -> set[str]:
    """Crude content-word stems, independent of the code under test."""
    return {w[:5] for w in _WORD.findall(text.lower())}


def assert_grounded(summary: Summary, transcript: Transcript, *, chapter_window: int = 11) -> None:
    """Every item's start is a real segment start near a segment sharing a word with the item."""
    starts = [s.start for s in transcript.segments]
    items: list[tuple[str, float | None, int]] = []
    items += [(i.text, i.start, 1) for i in summary.insights]
    items += [(f"{q.question} {q.answer}", q.start, 1) for q in summary.qa]
    items += [(t.text, t.start, 1) for t in summary.takeaways]
    items += [(c.title, c.start, chapter_window) for c in summary.chapters]
    assert items, "the summary has no items"
    for text, start, window in items:
        assert start in starts, f"{text!r} starts at {start}, which is no segment start"
        i = starts.index(start)
        nearby = " ".join(s.text for s in transcript.segments[max(0, i - 1) : i + window + 1])
        assert stems(text) & stems(nearby), f"{text!r} shares no word with the text at {start}"


def assert_supported(summary: Summary, transcript: Transcript) -> None:
    """Every item of the model's text is supported, by the grounding test, where it is placed.

    The passage is the sentences around the item's time (a chapter's: and those after it), a
    superset of the passage its citation points at; the TL;DR against the whole transcript.
    """
    analysis = Analysis(transcript)
    g = Grounder(analysis)
    units = analysis.units

    def near(start: float | None, after: int) -> list[str]:
        i = next(u.index for u in units if u.start == start)
        return [passage_text(u) for u in units[max(0, i - 4) : i + 5 + after]]

    def check(text: str, passage: list[str], framing: str = "") -> None:
        verdict = supports(text, passage, framing=framing, weight=g.weight)
        assert verdict, f"{framing} {text!r} is not supported where it is placed: {verdict}"

    model_made = ("model", "model-repaired")
    for i in [*summary.insights, *summary.takeaways]:
        if i.provenance in model_made:
            check(i.text, near(i.start, 0))
    for q in summary.qa:
        if q.provenance in model_made:
            check(q.answer, near(q.start, 0), q.question)
    for c in summary.chapters:
        if c.provenance in model_made:
            check(c.title, near(c.start, 8 * CHAPTER_AFTER))
    if summary.tldr_provenance == "model":
        everything = [passage_text(u) for u in units]
        for b, e in sentence_spans(summary.tldr):
            check(summary.tldr[b:e], everything)


def shared_runs(text: str, other: str, n: int) -> list[str]:
    """The runs of `n` words of `text` that `other` also has (lower-cased, punctuation ignored)."""
    a, b = _WORDS.findall(text.lower()), _WORDS.findall(other.lower())
    theirs = {tuple(b[i : i + n]) for i in range(len(b) - n + 1)}
    return [" ".join(a[i : i + n]) for i in range(len(a) - n + 1) if tuple(a[i : i + n]) in theirs]


def render_page(summary: Summary, transcript: Transcript) -> str:
    """The video page of a stored summary, served by the real app over a real SQLite library."""
    from fastapi.testclient import TestClient

    from distill.library import Library
    from distill.web import create_app

    library = Library()
    try:
        library.save_transcript(transcript)
        library.save_summary(transcript.meta.id, summary)
        with TestClient(
            create_app(library, worker=False), base_url="http://127.0.0.1:8000"
        ) as client:
            response = client.get(f"/v/{transcript.meta.id}")
        assert response.status_code == 200, response.text[:500]
        return response.text
    finally:
        library.close()


def assert_page_shape(summary: Summary, shape: Shape) -> None:
    """Sections are non-empty and within the shape's maxima; the Q&A may be empty only where the
    built-in summary stood in for the model's, as it asks only what a talk answers."""
    assert summary.tldr.strip()
    assert 1 <= len(summary.insights) <= shape.insights[1]
    assert len(summary.qa) <= shape.qa[1]
    assert summary.qa or (summary.usage is not None and summary.usage.builtin > 0)
    assert 1 <= len(summary.takeaways) <= shape.takeaways[1]
    assert all(i.emoji.strip() for i in summary.insights)
