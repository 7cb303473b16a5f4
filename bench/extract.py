"""Extraction benchmark: quality against ../shared/eval references and time per document, per kind.

    .venv/bin/python bench/extract.py [--kind article|pdf|clippings|feed|channel]

- article: main text of web-articles-dev against `expected.txt` by 4-token shingles (precision and
  recall per page, averaged; F1 of the averages, as the Zyte benchmark does), titles against
  `expected-metadata.json`, the `with`/`without` snippets of the tf-* pages; then an article page
  served by a local HTTP server summarized end to end through the service (target ≤ 1 s).
- pdf: pages against refs.jsonl, text in reading order against the reference full text and the
  docling Markdown (shingles punish a wrong column order), headings against the Markdown's, the
  three error files; a 100-page PDF (real pages, repeated) summarized end to end (target ≤ 3 s);
  2,000 pages extracted with the peak memory.
- clippings: the fields of every record of the 11-language file; books and entries of the others.
- feed: counts and URLs of every feed in refs.jsonl, the podcastparser fixtures' common fields.
- channel: a 500-video channel expanded into 500 jobs from a recorded listing (target ≤ 5 s).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVAL = ROOT.parent / "shared" / "eval"
ROWS: list[tuple[str, str, str, str]] = []  # kind, measure, value, target


def row(kind: str, measure: str, value: str, target: str = "") -> None:
    ROWS.append((kind, measure, value, target))
    print(f"  {kind:9} {measure:52} {value:>16}  {target}", flush=True)


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text)
    return Counter(tuple(tokens[i : i + 4]) for i in range(max(0, len(tokens) - 3)))


def pr(got: str, want: str) -> tuple[float, float]:
    a, b = shingles(got), shingles(want)
    common = sum((a & b).values())
    return common / max(1, sum(a.values())), common / max(1, sum(b.values()))


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


def fresh_home() -> Path:
    """A throwaway DISTILL_HOME so the benchmark never touches the user's library."""
    from distill.settings import get_settings

    home = Path(tempfile.mkdtemp(prefix="distill-bench-"))
    os.environ["DISTILL_HOME"] = str(home)
    os.environ.pop("DISTILL_DATABASE_URL", None)
    os.environ["DISTILL_ALLOW_PRIVATE_HOSTS"] = "127.0.0.1"
    get_settings.cache_clear()
    return home


