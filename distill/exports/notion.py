"""A Notion page per document in a chosen database, the summary as blocks (notion-client).

The page's title is the document's title; properties the database has by these names are
filled too: URL (url), Channel or Author (text), Date (date), Tags (multi-select). The body is
headings, paragraphs, list items and quotes, sent at most 100 blocks a request with at most
2,000 characters in each text object, as Notion's API requires. Pushing again updates a page in
place (its properties, then its blocks replaced) and leaves a page whose content did not change
alone. 429s wait as long as Retry-After says (the client's own retries); a wrong token, a
database not shared with the integration and a server that stays down are one sentence each.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from distill.errors import DistillError
from distill.exports.documents import ExportDoc
from distill.exports.markdown import plain_line, safe_url
from distill.exports.moments import Moment
from distill.library.exports import Push

TARGET = "notion"
NOTION_VERSION = "2022-06-28"  # pages in databases by database_id
MAX_BLOCKS = 100  # children in one request
MAX_TEXT = 2000  # characters in one rich text object
MAX_RICH = 100  # rich text objects in one block


class NotionError(DistillError):
    """Notion refused or could not be reached."""


def rich(text: str | None, link: str | None = None) -> list[dict[str, Any]]:
    """Text as Notion rich text, cut into objects of at most 2,000 characters."""
    clean = plain_line(text)
    url = safe_url(link)
    parts = [clean[i : i + MAX_TEXT] for i in range(0, len(clean), MAX_TEXT)] or [""]
    out = []
    for part in parts[:MAX_RICH]:
        body: dict[str, Any] = {"content": part}
        if url:
            body["link"] = {"url": url}
        out.append({"type": "text", "text": body})
    return out


def _block(kind: str, texts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"object": "block", "type": kind, kind: {"rich_text": texts[:MAX_RICH]}}


def _at(doc: ExportDoc, item: Any) -> list[dict[str, Any]]:
    moment = Moment.of(item)
    label = moment.label()
    if not label:
        return []
    return [*rich(" ("), *rich(label, doc.place()(moment)), *rich(")")]


def blocks(doc: ExportDoc) -> list[dict[str, Any]]:
    """The page's body: the summary's sections and the reader's highlights."""
    out: list[dict[str, Any]] = []
    url = safe_url(doc.meta.url)
    if url:
        out.append(_block("paragraph", rich("Original", url)))
    s = doc.summary
    if s is None:
        out.append(_block("paragraph", rich("No summary yet.")))
    else:
        out += [_block("heading_2", rich("TL;DR")), _block("paragraph", rich(s.tldr))]
        if s.insights:
            out.append(_block("heading_2", rich("Key Insights")))
            for i in s.insights:
                texts = [*rich(f"{i.emoji} {i.text}"), *_at(doc, i)]
                out.append(_block("bulleted_list_item", texts))
        if s.qa:
            out.append(_block("heading_2", rich("Questions & Answers")))
            for qa in s.qa:
                out.append(_block("heading_3", rich(qa.question)))
                out.append(_block("paragraph", [*rich(qa.answer), *_at(doc, qa)]))
        if s.takeaways:
            out.append(_block("heading_2", rich("Summary & Key Takeaways")))
            for t in s.takeaways:
                out.append(_block("bulleted_list_item", [*rich(t.text), *_at(doc, t)]))
        if s.chapters:
            out.append(_block("heading_2", rich("Chapters")))
            for c in s.chapters:
                out.append(_block("bulleted_list_item", [*rich(c.title), *_at(doc, c)]))
    if doc.highlights:
        out.append(_block("heading_2", rich("Highlights")))
        for h in doc.highlights:
            texts = [*rich(h.quote), *_at(doc, h)]
            if h.note:
                texts += rich(f" — {h.note}")
            out.append(_block("quote", texts))
    return out


def properties(doc: ExportDoc, schema: dict[str, str], title: str) -> dict[str, Any]:
    """The page's properties: its title, and those of URL, Channel/Author, Date, Tags the
    database has with the right type (`schema` maps a property's name to its type)."""
    props: dict[str, Any] = {title: {"title": rich(doc.meta.title)[:1]}}
    url = safe_url(doc.meta.url)
    if url and schema.get("URL") == "url":
        props["URL"] = {"url": url}
    for name in ("Channel", "Author"):
        if doc.author and schema.get(name) == "rich_text":
            props[name] = {"rich_text": rich(doc.author)[:1]}
    if doc.date and schema.get("Date") == "date":
        props["Date"] = {"date": {"start": doc.date}}
    if schema.get("Tags") == "multi_select":
        tags = sorted({t.replace(",", " ")[:100] for h in doc.highlights for t in h.tags})
        props["Tags"] = {"multi_select": [{"name": t} for t in tags]}
    return props


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


