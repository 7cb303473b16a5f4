"""`distill migrate --to`: a SQLite library copied whole into PostgreSQL, verified, usable there."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from distill.library import Library
from distill.library.copy import checksum, copy_library, count_rows
from distill.service import Distill
from tests.library.conftest import new_postgres_db
from tests.library.test_library import make_summary, make_transcript
from tests.library.test_page_reads import fill

pytestmark = pytest.mark.postgres


def test_migrate_copies_everything_and_the_copy_works(
    cli, distill_home, postgres_server, postgres_template
):
    sqlite = Library()
    ids = fill(sqlite)
    service = Distill(sqlite)
    done = service.submit("vid00000000")
    sqlite.update_job(done.id, status="done", video_id="vid00000000")
    waiting = service.submit("vid00000001", priority=10)
    before = count_rows(sqlite)
    sqlite.close()
    url = new_postgres_db(postgres_server, template=postgres_template)

    result = cli("migrate", "--to", url)
    assert result.returncode == 0, result.stderr
    assert f"copied and verified {sum(before.values())} rows" in result.stderr
    assert "Traceback" not in result.stderr

    pg = Library(url)
    assert count_rows(pg) == before
    original = Library()
    assert checksum(pg) == checksum(original)
    assert pg.get_video(ids[4]) == original.get_video(ids[4])
    assert pg.list_summaries(ids[1]) == original.list_summaries(ids[1])
    assert pg.get_job(waiting.id).priority == 10 and pg.get_job(waiting.id).status == "queued"
    assert [h.video_id for h in pg.search("talk")] and pg.search("line 3")[0].kind == "transcript"
    # New rows get new ids after the copied ones (the counters moved on).
    t = make_transcript("vidnew00001", title="After the move")
    pg.save_transcript(t)
    pg.save_summary("vidnew00001", make_summary(t.meta))
    assert pg.count_videos() == len(ids) + 1

    again = cli("migrate", "--to", url)
    assert again.returncode == 1
    assert again.stderr.startswith("error: the target library already holds data")
    original.close()
    pg.close()


def test_a_copy_that_differs_is_refused(distill_home, postgres_server, postgres_template):
    source = Library()
    fill(source)
    target = Library(new_postgres_db(postgres_server, template=postgres_template))
    report = copy_library(source, target)
    assert report.total == sum(count_rows(source).values())
    # The checksum sees a changed value, not only a changed count.
    with target.engine.begin() as conn:
        conn.execute(sa.text("UPDATE segments SET text = text || '!' WHERE id = 3"))
    assert checksum(target) != checksum(source)
    source.close()
    target.close()
