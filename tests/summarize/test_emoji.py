"""Emoji chosen from what a sentence is about, in English and in other languages."""

from __future__ import annotations

from distill.summarize.builtin.emoji import DEFAULT_EMOJI, pick_emoji
from distill.summarize.text.words import Lexicon


def _terms(text: str, language: str) -> list[str]:
    lex = Lexicon(language)
    return lex.terms(text)


def test_emoji_follow_the_topic_in_each_language() -> None:
    said = {
        "en": "Vaccines train the immune system against viruses.",
        "es": "Las vacunas entrenan al sistema inmune contra los virus.",
        "fr": "Les vaccins entraînent le système immunitaire contre les virus.",
        "de": "Impfungen trainieren das Immunsystem, die Antikörper helfen.",
        "it": "I vaccini allenano il sistema immunitario con gli anticorpi.",
        "pt": "As vacinas treinam a imunidade contra os vírus.",
    }
    for language, text in said.items():
        assert pick_emoji(_terms(text, language), language=language) == "💉", language
    money = {"es": "El precio y los costos suben.", "de": "Die Preise und Kosten steigen."}
    for language, text in money.items():
        assert pick_emoji(_terms(text, language), language=language) == "💰", language


def test_unknown_topics_get_the_default_and_used_emoji_are_avoided() -> None:
    assert pick_emoji(_terms("Hola a todos.", "es"), language="es") == DEFAULT_EMOJI
    terms = _terms("Las vacunas cuestan dinero.", "es")
    assert pick_emoji(terms, language="es") == "💉"
    assert pick_emoji(terms, avoid={"💉"}, language="es") == "💰"
    # English terms are stems: a foreign word list never decides an English sentence.
    assert pick_emoji(_terms("The vacunas are here.", "en")) == DEFAULT_EMOJI