def serve(pages: dict[str, tuple[bytes, str]]) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def do_GET(self) -> None:  # noqa: N802
            body, kind = pages.get(self.path, (b"", ""))
            self.send_response(200 if kind else 404)
            self.send_header("Content-Type", kind or "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


# --- articles ---------------------------------------------------------------------------------


def bench_articles() -> None:
    from distill.library import Library
    from distill.service import Distill
    from distill.sources.article import extract_article

    folder = EVAL / "web-articles-dev"
    refs = [json.loads(line) for line in (folder / "refs.jsonl").read_text().splitlines()]
    ps, rs, times, titles, bylines, snippets = [], [], [], [], [], []
    for ref in refs:
        html = (folder / ref["source"]).read_bytes()
        found, seconds = timed(lambda html=html: extract_article(html))
        times.append(seconds)
        # Headings are part of the main text (the page shows them above their paragraph).
        text = "\n".join(f"{h}\n{t}" if h else t for h, t in found["paragraphs"])
        if ref.get("expected_text"):
            p, r = pr(text, (folder / ref["expected_text"]).read_text())
            ps.append(p)
            rs.append(r)
        meta_file = folder / ref["id"] / "expected-metadata.json"
        if meta_file.is_file():
            meta = json.loads(meta_file.read_text())
            if meta.get("title"):
                titles.append(squash(found.get("title")) == squash(meta["title"]))
            if meta.get("byline"):
                bylines.append(
                    squash(meta["byline"]).lower() in squash(found.get("author")).lower()
                    or squash(found.get("author")).lower() in squash(meta["byline"]).lower()
                )
        if ref.get("with") or ref.get("without"):
            flat = squash(text)
            hits = [squash(s) in flat for s in ref["with"]] + [
                squash(s) not in flat for s in ref["without"]
            ]
            snippets.append(sum(hits) / len(hits))
    p, r = statistics.mean(ps), statistics.mean(rs)
    row(
        "article",
        f"main text P / R / F1 ({len(ps)} pages)",
        f"{p:.3f} / {r:.3f} / {f1(p, r):.3f}",
        "baseline F1 0.801",
    )
    row(
        "article",
        f"snippets with/without ({len(snippets)} tf pages)",
        f"{statistics.mean(snippets):.3f}",
        "baseline 0.565",
    )
    row("article", f"title exact ({len(titles)} rd pages)", f"{sum(titles)}/{len(titles)}")
    row("article", f"byline found ({len(bylines)} rd pages)", f"{sum(bylines)}/{len(bylines)}")
    row(
        "article",
        "extraction per page (mean / max)",
        f"{statistics.mean(times) * 1000:.0f} / {max(times) * 1000:.0f} ms",
    )

    fresh_home()
    pages = {
        f"/a/{ref['id']}": ((folder / ref["source"]).read_bytes(), "text/html") for ref in refs
    }
    server, base = serve(pages)
    try:
        with Distill(Library()) as service:
            service.summarize(f"{base}/a/{refs[0]['id']}")  # warm-up: imports and first model load
            runs = []
            for ref in refs[1:11]:
                _, seconds = timed(lambda ref=ref: service.summarize(f"{base}/a/{ref['id']}"))
                runs.append(seconds)
    finally:
        server.shutdown()
    row(
        "article",
        "served locally, fetched + summarized + stored (mean / max of 10)",
        f"{statistics.mean(runs):.2f} / {max(runs):.2f} s",
        "target ≤ 1 s",
    )


# --- PDFs -------------------------------------------------------------------------------------


def headings_of(markdown: str) -> list[str]:
    return [squash(line.lstrip("#")) for line in markdown.splitlines() if line.startswith("#")]


def bench_pdfs() -> None:
    from distill.errors import SourceError
    from distill.sources.pdf import load_pdf_file

    folder = EVAL / "pdfs-dev"
    refs = [json.loads(line) for line in (folder / "refs.jsonl").read_text().splitlines()]
    pages_ok, errors_ok, times = [], [], []
    for ref in refs:
        path = str(folder / ref["file"])
        if ref["kind"] == "text":
            t, seconds = timed(lambda path=path: load_pdf_file(path))
            times.append(seconds / max(1, t.meta.pages or 1))
            pages_ok.append(t.meta.pages == ref["pages"])
            text = "\n".join(s.text for s in t.segments)
            for expected in ref["expected"]:
                ref_path = folder / expected["file"]
                if ref_path.suffix == ".xml":
                    title = re.search(
                        r"<article-title>(.*?)</article-title>", ref_path.read_text(), re.S
                    )
                    want = squash(re.sub(r"<[^>]+>", "", title.group(1))) if title else ""
                    row(
                        "pdf",
                        f"{ref['file'][:30]}: title matches metadata.xml",
                        str(squash(t.meta.title) == want),
                    )
                    continue
                p, r = pr(text, ref_path.read_text())
                row(
                    "pdf",
                    f"{ref['file'][:30]}: text P / R / F1 ({ref['layout']})",
                    f"{p:.3f} / {r:.3f} / {f1(p, r):.3f}",
                )
                if ref_path.name.endswith(".md"):
                    want_h = headings_of(ref_path.read_text())
                    got_h = [squash(c.title) for c in t.meta.chapters]
                    hit = sum(1 for h in want_h if h in got_h)
                    row(
                        "pdf",
                        f"{ref['file'][:30]}: headings found / precision",
                        f"{hit}/{len(want_h)} / {hit}/{len(got_h)}",
                    )
        else:
            try:
                load_pdf_file(path)
                errors_ok.append(False)
            except SourceError as exc:
                words = {
                    "scanned": "no text layer",
                    "encrypted": "encrypted",
                    "broken": "could not be read",
                }
                errors_ok.append(words[ref["kind"]] in str(exc))
    row("pdf", f"page counts right ({len(pages_ok)} text PDFs)", f"{sum(pages_ok)}/{len(pages_ok)}")
    row(
        "pdf",
        "scanned / encrypted / broken: the right sentence",
        f"{sum(errors_ok)}/{len(errors_ok)}",
    )
    row(
        "pdf",
        "extraction per page (mean over the text PDFs)",
        f"{statistics.mean(times) * 1000:.1f} ms",
    )

    import pypdfium2 as pdfium

    from distill.library import Library
    from distill.service import Distill

    home = fresh_home()
    src = pdfium.PdfDocument(str(folder / "federal-register-2020-17221.pdf"))
    hundred = pdfium.PdfDocument.new()
    while len(hundred) < 100:
        hundred.import_pages(src, list(range(min(len(src), 100 - len(hundred)))))
    big = home / "hundred-pages.pdf"
    hundred.save(str(big))
    with Distill(Library()) as service:
        service.summarize(str(folder / "docling-word-processor-history.pdf"))  # warm-up
        done, seconds = timed(lambda: service.summarize(str(big)))
    row(
        "pdf",
        f"100-page PDF read + summarized + stored ({len(done.transcript.segments)} segments)",
        f"{seconds:.2f} s",
        "target ≤ 3 s",
    )
    huge = pdfium.PdfDocument.new()
    while len(huge) < 2000:
        huge.import_pages(src, list(range(min(len(src), 2000 - len(huge)))))
    path = home / "two-thousand-pages.pdf"
    huge.save(str(path))
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t, seconds = timed(lambda: load_pdf_file(str(path)))
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    text_mb = sum(len(s.text) for s in t.segments) / 1e6
    row(
        "pdf",
        f"2,000 dense pages extracted (text {text_mb:.1f} MB)",
        f"{seconds:.1f} s, +{grown:.0f} MB peak RSS",
    )
    tracemalloc.start()
    load_pdf_file(str(big))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    row("pdf", "100 dense pages: peak Python memory while extracting", f"{peak / 1e6:.0f} MB")


# --- clippings --------------------------------------------------------------------------------


def bench_clippings() -> None:
    from distill.sources.kindle import books_of, parse_clippings

    folder = EVAL / "kindle-dev"
    refs = [json.loads(line) for line in (folder / "refs.jsonl").read_text().splitlines()]
    for ref in refs:
        data = (folder / ref["file"]).read_bytes()
        (clips, broken), seconds = timed(
            lambda data=data: parse_clippings(data.decode("utf-8-sig"))
        )
        books = books_of(list(clips))
        kept = sum(len(b.clippings) for b in books)
        if ref.get("records"):
            right = total = 0
            for want, got in zip(ref["records"], clips, strict=False):
                page = want["page"]
                loc = want["location"]
                expected = {
                    "type": want["type"],
                    "title": want["title"],
                    "authors": "; ".join(want["authors"]),
                    "page": str(page[0]) if page[0] == page[1] else f"{page[0]}-{page[1]}",
                    "location": str(loc[0]) if loc[0] == loc[1] else f"{loc[0]}-{loc[1]}",
                    "added": want["added"],
                    "text": want["content"],
                }
                found = {
                    "type": got.type,
                    "title": got.title,
                    "authors": got.authors,
                    "page": got.page,
                    "location": got.location,
                    "added": got.added,
                    "text": got.text,
                }
                right += sum(expected[k] == found[k] for k in expected)
                total += len(expected)
            row(
                "clippings",
                f"{ref['file'][:28]}: fields right ({len(clips)} records)",
                f"{right}/{total}",
            )
        row(
            "clippings",
            f"{ref['file'][:28]}: records / books / kept / cut off",
            f"{len(clips)} / {len(books)} / {kept} / {broken}",
            f"{seconds * 1000:.1f} ms",
        )


# --- feeds ------------------------------------------------------------------------------------


def bench_feeds() -> None:
    from distill.sources.feeds import parse_feed

    folder = EVAL / "podcasts-dev"
    for line in (folder / "refs.jsonl").read_text().splitlines():
        ref = json.loads(line)
        if "items" not in ref:
            continue
        data = (folder / ref["file"]).read_bytes()
        feed, seconds = timed(lambda data=data: parse_feed(data, "https://example.com/feed"))
        eps = feed.episodes
        checks = {
            "title": feed.title == ref["title"],
            "items": len(eps) == ref["items"],
            "enclosures": sum(1 for e in eps if e.enclosure_url) == ref["items_with_enclosure"],
            "guids": sum(1 for e in eps if e.guid) == ref["items_with_guid"],
            "transcripts": sum(1 for e in eps if e.transcripts) == ref["items_with_transcript"],
            "chapters": sum(1 for e in eps if e.chapters_url or e.chapters)
            == ref["items_with_chapters"],
            "live": feed.live_items == ref["live_items"],
        }
        example = ref.get("example_with_transcript")
        if example:
            first = next((e for e in eps if e.title == example["item_title"]), None)
            checks["transcript URLs"] = first is not None and [
                t.url for t in first.transcripts
            ] == [t["url"] for t in example["transcripts"]]
        row(
            "feed",
            f"{ref['file'][:34]}: facts equal",
            f"{sum(checks.values())}/{len(checks)}",
            f"{seconds * 1000:.1f} ms",
        )
    right = total = 0
    for rss in sorted((folder / "podcastparser").glob("*.rss")):
        want = json.loads(rss.with_suffix(".json").read_text())
        feed = parse_feed(rss.read_bytes(), "file://tests/data/" + rss.stem)
        by_title = {e.title: e for e in feed.episodes}
        for exp in want.get("episodes", []):
            got = by_title.get(exp["title"])
            pairs = [(got is not None, True)]
            if got is not None:
                urls = [e["url"] for e in exp.get("enclosures", [])]
                pairs.append((got.enclosure_url, urls[0] if urls else None))
                if "transcript_url" in exp:
                    pairs.append(
                        (got.transcripts[0].url if got.transcripts else None, exp["transcript_url"])
                    )
                if "chapters_json_url" in exp:
                    pairs.append((got.chapters_url, exp["chapters_json_url"]))
                if "chapters" in exp:
                    pairs.append(
                        (
                            [(int(s), t) for s, t in got.chapters],
                            [(c["start"], c["title"]) for c in exp["chapters"]],
                        )
                    )
                if exp.get("total_time"):
                    pairs.append((got.duration, exp["total_time"]))
            right += sum(a == b for a, b in pairs)
            total += len(pairs)
    row("feed", "podcastparser fixtures: common fields equal", f"{right}/{total}")


# --- channels ---------------------------------------------------------------------------------


def bench_channel() -> None:
    from distill.library import Library
    from distill.service import Distill
    from distill.sources import youtube_lists

    fresh_home()
    entries = [
        {
            "_type": "url",
            "ie_key": "Youtube",
            "id": f"v{n:010d}",
            "title": f"Video {n}",
            "url": f"https://www.youtube.com/watch?v=v{n:010d}",
            "timestamp": 1_700_000_000 - n * 3600,
        }
        for n in range(500)
    ]
    recorded = json.dumps(
        {
            "_type": "playlist",
            "title": "A Channel - Videos",
            "entries": [{"_type": "playlist", "entries": entries}],
        }
    )

    def replay(url: str, limit: int | None) -> dict[str, Any]:
        return json.loads(recorded)

    youtube_lists.fetch_flat = replay  # type: ignore[assignment]
    with Distill(Library()) as service:
        batch, seconds = timed(
            lambda: service.submit_collection("https://www.youtube.com/@achannel")
        )
        again, seconds_again = timed(
            lambda: service.submit_collection("https://www.youtube.com/@achannel")
        )
    row(
        "channel",
        f"500-video channel expanded into {batch.counts.get('queued', 0)} jobs",
        f"{seconds:.2f} s",
        "target ≤ 5 s",
    )
    row("channel", "the same again (500 already queued: same jobs)", f"{seconds_again:.2f} s")


KINDS = {
    "article": bench_articles,
    "pdf": bench_pdfs,
    "clippings": bench_clippings,
    "feed": bench_feeds,
    "channel": bench_channel,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=sorted(KINDS), action="append")
    args = parser.parse_args()
    if not EVAL.is_dir():
        sys.exit(f"error: the eval data is not at {EVAL}; this benchmark needs it.")
    for kind in args.kind or list(KINDS):
        print(f"{kind}:", flush=True)
        KINDS[kind]()


if __name__ == "__main__":
    main()
