"""Grounding without a model: the support test, citations kept/repaired/dropped, a reply verified."""

from __future__ import annotations

from pathlib import Path

from distill.domain import Transcript
from distill.llm import get_model
from distill.llm.cache import ResultCache
from distill.summarize.builtin.summary import summary_of
from distill.summarize.llm.calls import Ledger
from distill.summarize.llm.grounding import Grounder, Located, Screen, supports
from distill.summarize.llm.pipeline import _Run, _summary_prompt, page_of
from distill.summarize.llm.schemas import PAGE, SummaryReply
from distill.summarize.llm.verify import check_reply
from distill.summarize.text.analysis import Analysis

MEMORY = "Memory cells remain in the blood for years after the first exposure."


def test_support_needs_most_words_and_every_number_name_and_quoted_term() -> None:
    passage = [
        "Measles needs about ninety five percent coverage for herd immunity.",
        "Dr Alvarez calls it “the herd effect” in her lectures.",
    ]
    assert supports("Herd immunity against measles needs about 95% coverage.", passage)
    assert supports("The speaker explains that measles needs high coverage.", passage)
    # The words are there, but not the number, the name or the quoted term.
    changed = supports("Measles needs about 90 percent coverage for herd immunity.", passage)
    assert not changed and changed.reason == "number" and changed.missing == ("90",)
    swapped = supports("Dr Chen calls it the herd effect.", passage)
    assert not swapped and swapped.reason == "name" and swapped.missing == ("chen",)
    quoted = supports("Dr Alvarez calls it “the crowd effect” in her lectures.", passage)
    assert not quoted and quoted.reason == "quote"
    assert supports("Dr Alvarez calls it “the herd effect”.", passage)
    # Two shared words are not support; words that only describe a summary are no content.
    assert supports("Measles coverage decides the price of gold in ancient Rome.", passage).reason
    assert supports("The video talks about it.", passage).reason == "empty"
    # Who said it: speakers' names in the passage count, and spelled-out acronyms are words.
    said = ["Marketing: The L_C_D_ screen is cheaper than speech recognition."]
    assert supports("Marketing said an LCD screen is cheaper than speech recognition.", said)
    assert supports("The Sales team said an LCD screen is cheaper.", said).reason == "name"


def test_citations_are_kept_repaired_to_a_supporting_passage_or_dropped(
    long_transcript: Transcript,
) -> None:
    g = Grounder(Analysis(long_transcript))
    bees = "Honey bees dance to show their sisters where the flowers are."
    assert g.locate(bees, 1) == Located(0, "grounded")
    # Cited the wrong sentence: moved to a sentence that says it.
    moved = g.locate(bees, 100)
    assert moved.verdict == "repaired" and moved.unit is not None
    assert "dance" in long_transcript.segments[moved.unit].text
    # A number the transcript does not say: dropped, even where everything else is said.
    wrong = g.locate("A colony keeps its brood nest at forty degrees all year.", 3)
    assert wrong == Located(None, "dropped", "number")
    # Never moved to a sentence that merely shares two words with it.
    two = g.locate("Bees and flowers decide the economics of modern banking systems.", 30)
    assert two == Located(None, "dropped", "words")
    assert g.locate("", 3) == Located(None, "dropped", "empty")


def test_echo_reuse_and_titles_of_nothing_are_rejected_as_such() -> None:
    screen = Screen(
        '"tldr": 2-3 sentences on what the whole video says. Use only what the transcript says.',
        "How vaccines work",
        "en",
    )
    assert screen.screen_text("2-3 sentences on what the whole video says.") == "echo"
    assert screen.screen_text("Vaccines train the immune system.") is None
    screen.count(["A sentence said thrice."] * 3 + ["Said twice."] * 2)
    assert screen.screen_text("A sentence said thrice.") == "repeat"  # every copy of it
    assert screen.screen_text("Said twice.") is None
    assert screen.screen_text("said, twice!") == "repeat"  # the later copy only
    g = Grounder(Analysis(_vaccines()))
    assert screen.screen_item(g.item("How vaccines work.")) == "title"
    assert screen.screen_item(g.item("Vaccines train memory cells.")) is None