@dataclass
class NotionReport:
    """What a push did: pages created, updated, left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


class NotionExport:
    """One database of one workspace, reached through notion-client."""

    def __init__(self, token: str, database: str, base_url: str, *, max_retries: int = 5) -> None:
        from notion_client import Client
        from notion_client.client import ClientOptions, RetryOptions

        self.database = database.strip().replace("-", "")
        options = ClientOptions(
            auth=token,
            base_url=base_url.rstrip("/"),
            notion_version=NOTION_VERSION,
            timeout_ms=30_000,
            retry=RetryOptions(max_retries=max_retries, max_retry_delay_ms=300_000),
        )
        self.client = Client(options)
        self.schema: dict[str, str] = {}
        self.title = "Name"

    def call(self, what: Callable[[], Any], missing: str | None = None) -> Any:
        """One API call; Notion's errors as one sentence naming what to fix (`missing` for a 404)."""
        try:
            return what()
        except Exception as exc:
            err = self.explain(exc, missing)
            if err is exc:
                raise
            raise err from None

    def explain(self, exc: Exception, missing: str | None = None) -> Exception:
        """The NotionError to show for an error of notion-client or the network (else `exc`)."""
        import httpx
        from notion_client import APIErrorCode, APIResponseError
        from notion_client.errors import HTTPResponseError, RequestTimeoutError

        if isinstance(exc, APIResponseError):
            if exc.code in (APIErrorCode.Unauthorized, APIErrorCode.RestrictedResource):
                return NotionError(
                    f"Notion refused the token (HTTP {exc.status}); set DISTILL_NOTION_TOKEN to "
                    "your integration's secret and share the database with the integration."
                )
            if exc.code == APIErrorCode.ObjectNotFound and missing:
                return NotionError(missing)
            if exc.code == APIErrorCode.RateLimited or exc.status >= 500:
                return NotionError(
                    f"Notion is busy (HTTP {exc.status}) after several tries; what was sent so "
                    "far is recorded, push again later to send the rest."
                )
            return NotionError(
                f"Notion refused a request (HTTP {exc.status}: {plain_line(str(exc))[:200]}); "
                "this is a bug in distill's export, please report it."
            )
        if isinstance(exc, HTTPResponseError | RequestTimeoutError):
            return NotionError(
                f"Notion answered with an error ({plain_line(str(exc))[:120]}); push again later."
            )
        if isinstance(exc, httpx.HTTPError | OSError):
            return NotionError(
                f"cannot reach Notion ({type(exc).__name__}); check the connection (or "
                "DISTILL_NOTION_URL) and push again."
            )
        return exc

    def check(self) -> None:
        """Read the database's properties (and so check the token and the sharing)."""
        db = self.call(
            lambda: self.client.databases.retrieve(database_id=self.database),
            missing=f"Notion has no database {self.database} shared with this integration; share "
            "it (… → Connections) or set DISTILL_NOTION_DATABASE to its id.",
        )
        props = db.get("properties", {}) if isinstance(db, dict) else {}
        self.schema = {name: str(p.get("type")) for name, p in props.items()}
        self.title = next((n for n, t in self.schema.items() if t == "title"), "Name")

    def _replace_children(self, page_id: str) -> None:
        cursor: str | None = None
        old: list[str] = []
        while True:
            kwargs: dict[str, Any] = {"block_id": page_id, "page_size": 100}
            if cursor:
                kwargs["start_cursor"] = cursor
            page = self.call(partial(self.client.blocks.children.list, **kwargs))
            old += [b["id"] for b in page.get("results", [])]
            if not page.get("has_more"):
                break
            cursor = page.get("next_cursor")
        for block_id in old:
            self.call(partial(self.client.blocks.delete, block_id=block_id))

    def _append(self, page_id: str, body: list[dict[str, Any]]) -> None:
        for first in range(0, len(body), MAX_BLOCKS):
            chunk = body[first : first + MAX_BLOCKS]
            self.call(partial(self.client.blocks.children.append, block_id=page_id, children=chunk))

    def push(self, doc: ExportDoc, known: Push | None, report: NotionReport) -> Push:
        """Create or update the document's page; what to record of it."""
        from notion_client import APIErrorCode, APIResponseError

        props = properties(doc, self.schema, self.title)
        body = blocks(doc)
        sign = digest([self.database, props, body])
        if known is not None and known.digest == sign:
            report.unchanged += 1
            return known
        if known is not None and known.remote_id:
            page_id = known.remote_id
            try:
                self.client.pages.update(page_id=page_id, properties=props)
            except APIResponseError as exc:
                if exc.code != APIErrorCode.ObjectNotFound:
                    raise self.explain(exc) from None
                # The page was deleted in Notion: it is made again below.
            else:
                self._replace_children(page_id)
                self._append(page_id, body)
                report.updated += 1
                return Push("page", doc.meta.id, sign, page_id)
        page = self.call(
            lambda: self.client.pages.create(
                parent={"database_id": self.database},
                properties=props,
                children=body[:MAX_BLOCKS],
            )
        )
        page_id = str(page["id"])
        self._append(page_id, body[MAX_BLOCKS:])
        report.created += 1
        return Push("page", doc.meta.id, sign, page_id)
