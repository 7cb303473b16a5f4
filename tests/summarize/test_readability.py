"""A summary you can read instead of watching: a TL;DR that stands alone and names the topic,
no letter or number lost, real questions only, on made-up and real talks."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from distill.domain import Segment, Transcript, VideoMeta
from distill.sources import resolve
from distill.summarize import summarize
from tests.conftest import eval_dir_or_skip
from tests.summarize.conftest import transcript_of

GLACIERS = [
    "It moves a few metres a year, pushed by its own weight.",
    "Glaciers are rivers of ice that form where more snow falls than melts.",
    "For example, the Aletsch glacier is twenty kilometres long and a kilometre deep in places.",
    "As a glacier slides, it grinds the rock beneath it into fine flour.",
    "That rock flour makes glacier lakes milky and turquoise.",
    "Glaciers carve U-shaped valleys, which is how we know where glaciers once were.",
    "But they are shrinking: most glaciers in the Alps have lost half their ice since 1900.",
    "It is the fastest retreat since measurements began.",
    "When a glacier melts, the rock it carried is left behind as a moraine.",
    "Or it drops huge boulders far from where they came from, called erratics.",
    "So glaciers shape mountains, feed rivers, and record the climate.",
]


def test_the_tldr_stands_alone_and_names_the_title(reader) -> None:
    t = transcript_of(GLACIERS * 2)
    t.meta.title = "How glaciers shape mountains | Earth science, part 3"
    s = summarize(t)
    assert reader.dangling_opening(s.tldr) is None, s.tldr
    assert "glacier" in s.tldr.lower()
    # A sentence that points back is shown only after the one it points to.
    sentences = [x.strip() + "." for x in s.tldr.split(".") if x.strip()]
    said = [g.rstrip(".") for g in GLACIERS]
    for before, sentence in zip(sentences, sentences[1:], strict=False):
        if reader.dangling_opening(sentence):
            assert said.index(before.rstrip(".")) + 1 == said.index(sentence.rstrip("."))


@st.composite
def talks(draw: st.DrawFn) -> Transcript:
    """Talks of sentences that often open on a pointing word, with letters and numbers."""
    openers = ["It", "They", "That", "So", "But", "Or", "Of course,", "For example,", "The", "A"]
    content = str.split("glacier valley ice rock river delta storm engine signal garden soil seed")
    symbols = ["b", "c", "x", "3", "0", "2", "t", "n", "1, 1", "3, 0", "(2, 4)"]
    glue = str.split("the a of and to in is with on by from")
    fillers = ["um", "uh", "you know,"]
    pool = st.one_of(
        st.sampled_from(content), st.sampled_from(symbols), st.sampled_from(glue),
        st.sampled_from(fillers),
    )  # fmt: skip
    sentences = draw(
        st.lists(st.tuples(st.sampled_from(openers), st.lists(pool, min_size=5, max_size=16)),
                 min_size=3, max_size=30)
    )  # fmt: skip
    segments = [
        Segment(start=4.0 * i, end=4.0 * i + 3.5, text=f"{opener} {' '.join(words)}.")
        for i, (opener, words) in enumerate(sentences)
    ]
    meta = VideoMeta(kind="captions", id="gen-1234", title=draw(st.sampled_from(content)))
    return Transcript(meta=meta, language="en", segments=segments)


PROPERTIES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@PROPERTIES
@given(t=talks())
def test_a_tldr_never_opens_on_a_word_pointing_back(t: Transcript, reader) -> None:
    standing = [s for s in t.segments if not reader.dangling_opening(s.text)]
    assume(sum(len(s.text.split()) >= 8 for s in standing) >= 1)
    s = summarize(t)
    assert reader.dangling_opening(s.tldr) is None, s.tldr


@PROPERTIES
@given(t=talks())
def test_no_item_loses_a_letter_or_number_its_sentence_had(t: Transcript, reader) -> None:
    source = reader.Source()
    for seg in t.segments:
        source.add(seg.text)
    s = summarize(t)
    for kind, text in reader.items_of(s):
        assert reader.lost_tokens(source, text) == [], (kind, text)


def _titled_channel() -> list[Transcript]:
    folder = eval_dir_or_skip("channel-dev")
    titles = {}
    for line in (folder / "videos.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            video = json.loads(line)
            titles[video["file"]] = video["title"]
    talks = []
    for path in sorted(folder.glob("*.srt")):
        t = resolve(str(path))
        if len(t.segments) >= 5:
            t.meta.title = titles[path.name]
            talks.append(t)
    return talks


def test_real_captions_read_as_a_summary(reader) -> None:
    """On the channel's real captions with their titles: no TL;DR points back at nothing, all but
    one name the topic, no item loses a letter or number."""
    stops = reader.stop_words()
    unnamed = []
    folder = eval_dir_or_skip("channel-dev")
    for t in _titled_channel():
        s = summarize(t)
        assert reader.dangling_opening(s.tldr) is None, (t.meta.title, s.tldr)
        if not reader.names_topic(s.tldr, reader.topic_stems(t.meta.title, stops)):
            unnamed.append(t.meta.title)
        source = reader.srt_words(folder / f"{t.meta.id.rsplit('-', 1)[0]}.en.srt")
        for kind, text in reader.items_of(s):
            assert reader.lost_tokens(source, text) == [], (t.meta.title, kind, text)
    assert len(unnamed) <= 1, unnamed


PROBLEM = [
    "Today we look at the brachistochrone problem and the curve it asks for.",
    "The brachistochrone problem asks for the curve of fastest descent between two points.",
    "Johann Bernoulli posed the brachistochrone problem in 1696 to the best minds of Europe.",
    "A cycloid is the curve traced by a point on the rim of a rolling wheel.",
    "To find the curve of fastest descent, Bernoulli thought about light passing through glass.",
    "When light passes from air into water, it bends towards the normal.",
    "Snell's law says the sine of the angle divided by the speed stays constant.",
    "Newton solved the problem overnight, right?",
    "Or is the straight line faster after all?",
    "Why does the cycloid win the race?",
    "The cycloid wins because the ball picks up speed early on the steep start of the curve.",
    "So the cycloid is the brachistochrone, and light had the answer all along.",
]


def test_only_real_questions_each_answered_by_the_sentence_that_says_so() -> None:
    t = transcript_of(PROBLEM * 2)
    s = summarize(t)
    asked = {q.question: q.answer for q in s.qa}
    assert 3 <= len(asked) <= 6, asked
    assert asked.get("What is a cycloid?", "").startswith("A cycloid is the curve")
    assert asked.get("Who posed the brachistochrone problem?", "").startswith("Johann Bernoulli")
    assert "How do you find the curve of fastest descent?" in asked
    # No tag question, none that opens on a word pointing back, none from a template.
    assert not any(q.endswith(", right?") or q.startswith("Or ") for q in asked)
    assert not any(q.startswith("What is said about") for q in asked)


# The questions the summarizer words itself, each from the sentence that answers it.
MADE = re.compile(
    r"^(?:What happens|Who |How do you |Why |How (?:does|do) .+ work\?|What (?:does|do) |"
    r"What (?:is|are) .+ used for\?)"
)


def test_questions_of_real_talks_are_real(reader) -> None:
    """On real captions and meetings: no template; "What is X?" is answered by a sentence that
    says X; a question the speaker asks is shown as asked."""
    meetings = sorted(eval_dir_or_skip("meetings-dev").glob("*.txt"))[:8]
    talks = [*_titled_channel(), *(resolve(str(p)) for p in meetings)]
    count = 0
    for t in talks:
        said = reader.Source()
        for seg in t.segments:
            said.add(seg.text)
        for q in summarize(t).qa:
            count += 1
            assert not reader.TEMPLATE.match(q.question), q.question
            if q.question.startswith(("What is ", "What are ")):
                x = q.question.split(" ", 2)[2].rstrip("?").removeprefix("the ")
                assert x.lower().split()[0] in q.answer.lower(), (q.question, q.answer)
            elif not MADE.match(q.question):
                assert reader.lost_tokens(said, q.question) is not None, q.question  # as asked
    assert count >= len(talks)  # about one real question a talk at least, on average


COMMITTEE = [
    "Can I welcome members to this meeting of the housing committee on social housing?",
    "The committee looks at how many social housing homes the council builds each year.",
    "How many social housing homes did the council build last year?",
    "The council built four hundred social housing homes last year, fewer than it planned.",
    "Rents in social housing went up by three percent while private rents rose faster.",
    "Can I thank the officials from the council for their evidence on social housing?",
    "The officials said the council will build six hundred social housing homes next year.",
    "Waiting lists for social housing are longest in the city centre.",
]


def test_a_request_to_speak_or_to_thank_is_no_question() -> None:
    """ "Can I welcome members...?" and "Can I thank...?" ask nothing the talk answers."""
    s = summarize(transcript_of(COMMITTEE * 2))
    questions = [q.question for q in s.qa]
    assert "How many social housing homes did the council build last year?" in questions
    assert not any(q.startswith("Can I ") for q in questions), questions
    asked = summarize(transcript_of([*COMMITTEE[:4], ASKED_AFTER_A_REQUEST, *COMMITTEE[4:]] * 2)).qa
    assert "What are the rents in social housing like?" in [q.question for q in asked]


ASKED_AFTER_A_REQUEST = "Can I just ask a question: what are the rents in social housing like?"


def test_no_question_of_what_people_are_used_to_nor_of_a_condition_cut_short() -> None:
    s = summarize(
        transcript_of(
            [
                *COMMITTEE,
                "Social housing tenants are used to paying their rent to the council.",
                "If tenants in social housing wish to move or, indeed, to buy, the council helps.",
                "A housing register is used to rank the families waiting for social housing.",
                "When social housing tenants move into a new home, and the council checks the rent.",
            ]
            * 2
        )
    )
    questions = [q.question for q in s.qa]
    assert not any(q.endswith(" or?") or "tenants" in q.lower() for q in questions), questions
    # "When ..., and ..." is all condition: nothing happens in it
    assert "What is a housing register used for?" in questions, questions


def test_a_sentence_left_unfinished_is_not_shown() -> None:
    """ "... the battery and." reads as cut off: a whole sentence is shown instead."""
    hive = [
        "Honey bees collect nectar from flowers and turn the nectar into honey in the hive.",
        "Worker bees fan the nectar with their wings until the honey in the hive is thick and.",
        "The queen bee lays the eggs and the worker bees feed the young bees in the hive.",
        "Beekeepers take the honey from the hive in late summer, leaving enough for winter.",
        "In winter the bees cluster in the hive and eat the honey they stored, or.",
        "A strong hive makes more honey than its bees need for the winter.",
    ]
    s = summarize(transcript_of(hive * 3))
    shown = [s.tldr, *(i.text for i in s.insights), *(t.text for t in s.takeaways)]
    shown += [q.answer for q in s.qa]
    assert not any(re.search(r"\b(?:and|or)\.", text) for text in shown), shown


def test_insights_and_takeaways_stand_alone_when_whole_sentences_can(reader) -> None:
    """A list item is read on its own: it opens on no word pointing back while others can."""
    t = transcript_of(GLACIERS * 2 + ALONE_GLACIERS)
    s = summarize(t)
    shown = [i.text for i in s.insights] + [x.text for x in s.takeaways]
    assert len(shown) >= 4
    assert not [x for x in shown if reader.dangling_opening(x)], shown


ALONE_GLACIERS = [
    "Glacier ice forms when snow is pressed down for years until the air is squeezed out.",
    "The weight of a glacier bends the rock beneath it and the land rises when the ice melts.",
    "Glaciers hold about two thirds of the fresh water on Earth.",
    "Meltwater from glaciers feeds rivers in the dry summer months.",
    "Scientists drill ice cores from glaciers to read the climate of the past.",
    "Glaciers in the Himalaya supply water to more than a billion people.",
    "A glacier that reaches the sea breaks off icebergs at its front.",
    "Moraines are the ridges of rock and gravel that glaciers push and leave behind.",
]


def test_a_tldr_sentence_is_no_lone_clause() -> None:
    """ "When the path is a straight line." says nothing on its own: no TL;DR quotes it."""
    talk = [
        "When the fastest path between two points is a curve and not a straight line.",
        "The brachistochrone is the curve of fastest descent between two points.",
        "A ball rolling on the brachistochrone beats a ball on the straight line.",
        "The brachistochrone curve is a cycloid, the path of a point on a rolling wheel.",
        "Johann Bernoulli posed the brachistochrone problem in 1696.",
        "Newton solved the brachistochrone problem in one night.",
    ]
    s = summarize(transcript_of(talk * 2))
    assert "When the fastest path" not in s.tldr, s.tldr