def test_text_cut_off_mid_phrase_is_rejected_as_such() -> None:
    # A small model's chapter titles and items often stop mid-phrase; a window of common words
    # may still "support" them, so they are caught before the support test.
    screen = Screen("Write chapters.", "How vaccines work", "en")
    assert screen.screen_text("Memory cells stay in the blood for years after the") == "cut"
    assert screen.screen_text("Vaccines help a good team of people who") == "cut"
    assert screen.screen_text("Antibodies and your.") == "cut"
    assert screen.screen_text("Memory cells stay in the blood for years.") is None
    assert screen.screen_text("What the immune system is made of") is None  # may end a title
    assert Screen("Escribe capítulos.", "Vacunas", "es").screen_text("Las vacunas y la") is None


def _vaccines() -> Transcript:
    from tests.llm.helpers import VACCINES, make_transcript

    return make_transcript(VACCINES, "How vaccines work")


def _run(transcript: Transcript) -> _Run:
    llm = get_model("openai:gpt-4o-mini?base_url=http://127.0.0.1:9/v1")
    ledger = Ledger(llm, "m", ResultCache())
    return _Run(llm, Analysis(transcript), ledger, "en", PAGE, lambda *a: None, summary_of)


def _page(run: _Run):  # type: ignore[no-untyped-def]
    numbered = run.lines.numbered(range(len(run.lines.spans)))
    chapters = run.shape.chapters_for(len(run.units))
    prompt = _summary_prompt("summary", run, chapters, numbered=numbered, candidates="")
    return page_of(run, prompt, (numbered,))


def test_a_reply_is_verified_item_by_item(distill_home: Path, short_transcript: Transcript) -> None:
    run = _run(short_transcript)
    starts = [s.start for s in short_transcript.segments]
    reply = SummaryReply.model_validate(
        {
            "tldr": "2-3 sentences on what the whole video says. Vaccines train the immune "
            "system to recognize germs. Memory cells stay in the blood for years.",
            "insights": [
                {"emoji": "🧠", "text": MEMORY, "cite": 5},
                {"emoji": "nope", "text": "A vaccine holds a weakened or partial germ.", "cite": "[2]"},
                {"emoji": "🐝", "text": "How vaccines work.", "cite": 1},
                {"emoji": "🔢", "text": "Measles needs about eighty percent coverage.", "cite": 8},
                {"emoji": "⚡", "text": "Memory cells respond within hours to the real virus.", "cite": 1},
                {"emoji": "🧪", "text": "mRNA vaccines make cells build a harmless spike protein.", "cite": 10},
            ],
            "qa": [
                {"question": "What is herd immunity for?", "answer": "It protects newborns.", "cite": 7},
            ],
            "takeaways": [
                {"text": MEMORY, "cite": 5},
                {"text": "A sore arm or mild fever shows the immune system is working.", "cite": 9},
            ],
            "chapters": [
                {"title": "Memory cells", "cite": 5},
                {"title": "Training the immune system", "cite": 1},
            ],
        }
    )  # fmt: skip
    summary, problem, stats = check_reply(_page(run), reply, own_chapters=False, final=False)
    assert problem is None and summary is not None
    # The echoed instruction is gone from the TL;DR; the rest is said in the transcript.
    assert summary.tldr == (
        "Vaccines train the immune system to recognize germs. "
        "Memory cells stay in the blood for years."
    )
    assert summary.tldr_provenance == "model"
    # The title of nothing and the invented number are dropped; a wrong citation is moved.
    assert [(i.text[:12], i.start, i.provenance, i.emoji) for i in summary.insights] == [
        ("Memory cells", starts[4], "model", "🧠"),
        ("A vaccine ho", starts[1], "model", "💡"),
        ("Memory cells", starts[5], "model-repaired", "⚡"),
        ("mRNA vaccine", starts[9], "model", "🧪"),
    ]
    # The takeaway that repeats an insight is dropped; the other stays.
    assert [t.start for t in summary.takeaways] == [starts[8]]
    assert [c.start for c in summary.chapters] == [starts[0], starts[4]]  # by time
    assert dict(stats.why) == {"echo": 1, "title": 1, "number": 1, "repeat": 1}
    assert (stats.grounded, stats.repaired, stats.builtin) == (9, 1, 0)
    assert summary.fallback_note() is None


