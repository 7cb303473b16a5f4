"""The command line as a user meets it: help, schema, light imports, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys

from distill.domain import Summary

HEAVY = [
    "yt_dlp",
    "youtube_transcript_api",
    "faster_whisper",
    "llama_cpp",
    "openai",
    "anthropic",
    "ctranslate2",
    "numpy",
]


def test_help_lists_every_command(cli):
    result = cli("--help")
    assert result.returncode == 0, result.stderr
    for command in [
        "summarize",
        "ask",
        "transcript",
        "add",
        "list",
        "show",
        "search",
        "rm",
        "schema",
        "transcribe",
        "serve",
    ]:
        assert command in result.stdout


def test_import_and_help_do_not_pull_heavy_dependencies():
    code = (
        "import sys\n"
        "import distill, distill.cli\n"
        "from distill.cli import app\n"
        "try:\n"
        "    app(['--help'], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('LOADED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    loaded = proc.stdout.strip().splitlines()[-1].removeprefix("LOADED:")
    assert loaded == "", f"`distill --help` imported heavy modules: {loaded}"


def test_schema_is_the_summary_json_schema(cli):
    result = cli("schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema == Summary.model_json_schema()
    assert {"tldr", "insights", "qa", "takeaways", "chapters", "source", "model"} <= set(
        schema["properties"]
    )


def test_unknown_source_is_one_clear_sentence(cli):
    result = cli("transcript", "definitely not a source")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")


def test_show_unknown_id_fails_clearly(cli):
    result = cli("show", "no-such-video")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "no-such-video" in result.stderr
