"""Where sentences end and what is noise: the one definition the loaders and the summarizer share."""

from __future__ import annotations

import pytest

from distill.speech.noise import BRACKETED, MUSIC_NOTES, SOUND_IN_DASHES, SOUND_IN_PARENS
from distill.speech.sentences import (
    WORDS_PER_END,
    ends_with_mark,
    is_punctuated,
    sentence_ends,
    sentence_spans,
)


def _sentences(text: str) -> list[str]:
    return [text[b:e].strip() for b, e in sentence_spans(text)]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Dr. Lee came at 3 p.m. today. He left!", ["Dr. Lee came at 3 p.m. today.", "He left!"]),
        ("J. S. Bach wrote it. Really?! Yes…", ["J. S. Bach wrote it.", "Really?!", "Yes…"]),
        ('He said "stop." Then he went.', ['He said "stop."', "Then he went."]),
        ("It costs 3.5 dollars, e.g. here. Fine", ["It costs 3.5 dollars, e.g. here.", "Fine"]),
        ("今日は晴れ。明日は雨！本当？", ["今日は晴れ。", "明日は雨！", "本当？"]),
        ("no marks at all", ["no marks at all"]),
        ("", []),
    ],
)
def test_sentences_end_at_marks_but_not_after_abbreviations(
    text: str, sentences: list[str]
) -> None:
    assert _sentences(text) == sentences


def test_caption_text_as_written_continues_before_a_lower_case_word() -> None:
    text = "It went on... and on. Then it stopped. so that was it"
    assert [text[:e] for e in sentence_ends(text)][-1] == "It went on... and on. Then it stopped."
    assert len(sentence_ends(text)) == 3
    assert [text[:e] for e in sentence_ends(text, as_written=True)] == [
        "It went on... and on.",
    ]


def test_a_line_ends_a_sentence_when_it_ends_with_a_mark() -> None:
    assert ends_with_mark("a new function, f plus g.")
    assert ends_with_mark('and then "never again!"  ')
    assert ends_with_mark("終わり。")
    assert not ends_with_mark("and so on")
    assert not ends_with_mark("version 2.0")


def test_a_text_is_punctuated_with_one_end_per_forty_words() -> None:
    words = ["word"] * (WORDS_PER_END - 1)
    assert is_punctuated([" ".join(words) + " end."])
    assert not is_punctuated([" ".join([*words, "one"]) + " end."])
    assert is_punctuated(["Short.", "Two words!"])
    assert not is_punctuated([]) and not is_punctuated(["   "])


def test_noise_is_labels_and_music_not_words_in_parentheses() -> None:
    said = "[Music] so (applause) we keep (these words) \u2014laughter\u2014 in \u266a\u266c"
    for pattern in (BRACKETED, SOUND_IN_PARENS, SOUND_IN_DASHES, MUSIC_NOTES):
        said = pattern.sub("", said)
    assert said.split() == ["so", "we", "keep", "(these", "words)", "in"]
    assert BRACKETED.sub("", "a [b [c] d") == "a [b  d"