def test_sections_that_mostly_fail_are_the_builtin_summary(
    distill_home: Path, short_transcript: Transcript
) -> None:
    run = _run(short_transcript)
    nonsense = "The summary of this note is here. It includes a list of words."
    reply = SummaryReply.model_validate(
        {
            "tldr": "2-3 sentences on what the whole video says. It is good to read the news.",
            "insights": [{"emoji": "📝", "text": nonsense, "cite": 1}] * 3
            + [{"emoji": "🧠", "text": MEMORY, "cite": 5}],
            "qa": [{"question": "What is it?", "answer": nonsense, "cite": 2}],
            "takeaways": [{"text": nonsense, "cite": 3}],
            "chapters": [{"title": "Herd immunity", "cite": 7}],
        }
    )
    page = _page(run)
    summary, problem, _ = check_reply(page, reply, own_chapters=False, final=False)
    assert summary is None and problem is not None
    assert problem.startswith("had qa and insights and takeaways the transcript does not support")
    summary, problem, stats = check_reply(page, reply, own_chapters=False, final=True)
    assert problem is None and summary is not None
    builtin = summary_of(run.analysis)
    assert summary.tldr == builtin.tldr and summary.tldr_provenance == "builtin"
    assert [i.text for i in summary.insights] == [i.text for i in builtin.insights]
    assert {i.provenance for i in [*summary.insights, *summary.qa, *summary.takeaways]} == {
        "builtin"
    }
    # The one verified chapter stays the model's.
    assert [(c.title, c.provenance) for c in summary.chapters] == [("Herd immunity", "model")]
    assert summary.builtin_sections() == ["tldr", "insights", "qa", "takeaways"]
    assert summary.fallback_note() == (
        "Most of the model's summary could not be verified against the transcript; these "
        "sections are the built-in summary: TL;DR, Key insights, Questions & answers, "
        "Key takeaways."
    )
    # An article, a PDF or a book has a text, not a transcript.
    article = summary.model_copy(
        update={"source": summary.source.model_copy(update={"kind": "article"})}
    )
    assert (article.fallback_note() or "").startswith(
        "Most of the model's summary could not be verified against the text; "
    )
    assert stats.builtin == 1 + len(summary.insights) + len(summary.qa) + len(summary.takeaways)
    contract = summary.contract()
    assert contract["tldr_provenance"] == "builtin"
    assert contract["insights"][0]["provenance"] == "builtin"
    # A summary in another language than the transcript's has no built-in stand-in: refused.
    run.language = "es"
    summary, problem, _ = check_reply(_page(run), reply, own_chapters=False, final=True)
    assert summary is None and problem is not None and problem.startswith("left qa empty")


def test_builtin_summaries_carry_no_provenance(short_transcript: Transcript) -> None:
    summary = summary_of(Analysis(short_transcript))
    data = summary.contract()
    assert "tldr_provenance" not in data
    assert all("provenance" not in i for i in data["insights"] + data["qa"] + data["chapters"])
    assert summary.fallback_note() is None


