"""`distill summarize` of many local files: worker processes make, this one stores; the library
holds exactly what summarizing the files one at a time stores."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from distill import service_batch
from distill.errors import DistillError
from distill.library import Library
from distill.service import Distill, Summarized
from tests.conftest import eval_dir_or_skip


def _captions(folder: Path, count: int) -> list[str]:
    """`count` real caption files of the channel-dev eval set, copied under names of their own."""
    source = eval_dir_or_skip("channel-dev")
    folder.mkdir()
    out = []
    for n, path in enumerate(sorted(source.glob("*.en.srt"))[:count]):
        copy = folder / f"talk{n}.en.srt"
        shutil.copyfile(path, copy)
        out.append(str(copy))
    return out


def _stored(lib: Library) -> dict[str, tuple[object, ...]]:
    """Per video: its transcript's segments, its summaries, its passages with their vectors."""
    out: dict[str, tuple[object, ...]] = {}
    with lib.engine.connect() as conn:
        for video_id in sorted(lib.video_ids()):
            passages = conn.execute(
                sa.text(
                    'SELECT kind, start, "end", text, vector FROM passages '
                    "WHERE video_id = :v ORDER BY id"
                ),
                {"v": video_id},
            ).all()
            segments = [s.model_dump() for s in lib.get_transcript(video_id).segments]
            summaries = [s.model_dump() for s in lib.list_summaries(video_id)]
            out[video_id] = (segments, summaries, [tuple(p) for p in passages])
    return out


def test_the_batch_stores_what_one_at_a_time_stores(tmp_path: Path, distill_home: Path) -> None:
    files = _captions(tmp_path / "captions", 9)
    one_by_one = Library(f"sqlite:///{tmp_path / 'one.db'}")
    with Distill(one_by_one) as service:
        for f in files:
            service.summarize(f)
    batched = Library(f"sqlite:///{tmp_path / 'batch.db'}")
    with Distill(batched) as service:
        assert service.batch_workers(files) == min(2, len(os.sched_getaffinity(0)))
        results = list(service.summarize_many(files, workers=2))
    assert [source for source, _ in results] == files
    assert all(isinstance(r, Summarized) for _, r in results)
    expected, got = _stored(one_by_one), _stored(batched)
    assert len(got) == 9 and got == expected
    assert all(passages and passages[0][4] is not None for _, _, passages in got.values())


def test_a_bad_file_fails_alone_and_a_file_named_twice_is_stored_once(
    tmp_path: Path, distill_home: Path
) -> None:
    files = _captions(tmp_path / "captions", 8)
    bad = tmp_path / "captions" / "broken.srt"
    bad.write_text("1\n00:00:01,000 --> 00:00:00,500\n\n\n", encoding="utf-8")
    sources = [files[0], str(bad), *files[1:], files[0]]
    with Distill() as service:
        results = list(service.summarize_many(sources, workers=2))
        stored = service.library.video_ids()
    assert [s for s, _ in results] == sources
    failed = [s for s, r in results if isinstance(r, DistillError)]
    assert failed == [str(bad)]
    assert str(results[1][1]).endswith(".") and "\n" not in str(results[1][1])  # one sentence
    assert len(stored) == 8
    first, again = results[0][1], results[-1][1]
    assert isinstance(first, Summarized) and isinstance(again, Summarized)
    assert again.video_id == first.video_id


def test_the_cli_summarizes_a_folder_in_parallel_and_names_each_failure(
    tmp_path: Path, distill_home: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    files = _captions(tmp_path / "captions", 8)
    bad = tmp_path / "captions" / "empty.srt"
    bad.write_text("", encoding="utf-8")
    # TTY_COMPATIBLE=1: the progress bar runs (on stderr) while the summaries are printed; they
    # still go to stdout, which is not a terminal here (a file, a pipe).
    result = cli("summarize", "--format", "json", *files, str(bad), env={"TTY_COMPATIBLE": "1"})
    assert result.returncode == 1
    assert f"error: {bad}:" in result.stderr
    assert "1 of 9 sources failed" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.count('"tldr"') == 8
    with Distill() as service:
        assert len(service.library.video_ids()) == 8


def test_few_files_a_model_or_a_url_summarize_one_at_a_time(
    tmp_path: Path, distill_home: Path
) -> None:
    files = _captions(tmp_path / "captions", 8)
    with Distill() as service:
        assert service.batch_workers(files[:7]) == 0
        assert service.batch_workers(files, "openai:gpt-4o-mini") == 0
        assert service.batch_workers([*files, "https://www.youtube.com/watch?v=dQw4w9WgXcQ"]) == 0
        assert service.batch_workers(files) == min(2, len(os.sched_getaffinity(0)))


def test_summarizing_stored_files_again_keeps_their_highlights_searchable(
    tmp_path: Path, distill_home: Path
) -> None:
    files = _captions(tmp_path / "captions", 8)
    libraries = []
    for name, batched in (("one.db", False), ("batch.db", True)):
        lib = Library(f"sqlite:///{tmp_path / name}")
        with Distill(lib) as service:
            for _ in range(2):  # the second time, every file is a stored video
                if batched:
                    assert all(
                        isinstance(r, Summarized)
                        for _, r in service.summarize_many(files, workers=2)
                    )
                else:
                    for f in files:
                        service.summarize(f)
                if not lib.list_highlights():
                    first = sorted(lib.video_ids())[0]
                    service.add_highlight(first, 10.0, 20.0, note="the part to remember")
        libraries.append(lib)
    one, batch = (_stored(lib) for lib in libraries)
    assert batch == one
    kinds = {p[0] for passages in (v[2] for v in batch.values()) for p in passages}
    assert "highlight" in kinds


def test_a_worker_that_dies_ends_the_batch_in_one_sentence(
    tmp_path: Path, distill_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies_after_one(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        yield DistillError("The first file has no captions.")
        raise service_batch.WorkersStopped("A worker process summarizing the files stopped.")

    monkeypatch.setattr(service_batch, "_prepared_in_order", dies_after_one)
    sources = [str(tmp_path / f"f{n}.srt") for n in range(3)]
    seen = []
    with (
        Distill() as service,
        pytest.raises(service_batch.WorkersStopped, match="^A worker process"),
    ):
        for source, result in service.summarize_many(sources, workers=2):
            seen.append((source, str(result)))
    assert seen == [(sources[0], "The first file has no captions.")]
