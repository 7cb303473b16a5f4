"""`distill summarize` and `distill ask` through the real entry point, with files the tests write."""

from __future__ import annotations

import json
from pathlib import Path

from distill.library import Library

CONTRACT = ["source", "model", "language", "tldr", "insights", "qa", "takeaways", "chapters"]
GLACIERS = [
    "Today we talk about how glaciers shape mountain valleys.",
    "A glacier is a river of ice that moves slowly downhill under its own weight.",
    "As the glacier moves, rocks frozen into the ice scrape the valley floor like sandpaper.",
    "Over thousands of years the glacier carves a deep valley with a U shape.",
    "Rivers cut narrow valleys with a V shape instead, so the shape tells geologists what happened.",
    "When the climate warms, the glacier melts back and leaves piles of rock called moraines.",
    "Meltwater from the glacier carries fine sediment that colours the lakes below a milky blue.",
    "What happens when a glacier reaches the sea?",
    "Big blocks of ice break off the glacier and float away as icebergs.",
    "Scientists measure glaciers every year to see how fast they are shrinking.",
    "Most mountain glaciers have lost a large share of their ice in the last century.",
    "So glaciers are slow, but over time they move mountains.",
]


def _write_talks(tmp_path: Path, to_srt, bees) -> tuple[Path, Path]:
    honey = tmp_path / "honey-bees.en.srt"
    honey.write_text(to_srt(bees), encoding="utf-8")
    ice = tmp_path / "glaciers.srt"
    # Untrusted text: Rich markup in a transcript must be shown, not interpreted.
    ice.write_text(to_srt([*GLACIERS[:-1], "[bold]So glaciers[/bold] are slow."]), encoding="utf-8")
    return honey, ice


def _starts(srt_text: str) -> set[float]:
    starts = set()
    for line in srt_text.splitlines():
        if "-->" in line:
            h, m, rest = line.split(" --> ")[0].split(":")
            s, ms = rest.split(",")
            starts.add(int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000)
    return starts


def test_summarize_json_many_sources_and_library(cli, tmp_path: Path, to_srt, bees) -> None:
    honey, ice = _write_talks(tmp_path, to_srt, bees)
    result = cli("summarize", str(honey), str(ice), "--format", "json")
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(objects) == 2
    for obj, path in zip(objects, (honey, ice), strict=True):
        assert list(obj) == CONTRACT
        assert obj["model"] == "builtin" and obj["language"] == "en"
        assert obj["source"]["kind"] == "captions"
        starts = _starts(path.read_text())
        for section in ("insights", "qa", "takeaways", "chapters"):
            assert obj[section], section
            assert all(item["start"] in starts for item in obj[section])
    assert "honey" in objects[0]["tldr"].lower()
    assert "glacier" in objects[1]["tldr"].lower()
    # stored in the library: transcript and summary
    library = Library()
    try:
        for obj in objects:
            video_id = obj["source"]["id"]
            assert library.has_video(video_id)
            stored = library.get_summary(video_id, model="builtin")
            assert stored is not None and stored.tldr == obj["tldr"]
    finally:
        library.close()
    # ask by library id, as JSON
    asked = cli(
        "ask",
        objects[1]["source"]["id"],
        "What happens when a glacier reaches the sea?",
        "--format",
        "json",
    )
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert list(answer) == ["answer", "citations"]
    assert "iceberg" in answer["answer"].lower()
    assert answer["citations"] and all(
        c["start"] in _starts(ice.read_text()) for c in answer["citations"]
    )


def test_summarize_out_dir_markdown_and_a_failing_source(cli, tmp_path: Path, to_srt, bees) -> None:
    honey, ice = _write_talks(tmp_path, to_srt, bees)
    out = tmp_path / "out"
    missing = tmp_path / "missing.srt"
    result = cli("summarize", str(honey), str(missing), str(ice), "--out", str(out))
    assert result.returncode != 0
    assert "missing.srt" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["glaciers.json", "honey-bees.json"]
    data = json.loads((out / "honey-bees.json").read_text())
    assert list(data) == CONTRACT and data["tldr"]
    md = cli("summarize", str(ice), "--format", "markdown", "--out", str(out))
    assert md.returncode == 0, md.stderr
    text = (out / "glaciers.md").read_text()
    assert text.startswith("# Glaciers")
    for heading in ("## TL;DR", "## Key Insights", "## Questions & Answers", "## Chapters"):
        assert heading in text


def test_summarize_text_view_and_dry_run(cli, tmp_path: Path, to_srt, bees) -> None:
    _, ice = _write_talks(tmp_path, to_srt, bees)
    dry = cli("summarize", str(ice), "--dry-run")
    assert dry.returncode == 0 and "no model calls" in dry.stdout
    library = Library()
    try:
        assert library.count_videos() == 0  # a dry run saves nothing
    finally:
        library.close()
    result = cli("summarize", str(ice))
    assert result.returncode == 0, result.stderr
    for section in ("TL;DR", "Key insights", "Questions & answers", "Chapters"):
        assert section in result.stdout
    assert "[00:" in result.stdout  # times as mm:ss
    assert "glacier" in result.stdout.lower()


def test_terminal_view_shows_markup_in_transcripts_literally() -> None:
    from distill.cli.output import console, print_summary
    from distill.domain import QA, Insight, SourceRef, Summary

    summary = Summary(
        source=SourceRef(kind="captions", id="x", title="[red]Title[/red]"),
        tldr="Use [bold]markup[/bold] carefully.",
        insights=[Insight(emoji="💡", text="[link=http://evil]click[/link]", start=61.0)],
        qa=[QA(question="What is [i]this[/i]?", answer="An [u]answer[/u].", start=None)],
    )
    with console.capture() as captured:
        print_summary(summary)
    out = captured.get()
    for literal in (
        "[red]Title[/red]",
        "[bold]markup[/bold]",
        "[link=http://evil]click[/link]",
        "[i]this[/i]",
        "[u]answer[/u]",
    ):
        assert literal in out
    assert "[01:01]" in out