def test_asked_passages_lend_their_titles_names_to_the_test() -> None:
    from distill.summarize import ground

    passages = [
        "Bees fan the nectar with their wings until it thickens into honey.",
        "Workers cap each cell with wax once the honey is ready.",
    ]
    claims = [
        ("In Hive Farm Diaries, bees fan the nectar with their wings until it thickens.", 0),
        ("At Hive Farm, workers cap each cell with wax.", 0),
        ("Dr Okafor says bees fan the nectar with their wings.", 0),
    ]
    titles = ["Hive Farm Diaries", "Hive Farm Diaries"]
    # The model is shown each passage with its video's title: names from it are no invention.
    assert ground(passages, claims, titles=titles) == [
        (0, "grounded"),
        (1, "repaired"),
        (None, "dropped"),
    ]
    # The title's words name things; they do not make a passage say more than it does.
    assert ground(passages, [("Hive Farm Diaries explains honey prices.", 1)], titles=titles) == [
        (None, "dropped")
    ]
    assert ground(passages, claims[:1]) == [(None, "dropped")]


def test_the_title_the_model_was_shown_may_be_named() -> None:
    from tests.llm.helpers import VACCINES, make_transcript

    g = Grounder(Analysis(make_transcript(VACCINES, "Dr Alvarez on Vaccines")))
    assert g.locate("Dr Alvarez says memory cells remain in the blood for years.", 5).verdict == (
        "grounded"
    )
    # The title's names count neither for nor against the item's words.
    said = "According to Dr Alvarez, memory cells stay in the blood for years."
    assert g.locate(said, 5).verdict == "grounded"
    assert g.locate("According to Dr Alvarez, vaccines are cheap.", 5).verdict == "dropped"
    # The title's other words say what it is about: they count as any other word.
    about = Grounder(Analysis(make_transcript(VACCINES, "Autism and measles myths")))
    assert about.locate("Autism and measles stay in the blood for years.", 5).verdict == "dropped"
    # A name neither the passage nor the title has is still an invention.
    assert g.locate("Dr Chen says memory cells remain in the blood for years.", 5) == Located(
        None, "dropped", "name"
    )


def _eight_topics() -> Transcript:
    from tests.llm.helpers import FRAMES, TOPICS, make_transcript

    sentences = [
        frame + (s[0].lower() + s[1:] if frame else s)
        for topic in TOPICS.values()
        for frame in FRAMES[:2]
        for s in topic
    ]
    return make_transcript(sentences, "Eight things explained")


def test_every_clause_of_an_item_must_be_supported() -> None:
    g = Grounder(Analysis(_eight_topics()))
    volcano = "Volcanoes form where magma rises through cracks in the crust"
    assert g.locate(volcano + ".", 13).verdict == "grounded"
    # A true clause does not carry an invented one, however many words it has.
    invented = g.locate(volcano + ", and honey bees sleep underground all winter.", 13)
    assert invented == Located(None, "dropped", "words")
    # A part with one content word is no clause of its own.
    assert g.locate(volcano + ", so it erupts.", 13).verdict == "grounded"
    assert g.locate("Indeed; " + volcano + ".", 13).verdict == "grounded"
    # A list is one clause: "sand, soda ash, and lime".
    assert g.locate("Glass is made by melting sand, soda ash, and lime.", 85).verdict == "grounded"


def test_a_tldr_sentence_may_join_what_is_said_in_different_places(
    distill_home: Path,
) -> None:
    transcript = _eight_topics()
    run = _run(transcript)
    joined = (
        "Honey bees dance to tell their sisters where the flowers are, while glass is made by "
        "melting sand with soda ash."
    )
    invented = (
        "Honey bees dance to tell their sisters where the flowers are, while glass is made of "
        "frozen seawater."
    )
    reply = SummaryReply.model_validate(
        {
            "tldr": f"{joined} {invented}",
            "insights": [{"emoji": "🐝", "text": transcript.segments[0].text, "cite": 1}],
            "qa": [
                {"question": "Why does dough rise?", "answer": transcript.segments[24].text,
                 "cite": 25}
            ],
            "takeaways": [{"text": transcript.segments[12].text, "cite": 13}],
            "chapters": [],
        }
    )  # fmt: skip
    summary, problem, _ = check_reply(_page(run), reply, own_chapters=False, final=True)
    assert problem is None and summary is not None
    assert summary.tldr == joined and summary.tldr_provenance == "model"
