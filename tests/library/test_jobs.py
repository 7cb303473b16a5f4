"""Durable jobs in the library, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from distill.errors import NotFoundError
from distill.library import Library


def test_jobs_dedupe_and_lifecycle(lib: Library) -> None:
    a = lib.create_job("https://youtu.be/x", params={"model": "builtin", "lang": None})
    assert (
        a.status == "queued"
        and a.progress == 0.0
        and a.params == {"model": "builtin", "lang": None}
    )
    assert (
        lib.create_job("https://youtu.be/x", params={"lang": None, "model": "builtin"}).id == a.id
    )
    b = lib.create_job("https://youtu.be/x", params={"model": "other"})
    assert b.id != a.id
    assert lib.create_job("https://youtu.be/x").id not in {a.id, b.id}

    lib.update_job(a.id, stage="transcribe", progress=1.7, message="halfway")
    got = lib.get_job(a.id)
    assert (got.stage, got.progress, got.message) == ("transcribe", 1.0, "halfway")
    assert got.updated_at >= got.created_at and got.created_at.tzinfo is not None
    lib.update_job(a.id, status="done", video_id="vid00000001")
    assert lib.get_job(a.id).status == "done"
    # Finished: the same request queues a fresh job.
    again = lib.create_job("https://youtu.be/x", params={"model": "builtin", "lang": None})
    assert again.id != a.id

    with pytest.raises(ValueError):
        lib.update_job(a.id, status="exploded")
    with pytest.raises(TypeError):
        lib.update_job(a.id, colour="red")
    with pytest.raises(NotFoundError):
        lib.update_job("nope", status="done")
    with pytest.raises(NotFoundError):
        lib.get_job("nope")
    assert [j.id for j in lib.list_jobs(status="done")] == [a.id]
    assert [j.id for j in lib.list_jobs()][0] == again.id


def test_claim_oldest_first_and_requeue(lib: Library) -> None:
    ids = [lib.create_job(f"source-{i}").id for i in range(4)]
    first = lib.claim_next_job()
    second = lib.claim_next_job()
    assert first is not None and second is not None
    assert [first.id, second.id] == ids[:2]
    assert first.status == "running"
    assert lib.requeue_interrupted() == 2
    assert {j.id for j in lib.list_jobs(status="queued")} == set(ids)
    claimed = [lib.claim_next_job() for _ in range(5)]
    assert [j.id if j else None for j in claimed] == [*ids, None]


def test_claims_and_creates_are_atomic_across_connections(db_url: str) -> None:
    libs = [Library(db_url) for _ in range(4)]
    try:
        ids = {libs[0].create_job(f"s{i}").id for i in range(24)}
        claimed: list[str] = []
        errors: list[BaseException] = []

        def worker(lib: Library) -> None:
            try:
                while (job := lib.claim_next_job()) is not None:
                    claimed.append(job.id)
            except BaseException as exc:  # surfaced by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(lib,)) for lib in libs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert sorted(claimed) == sorted(ids)  # every job exactly once

        created: list[str] = []

        def create(lib: Library) -> None:
            created.append(lib.create_job("same-source", params={"k": 1}).id)

        threads = [threading.Thread(target=create, args=(lib,)) for lib in libs for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(created) == 8 and len(set(created)) == 1
    finally:
        for lib in libs:
            lib.close()


def test_copies_of_one_upload_make_one_job_even_when_concurrent(db_url: str) -> None:
    # Each upload copy has its own path; `same_as` (its content hash) is what makes them one.
    libs = [Library(db_url) for _ in range(4)]
    try:
        created: list[tuple[str, str]] = []

        def create(lib: Library, i: int) -> None:
            job = lib.create_job(f"/uploads/{i}/talk.srt", params={"sha": "ab"}, same_as="ab")
            created.append((job.id, job.source))

        threads = [threading.Thread(target=create, args=(lib, i)) for i, lib in enumerate(libs * 2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(created) == 8 and len({job_id for job_id, _ in created}) == 1
        assert len(libs[0].list_jobs()) == 1
    finally:
        for lib in libs:
            lib.close()


def test_retrying_a_failed_job_gives_the_one_already_doing_that_work(lib: Library) -> None:
    failed = lib.create_job("https://youtu.be/x")
    lib.update_job(failed.id, status="failed", error="network down")
    fresh = lib.create_job("https://youtu.be/x")  # the same work queued again meanwhile
    assert fresh.id != failed.id
    assert lib.requeue_failed_job(failed.id).id == fresh.id
    assert lib.get_job(failed.id).status == "failed"
    lib.update_job(fresh.id, status="done")
    again = lib.requeue_failed_job(failed.id)
    assert (again.id, again.status, again.error) == (failed.id, "queued", None)
    assert lib.requeue_failed_job(fresh.id).status == "done"  # only failed jobs are requeued
    with pytest.raises(NotFoundError):
        lib.requeue_failed_job("nope")


def test_the_most_urgent_job_is_claimed_first_then_the_oldest(lib: Library) -> None:
    batch = [lib.create_job(f"https://youtu.be/batch{n}").id for n in range(3)]
    person = lib.create_job("https://youtu.be/mine", priority=10)
    assert person.priority == 10
    claimed = [lib.claim_next_job() for _ in range(4)]
    assert [j.id for j in claimed if j] == [person.id, *batch]
    assert lib.claim_next_job() is None


def test_finished_jobs_since_a_moment(lib: Library) -> None:
    from distill.library.database import utcnow

    a = lib.create_job("https://youtu.be/a")
    b = lib.create_job("https://youtu.be/b")
    lib.update_job(a.id, status="done", video_id="vid00000001")
    since = utcnow()
    lib.update_job(b.id, status="failed", error="no")
    assert [j.id for j in lib.finished_jobs(since)] == [b.id]
