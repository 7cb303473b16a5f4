"""Highlights (and, if asked, summary items) pushed to Readwise through its highlight API (v2).

What is sent is built here from the library; the client at the edge only speaks HTTP: the token
in `Authorization: Token ...`, 429 answered by waiting as long as `Retry-After` says, a 5xx or a
dropped connection retried with growing pauses. Readwise keeps one copy of a highlight with the
same title, author, text and source URL; the library records a digest of what was sent, so a
second push sends only what is new or changed.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from distill.domain import Highlight
from distill.errors import DistillError
from distill.exports.documents import ExportDoc
from distill.exports.markdown import plain_line, safe_url
from distill.exports.moments import Moment
from distill.library.exports import Push

TARGET = "readwise"
SOURCE_TYPE = "distill"
PER_REQUEST = 100
MAX_ATTEMPTS = 6
MAX_WAIT = 300.0  # seconds: a longer Retry-After is refused rather than waited for
# Readwise's limits on each field (characters).
LIMITS = {
    "text": 8191,
    "note": 8191,
    "title": 511,
    "author": 1024,
    "source_url": 2047,
    "image_url": 2047,
    "highlight_url": 4095,
}
CATEGORIES = {"article": "articles", "pdf": "articles", "book": "books"}  # else podcasts


class ReadwiseError(DistillError):
    """Readwise refused or could not be reached."""


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _clean(payload: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in payload.items():
        if value is None or value == "":
            continue
        out[key] = _cut(value, LIMITS[key]) if key in LIMITS else value
    return out


def _location(moment: Moment) -> dict[str, Any]:
    if moment.start is not None:
        return {"location": int(moment.start), "location_type": "time_offset"}
    if moment.page is not None:
        return {"location": moment.page, "location_type": "page"}
    if moment.paragraph is not None:
        return {"location": moment.paragraph, "location_type": "order"}
    return {}


def _source(doc: ExportDoc) -> dict[str, Any]:
    return {
        "title": plain_line(doc.meta.title),
        "author": plain_line(doc.author),
        "source_url": safe_url(doc.meta.url) or safe_url(doc.page_url),
        "source_type": SOURCE_TYPE,
        "category": CATEGORIES.get(doc.meta.kind, "podcasts"),
    }


def highlight_payload(doc: ExportDoc, h: Highlight) -> dict[str, Any]:
    """One reader's highlight as a Readwise highlight (its tags as Readwise inline tags)."""
    moment = Moment.of(h)
    note = plain_line(h.note)
    if h.tags:
        note = (note + "\n" if note else "") + " ".join(f".{t}" for t in h.tags)
    return _clean(
        {
            "text": plain_line(h.quote),
            **_source(doc),
            "note": note,
            **_location(moment),
            "highlighted_at": h.created_at.isoformat() if h.created_at else None,
            "highlight_url": safe_url(doc.place()(moment)),
        }
    )


def summary_payloads(doc: ExportDoc) -> list[tuple[str, dict[str, Any]]]:
    """The summary's insights, answers and takeaways as highlights, each keyed by its place."""
    s = doc.summary
    if s is None:
        return []
    items: list[tuple[str, str, str, Any]] = []
    items += [
        (f"insight:{n}", f"{i.emoji} {i.text}", "Key insight", i) for n, i in enumerate(s.insights)
    ]
    items += [(f"qa:{n}", q.answer, f"Q: {q.question}", q) for n, q in enumerate(s.qa)]
    items += [(f"takeaway:{n}", t.text, "Takeaway", t) for n, t in enumerate(s.takeaways)]
    out = []
    for key, text, note, item in items:
        moment = Moment.of(item)
        payload = {
            "text": plain_line(text),
            **_source(doc),
            "note": plain_line(f"{note} (distill summary, {s.model})"),
            **_location(moment),
            "highlight_url": safe_url(doc.place()(moment)),
        }
        out.append((f"{doc.meta.id}:summary:{s.language}:{key}", _clean(payload)))
    return out


def digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def payloads(doc: ExportDoc, *, summaries: bool) -> list[tuple[str, dict[str, Any]]]:
    """(item key, highlight) of everything one document sends."""
    out = [(f"highlight:{h.id}", highlight_payload(doc, h)) for h in doc.highlights]
    return out + (summary_payloads(doc) if summaries else [])


# --- the client at the network edge ---------------------------------------------------------


def pause(seconds: float) -> None:
    """Wait before trying again (one place, so tests can watch the waits)."""
    time.sleep(seconds)


def retry_after(value: str | None, attempt: int) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), else a backoff."""
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    return min(0.5 * 2.0**attempt, 60.0)


@dataclass
class ReadwiseClient:
    """Readwise's highlight API: a token check and highlight create, with retries."""

    token: str
    base_url: str = "https://readwise.io"
    timeout: float = 30.0

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        import httpx

        url = self.base_url.rstrip("/") + path
        headers = {"Authorization": f"Token {self.token}"}
        for attempt in range(MAX_ATTEMPTS):
            try:
                response = httpx.request(
                    method, url, json=body, headers=headers, timeout=self.timeout
                )
            except httpx.HTTPError as exc:
                if attempt == MAX_ATTEMPTS - 1:
                    raise ReadwiseError(
                        f"cannot reach Readwise at {self.base_url} ({type(exc).__name__}); check "
                        "the connection (or DISTILL_READWISE_URL) and push again."
                    ) from None
                pause(retry_after(None, attempt))
                continue
            status = response.status_code
            if status in (401, 403):
                raise ReadwiseError(
                    f"Readwise refused the token ({status}); set DISTILL_READWISE_TOKEN to the "
                    "token from readwise.io/access_token."
                )
            if status == 429 or status >= 500:
                wait = retry_after(response.headers.get("retry-after"), attempt)
                if attempt == MAX_ATTEMPTS - 1 or wait > MAX_WAIT:
                    raise ReadwiseError(
                        f"Readwise is busy (HTTP {status}) after {attempt + 1} tries; what was "
                        "sent so far is recorded, push again later to send the rest."
                    )
                pause(wait)
                continue
            if status >= 400:
                detail = plain_line(response.text)[:200]
                raise ReadwiseError(
                    f"Readwise refused the highlights (HTTP {status}: {detail}); this is a bug "
                    "in distill's export, please report it."
                )
            return response.json() if response.content else None
        raise AssertionError("unreachable")

    def check(self) -> None:
        """A ReadwiseError naming the setting unless the token is accepted (204)."""
        self._request("GET", "/api/v2/auth/")

    def create(self, highlights: list[dict[str, Any]]) -> Any:
        """Create (or update, Readwise's dedupe) highlights; Readwise's answer."""
        return self._request("POST", "/api/v2/highlights/", {"highlights": highlights})


@dataclass
class ReadwiseReport:
    """What a push sent: new or changed highlights, and those already there as they are."""

    sent: int = 0
    unchanged: int = 0
    documents: int = 0
    requests: int = 0
    books: set[str] = field(default_factory=set)


def push_document(
    doc: ExportDoc,
    client: ReadwiseClient,
    pushed: dict[str, Push],
    record: Callable[[list[Push]], None],
    report: ReadwiseReport,
    *,
    summaries: bool,
) -> None:
    """Send one document's new or changed highlights, recording each batch once it is accepted."""
    todo = []
    for key, payload in payloads(doc, summaries=summaries):
        sign = digest(payload)
        if key in pushed and pushed[key].digest == sign:
            report.unchanged += 1
            continue
        todo.append((key, payload, sign))
    if todo:
        report.documents += 1
    for first in range(0, len(todo), PER_REQUEST):
        batch = todo[first : first + PER_REQUEST]
        answer = client.create([p for _, p, _ in batch])
        report.requests += 1
        book = next(iter(answer), None) if isinstance(answer, list) else None
        remote = str(book.get("id")) if isinstance(book, dict) and book.get("id") else None
        if remote:
            report.books.add(remote)
        record([Push(key, doc.meta.id, sign, remote) for key, _, sign in batch])
        report.sent += len(batch)
