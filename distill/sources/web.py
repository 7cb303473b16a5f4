"""Any http(s) URL that is not YouTube: an article, a PDF or a feed, told apart by what comes back.

The page is fetched once through the guarded client; `expand` (is it a feed?) and `load` (the
article or PDF) share that one fetch through a short-lived memo.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit, urlunsplit

from distill.domain import ProgressFn, Transcript
from distill.errors import SourceError
from distill.files import sha256_text
from distill.sources import http
from distill.sources.registry import Collection, SourceHandler, slugify

_MEMO: dict[str, tuple[float, http.Fetched]] = {}
_MEMO_LOCK = threading.Lock()
MEMO_SECONDS = 120.0
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


def normalize_url(url: str) -> str:
    """The URL without its fragment, scheme and host lower-cased (the key of a web document)."""
    parts = urlsplit(url.strip())
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
    )


def url_id(url: str) -> str:
    """The library id of a web document: a slug of its host plus a hash of its URL."""
    normal = normalize_url(url)
    host = (urlsplit(normal).hostname or "web").removeprefix("www.")
    return f"{slugify(host, max_len=30)}-{sha256_text(normal)[:10]}"


def fetch_memo(url: str, *, accept: str = "*/*") -> http.Fetched:
    """The response for `url`, fetched through the guard at most once every two minutes."""
    key = normalize_url(url)
    now = time.monotonic()
    with _MEMO_LOCK:
        for old in [k for k, (t, _) in _MEMO.items() if now - t > MEMO_SECONDS]:
            del _MEMO[old]
        hit = _MEMO.get(key)
    if hit is not None:
        return hit[1]
    fetched = http.fetch(url, accept=accept)
    with _MEMO_LOCK:
        if len(_MEMO) >= 8:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = (now, fetched)
    return fetched


def forget(url: str) -> None:
    """Drop a memoized response (after it was used to load the document)."""
    with _MEMO_LOCK:
        _MEMO.pop(normalize_url(url), None)


def looks_like_feed(fetched: http.Fetched) -> bool:
    """Whether a response is an RSS/Atom feed (by type, or by its first element)."""
    if fetched.content_type in FEED_TYPES:
        return True
    head = fetched.content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if fetched.content_type in ("text/html", "application/xhtml+xml") and b"<rss" not in head:
        return False
    return (
        head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed")
    ) and (b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head)


def load_web(url: str, *, progress: ProgressFn) -> Transcript:
    """The article or PDF at `url` as a Transcript."""
    from distill.sources.article import article_transcript, decode_html
    from distill.sources.pdf import is_pdf_bytes

    progress("download", 0.0, None)
    fetched = fetch_memo(
        url, accept="text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.5"
    )
    forget(url)
    progress("download", 1.0, 1.0)
    doc_id = url_id(url)
    host = urlsplit(fetched.final_url).hostname or "web page"
    if fetched.content_type == "application/pdf" or is_pdf_bytes(fetched.content[:1024]):
        return _pdf_from_bytes(fetched, doc_id, progress)
    if looks_like_feed(fetched):
        raise SourceError(
            f"'{url}' is a feed, not one document; summarize its entries with `distill summarize "
            f"{url} --limit N`, or follow it with `distill follow {url}`."
        )
    kind = fetched.content_type
    if kind and not (kind.startswith("text/") or "html" in kind or "xml" in kind):
        raise SourceError(
            f"'{url}' is {kind}, not a web page, PDF or feed; download it and pass the file "
            "instead."
        )
    progress("extract", 0.0, 1.0)
    text = decode_html(fetched.content, fetched.charset)
    found = article_transcript(text, url=fetched.final_url, doc_id=doc_id, fallback_title=host)
    progress("extract", 1.0, 1.0)
    return found


def _pdf_from_bytes(fetched: http.Fetched, doc_id: str, progress: ProgressFn) -> Transcript:
    """A fetched PDF kept in the media folder (so the page can show it) and read from there."""
    from distill.files import write_atomic
    from distill.settings import get_settings
    from distill.sources.pdf import pdf_transcript

    folder = get_settings().media_dir / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{doc_id}.pdf"
    write_atomic(path, fetched.content)
    name = urlsplit(fetched.final_url).path.rsplit("/", 1)[-1] or "document.pdf"
    try:
        return pdf_transcript(
            path,
            doc_id=doc_id,
            shown=f"'{fetched.final_url}'",
            fallback_title=name,
            url=fetched.final_url,
            progress=progress,
        )
    except SourceError:
        path.unlink(missing_ok=True)
        raise


class WebSource(SourceHandler):
    """Web pages (articles), PDFs by URL and feeds whose URL does not say they are one."""

    name = "web"
    stages = ("download", "extract")

    def score(self, source: str) -> float:
        return 0.2 if http.is_web_url(source) else 0.0

    def expand(self, source: str, *, limit: int | None, since: str | None) -> Collection | None:
        fetched = fetch_memo(source)
        if not looks_like_feed(fetched):
            return None
        from distill.sources.podcast import feed_collection

        forget(source)
        return feed_collection(source, fetched.content)

    def load(self, source: str, *, lang: str | None, progress: ProgressFn) -> Transcript:
        return load_web(source, progress=progress)
