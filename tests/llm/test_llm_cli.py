"""`distill models` and `distill translate` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from distill.domain import Transcript
from distill.summarize import summarize
from tests.llm.helpers import Replay


def _store(transcript: Transcript) -> tuple[str, Any]:
    from distill.library import Library

    summary = summarize(transcript)
    library = Library()
    try:
        video_id = library.save_transcript(transcript)
        library.save_summary(video_id, summary)
    finally:
        library.close()
    return video_id, summary


def test_models_lists_builtin_configured_and_server_models(cli: Any, llama_server: str) -> None:
    result = cli(
        "models",
        "--format",
        "json",
        env={
            "OPENAI_BASE_URL": llama_server,
            "DISTILL_MODEL": "openai:smollm2",
            "OLLAMA_HOST": "127.0.0.1:9",
        },
    )
    assert result.returncode == 0, result.stderr
    rows = {r["model"]: r for r in json.loads(result.stdout)}
    assert rows["builtin"]["status"] == "ready"
    assert rows["openai:smollm2"]["status"] in ("configured", "reachable")
    assert any(m.startswith("openai:") and r["status"] == "reachable" for m, r in rows.items())
    assert rows["ollama:*"]["status"].startswith("Ollama unreachable")


def test_translate_with_builtin_says_a_model_is_needed(
    cli: Any, distill_home: Path, short_transcript: Transcript
) -> None:
    video_id, _ = _store(short_transcript)
    result = cli("translate", video_id, "--to", "es")
    assert result.returncode != 0
    assert "needs a model" in result.stderr and "--model" in result.stderr
    assert "Traceback" not in result.stderr


def test_translate_stores_the_summary_in_the_other_language(
    cli: Any, distill_home: Path, short_transcript: Transcript, tmp_path: Path
) -> None:
    from distill.library import Library

    video_id, summary = _store(short_transcript)
    n = (
        1
        + len(summary.insights)
        + 2 * len(summary.qa)
        + len(summary.takeaways)
        + len(summary.chapters)
    )
    reply = {
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
        "content": [{"type": "tool_use", "id": "t1", "name": "reply",
                     "input": {"items": [{"id": i, "text": f"es-{i}"} for i in range(1, n + 1)]}}],
        "stop_reason": "tool_use", "stop_sequence": None,
        "usage": {"input_tokens": 800, "output_tokens": 500},
    }  # fmt: skip
    recording = tmp_path / "translate.json"
    recording.write_text(
        json.dumps(
            [{"request": {"path": "/v1/messages"}, "response": {"status": 200, "body": reply}}]
        )
    )
    server = Replay(recording)
    try:
        result = cli(
            "translate", video_id, "--to", "es", "--format", "json",
            "--model", f"anthropic:claude-haiku-4-5?base_url={server.url}",
            env={"ANTHROPIC_API_KEY": "sk-ant-test"},
        )  # fmt: skip
    finally:
        server.close()
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["language"] == "es" and out["tldr"] == "es-1"
    assert [i["start"] for i in out["insights"]] == [i.start for i in summary.insights]
    assert "translation: 1 calls, 800 prompt + 500 completion tokens" in result.stderr
    library = Library()
    try:
        assert "es" in library.summary_languages(video_id)
        stored = library.get_summary(video_id, language="es")
        assert stored is not None and stored.tldr == "es-1"
    finally:
        library.close()
    # Stored now: asking again needs no model and no server.
    again = cli("translate", video_id, "--to", "es", "--format", "json")
    assert again.returncode == 0 and json.loads(again.stdout)["tldr"] == "es-1"


def test_dry_run_prints_the_plan_without_calling_or_saving(
    cli: Any, distill_home: Path, tmp_path: Path
) -> None:
    from distill.library import Library
    from tests.llm.helpers import VACCINES

    srt = tmp_path / "vaccines.srt"
    srt.write_text(
        "\n".join(
            f"{i + 1}\n00:00:{i * 5:02d},000 --> 00:00:{i * 5 + 4:02d},500\n{text}\n"
            for i, text in enumerate(VACCINES)
        )
    )
    # Nothing listens on port 9: a dry run must not need the server.
    model = "openai:gpt-4o-mini?base_url=http://127.0.0.1:9/v1"
    result = cli("summarize", str(srt), "--model", model, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "calls: 1" in result.stdout and "prompt tokens: ~" in result.stdout
    assert "estimated cost: $" in result.stdout
    library = Library()
    try:
        assert library.count_videos() == 0
    finally:
        library.close()


def test_builtin_summary_in_another_language_needs_a_model(
    cli: Any, distill_home: Path, tmp_path: Path
) -> None:
    from tests.llm.helpers import VACCINES

    srt = tmp_path / "vaccines.srt"
    srt.write_text(
        "\n".join(
            f"{i + 1}\n00:00:{i * 5:02d},000 --> 00:00:{i * 5 + 4:02d},500\n{text}\n"
            for i, text in enumerate(VACCINES)
        )
    )
    result = cli("summarize", str(srt), "--lang", "es")
    assert result.returncode == 1
    assert "needs a model" in result.stderr and "DISTILL_MODEL" in result.stderr
    assert cli("summarize", str(srt), "--lang", "en").returncode == 0
