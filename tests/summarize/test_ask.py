"""Asking one talk: the passage that answers the kind of question, its answering sentence first,
and a plain "does not seem to say" with the closest passage when the talk does not answer."""

from __future__ import annotations

from distill.sources import resolve
from distill.summarize import ask
from tests.conftest import eval_dir_or_skip
from tests.summarize.conftest import transcript_of

LIGHT = [
    "Today we talk about prisms and what they do to light, and why light bends at all.",
    "Of course, you will rarely see a prism outside a lab, but prisms are in every camera.",
    "Prisms bend light, and prisms split white light into colours, and prisms are everywhere.",
    "A prism is a block of glass with flat faces that refracts the light passing through it.",
    "Light bends at the surface because it slows down when it enters the glass.",
    "Blue light slows down more than red light, so blue light bends more.",
    "That is why a prism spreads white light into a rainbow of colours.",
    "Isaac Newton showed in 1666 that white light is a mixture of all the colours.",
    "He used a second prism to combine the colours back into white light.",
    "Cameras use prisms to send light from the lens to the viewfinder.",
]


def test_a_definition_answers_what_is_and_comes_first() -> None:
    t = transcript_of(LIGHT * 2)
    a = ask(t, "What is a prism?")
    assert a.found
    assert a.answer.startswith("A prism is a block of glass"), a.answer
    assert a.citations[0].text.startswith("A prism is a block of glass")


def test_each_kind_of_question_gets_its_kind_of_answer() -> None:
    t = transcript_of(LIGHT)
    why = ask(t, "Why does light bend?")
    assert why.found and "because" in why.answer.split(".")[0], why.answer
    who = ask(t, "Who showed that white light is a mixture of colours?")
    assert who.found and who.answer.startswith("Isaac Newton"), who.answer
    when = ask(t, "When did Newton show that white light is a mixture?")
    assert when.found and "1666" in when.answer.split(".")[0], when.answer
    # "Who" and "what" about the same thing are answered differently.
    assert ask(t, "What is a prism?").answer != ask(t, "Who invented the prism?").answer


def test_what_the_talk_does_not_say_is_said_plainly_with_the_closest_passage() -> None:
    t = transcript_of(LIGHT)
    a = ask(t, "Who invented the prism?")
    assert not a.found
    assert a.answer.startswith("The video does not seem to say who invented the prism")
    assert len(a.citations) == 1 and "prism" in a.citations[0].text.lower()
    assert a.citations[0].start in {s.start for s in t.segments}
    when = ask(t, "When was the camera invented?")
    assert not when.found and when.answer.startswith("The video does not seem to say when")
    nothing = ask(t, "Who won the football match?")
    assert not nothing.found and nothing.citations == []
    assert nothing.answer == "The video does not seem to say who won the football match."


def test_real_captions_define_before_they_digress() -> None:
    t = resolve(str(eval_dir_or_skip("channel-dev") / "eigenvalues.en.srt"))
    what = ask(t, "What is an eigenvector?")
    assert what.found and "called the eigenvectors" in what.answer.split(".")[0], what.answer
    assert not what.answer.startswith("Of course")
    who = ask(t, "Who invented eigenvectors?")
    assert not who.found and who.answer.startswith("The video does not seem to say who")
    assert who.citations and who.citations[0].text != what.citations[0].text


STEPS = [
    "A better way to understand a sourdough starter is to find the yeast and the bacteria in it.",
    "The yeast and the bacteria in a sourdough starter eat flour and make gas and acid.",
    "A starter that doubles after feeding is full of active yeast.",
    "Bakers keep a starter in a jar and feed the starter with flour and water.",
    "To find if a starter has active yeast, drop a spoon of it into water and see if it floats.",
    "A ready starter floats because the gas of the yeast makes it light.",
    "Old starters smell of vinegar, and that smell comes from the acid of the bacteria.",
    "Many bakers name their starter, and some starters are older than their bakers.",
]


def test_how_is_answered_by_the_sentence_that_says_how() -> None:
    a = ask(transcript_of(STEPS), "How do you find the yeast in a starter?")
    assert a.found and a.answer.startswith("To find if a starter has active yeast"), a.answer
