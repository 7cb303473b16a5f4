"""--title, --channel and --url on `summarize` and `add`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.sources.test_metadata import SRT


def test_summarize_and_add_take_title_channel_and_url(cli, tmp_path: Path):
    srt = tmp_path / "eulers-formula-poem.srt"
    srt.write_text(SRT, encoding="utf-8")
    done = cli(
        "summarize", str(srt), "--format", "json", "--title", "Euler's identity",
        "--channel", "Poetry Corner", "--url", "https://example.org/euler",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    source = json.loads(done.stdout)["source"]
    assert source["title"] == "Euler's identity" and source["channel"] == "Poetry Corner"
    assert source["url"] == "https://example.org/euler"
    listed = json.loads(cli("list", "--format", "json").stdout)
    assert [(v["title"], v["channel"]) for v in listed] == [("Euler's identity", "Poetry Corner")]

    other = tmp_path / "second.srt"
    other.write_text(SRT.replace("Euler", "Gauss"), encoding="utf-8")
    added = cli("add", str(other), "--title", "Gauss, briefly", "--channel", "Poetry Corner")
    assert added.returncode == 0, added.stderr and "Gauss, briefly" in added.stdout
    channel = json.loads(cli("list", "--channel", "Poetry Corner", "--format", "json").stdout)
    assert {v["title"] for v in channel} == {"Euler's identity", "Gauss, briefly"}


def test_bad_title_channel_or_url_is_one_sentence(cli, tmp_path: Path):
    srt = tmp_path / "talk.srt"
    srt.write_text(SRT, encoding="utf-8")
    for args in (
        ("summarize", str(srt), "--url", "javascript:alert(1)"),
        ("add", str(srt), "--title", "  "),
        ("summarize", str(srt), str(srt), "--title", "Both"),
    ):
        result = cli(*args)
        assert result.returncode == 1, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert json.loads(cli("list", "--format", "json").stdout) == []
