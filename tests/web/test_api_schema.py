"""The REST API driven by Schemathesis from its own OpenAPI schema, against the real app on a real
SQLite file: no request makes a 500, and every error is the JSON error shape with its status."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from web_helpers import LOOPBACK, make_transcript

from distill.domain import Insight, SourceRef, Summary
from distill.settings import get_settings

EXAMPLES = 15  # per operation: about 200 requests in all, well under a minute


@pytest.fixture
def seeded_app(distill_home, monkeypatch) -> Iterator[object]:
    """The app over a library with two videos (one summarized), a channel and a failed job."""
    from distill.library import Library
    from distill.web import create_app

    # Schemathesis addresses the app as "testserver": allowed here like a configured public name.
    monkeypatch.setenv("DISTILL_ALLOWED_HOSTS", "testserver")
    get_settings.cache_clear()
    lib = Library()
    t = make_transcript("bees0000001", "How bees make honey")
    lib.save_transcript(t)
    lib.save_summary(
        "bees0000001",
        Summary(
            source=SourceRef.of(t.meta),
            tldr="Bees make honey from nectar.",
            insights=[Insight(emoji="🐝", text="Nectar dries into honey.", start=25.0)],
        ),
    )
    lib.save_transcript(make_transcript("ants0000001", "Ant farms", channel_id="UCants"))
    job = lib.create_job("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    lib.update_job(job.id, status="failed", error="Could not reach YouTube.")
    yield create_app(lib, worker=False)
    lib.close()


def error_shape(ctx, response, case) -> None:
    """Every 4xx answer is {"error": {"status": <its status>, "message": <a sentence>}}."""
    if response.status_code < 400:
        return
    assert response.headers.get("content-type", [""])[0].startswith("application/json"), (
        response.headers
    )
    body = json.loads(response.content)
    assert set(body) == {"error"}, body
    assert body["error"]["status"] == response.status_code, body
    message = body["error"]["message"]
    assert isinstance(message, str) and message.strip(), body


def test_every_api_operation_answers_without_a_server_error(seeded_app) -> None:
    # Driven by hand, one operation after another: the pytest plugin does not run on pytest 9.
    schema = schemathesis.openapi.from_asgi("/openapi.json", seeded_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    # Deletes last, so the other operations meet the seeded videos too.
    operations.sort(key=lambda op: op.method.upper() == "DELETE")
    job = seeded_app.state.distill.library.list_jobs()[0].id
    known = {
        "video_id": st.sampled_from(["bees0000001", "ants0000001"]),
        "channel_id": st.sampled_from(["UCtestchannel", "UCants"]),
        "job_id": st.just(job),
    }
    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(), data=st.data())
        def check(case, data) -> None:
            for name in list(case.path_parameters or {}):
                if name in known and data.draw(st.booleans(), label="use a stored id"):
                    case.path_parameters[name] = data.draw(known[name], label=name)
            case.call_and_validate(checks=[not_a_server_error, error_shape])

        check()


PAGES = ["/v/{}", "/embed/{}", "/c/{}", "/jobs/{}", "/media/{}", "/v/{}/summary.md",
         "/v/{}/summary.json", "/search?q={}", "/search?channel={}&q=bees", "/?{}",
         "/batches/{}", "/ask?q={}", "/ask?q=bees&h={}", "/highlights?q={}", "/highlights?tag={}",
         "/highlights?video={}"]  # fmt: skip
IDS = st.one_of(
    st.sampled_from(["bees0000001", "ants0000001", "UCtestchannel", "UCants"]),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="/?#"),
        min_size=1,
        max_size=30,
    ),
)


def test_pages_with_any_id_answer_without_a_server_error(seeded_app) -> None:
    from urllib.parse import quote

    from fastapi.testclient import TestClient

    with TestClient(seeded_app, base_url=LOOPBACK) as client:

        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
        @given(page=st.sampled_from(PAGES), value=IDS, lang=st.sampled_from(["", "en", "x y"]))
        def check(page: str, value: str, lang: str) -> None:
            url = page.format(quote(value, safe=""))
            if lang:
                url += ("&" if "?" in url else "?") + "lang=" + quote(lang)
            r = client.get(url)
            assert r.status_code < 500, (url, r.text[:300])
            if r.status_code >= 400:
                assert r.headers["content-type"].startswith("text/html"), url

        check()
