"""The built-in summarizer and `ask` on talks with known content, and on the real eval data."""

from __future__ import annotations

import json

from distill.domain import Chapter, Segment, Transcript, VideoMeta
from distill.sources import resolve
from distill.summarize import ask, summarize
from distill.summarize.text.cleanup import clean, polish
from distill.summarize.text.language import detect_language
from distill.summarize.text.units import build_units
from distill.summarize.text.words import Lexicon, stem
from tests.conftest import eval_dir_or_skip


def test_tldr_names_the_key_terms_of_a_known_topic(make_transcript, check_summary, bees) -> None:
    t = make_transcript(bees)
    s = summarize(t)
    check_summary(t, s)
    tldr = s.tldr.lower()
    assert "honey" in tldr
    assert sum(term in tldr for term in ("nectar", "bees", "colony", "honeycomb")) >= 1
    assert 2 <= tldr.count(".") + tldr.count("?") <= 3
    assert "um," not in tldr and "uh," not in tldr and "you know" not in tldr
    # the speaker's own questions come back with their answers
    questions = [q.question for q in s.qa]
    assert "How do bees find the best flowers?" in questions
    answer = next(q.answer for q in s.qa if q.question == "How do bees find the best flowers?")
    assert "waggle dance" in answer
    assert 3 <= len(s.qa) <= 6
    assert 6 <= len(s.insights) <= 8
    assert len(s.chapters) >= 2 and s.chapters[0].start == 0.0
    assert len({c.title for c in s.chapters}) == len(s.chapters)


def test_fillers_speakers_and_repeats_are_removed_but_times_kept() -> None:
    assert clean("Um, so the the vaccine is, uh, safe") == "so the vaccine is, safe"
    assert clean("I I said we we should go") == "I said we should go"
    assert clean("I I think we we should go") == "we should go"  # a hedge says nothing
    assert polish("and so the cell divides") == "The cell divides."
    t = Transcript(
        meta=VideoMeta(kind="captions", id="x", title="x"),
        segments=[
            Segment(start=1.0, end=2.0, text="Alice: Um, the glacier, uh, moves slowly."),
            Segment(start=3.5, end=5.0, text="[Music] >> It carves the valley."),
        ],
    )
    units = build_units(t, Lexicon("en"))
    assert [(u.text, u.start) for u in units] == [
        ("The glacier, moves slowly.", 1.0),
        ("It carves the valley.", 3.5),
    ]
    assert units[0].speaker == "Alice"


def test_unpunctuated_captions_become_units_by_pauses_and_length() -> None:
    words = str.split(
        "the river carries sediment down from the mountain into the wide valley below"
    )
    segments = [
        Segment(start=i * 2.0, end=i * 2.0 + 1.8, text=" ".join(words[(i * 4) % 12 :][:4]))
        for i in range(30)
    ]
    t = Transcript(meta=VideoMeta(kind="youtube", id="abcdefghijk", title="t"), segments=segments)
    units = build_units(t, Lexicon("en"))
    assert 3 <= len(units) <= 20
    assert all(u.n_words <= 45 for u in units)
    starts = {s.start for s in segments}
    assert all(u.start in starts for u in units)


def test_stemmer_merges_word_forms() -> None:
    assert stem("vaccines") == stem("vaccine")
    assert stem("running") == stem("run")
    assert stem("studies") == stem("study")
    assert stem("transformations") == stem("transformation")


def test_language_is_detected_and_other_languages_do_not_crash(check_summary) -> None:
    spanish = [
        "Las abejas transforman el néctar de las flores en miel dentro de la colmena.",
        "La miel es el alimento que mantiene viva a la colonia durante el invierno.",
        "Las obreras recogen el néctar y lo llevan a la colmena en su estómago.",
        "En la colmena, otras abejas añaden enzimas y secan el néctar con sus alas.",
        "Cuando la miel está lista, las abejas cierran cada celda con cera.",
    ] * 5
    assert detect_language(" ".join(spanish)) == "es"
    t = Transcript(
        meta=VideoMeta(kind="captions", id="es", title="Abejas"),
        segments=[Segment(start=i * 3.0, end=i * 3.0 + 2, text=s) for i, s in enumerate(spanish)],
    )
    s = summarize(t)
    assert s.language == "es"
    check_summary(t, s)
    assert "miel" in s.tldr.lower() or "abejas" in s.tldr.lower()
    chinese = Transcript(
        meta=VideoMeta(kind="captions", id="zh", title="Z"),
        segments=[Segment(start=0.0, end=2.0, text="蜜蜂把花蜜变成蜂蜜。蜂蜜是蜜蜂冬天的食物。")],
    )
    assert summarize(chinese).language == "zh"


def test_video_chapters_are_preferred_and_snapped_to_segment_starts(make_transcript, bees) -> None:
    t = make_transcript(bees)
    t.meta.chapters = [Chapter(title="Nectar", start=0.0), Chapter(title="Dance", start=81.0)]
    s = summarize(t)
    assert [c.title for c in s.chapters] == ["Nectar", "Dance"]
    assert s.chapters[1].start == 84.0  # the first segment at or after 1:21


def test_ask_finds_the_passage_and_cites_its_time(make_transcript, bees) -> None:
    t = make_transcript(bees)
    a = ask(t, "How do the bees remove water from the nectar?")
    assert a.found and a.citations
    assert "fan their wings" in a.answer or "evaporate" in a.answer
    starts = {seg.start for seg in t.segments}
    assert all(c.start in starts for c in a.citations)
    assert len({c.start for c in a.citations}) == len(a.citations)
    missing = ask(t, "Who won the football match?")
    assert not missing.found and missing.citations == []
    # the same words at other times are another transcript: citations follow the new times
    later = make_transcript(bees, step=10.0)
    moved = ask(later, "How do the bees remove water from the nectar?")
    assert {c.start for c in moved.citations} <= {seg.start for seg in later.segments}
    assert [c.start for c in moved.citations] != [c.start for c in a.citations]


def test_real_captions_and_meetings_keep_every_invariant(check_summary) -> None:
    captions = sorted(eval_dir_or_skip("channel-dev").glob("*.srt"))[:6]
    meetings = sorted(eval_dir_or_skip("meetings-dev").glob("*.txt"))[:3]
    assert captions and meetings
    for path in [*captions, *meetings]:
        t = resolve(str(path))
        s = summarize(t)
        check_summary(t, s)
        assert s.tldr and s.insights and s.takeaways and s.chapters, path.name
        # Questions only where the talk has real ones: none is a template.
        assert not any(q.question.startswith("What is said about") for q in s.qa)
        assert s.model_dump() == summarize(t).model_dump()
    refs = [json.loads(line) for line in (meetings[0].parent / "refs.jsonl").open()]
    first = refs[0]
    t = resolve(str(meetings[0].parent / first["file"]))
    answer = ask(t, first["qa"][0]["question"])
    assert answer.found and answer.answer and answer.citations
