"""The built-in summarizer on talks in other languages: their questions, definitions and emoji."""

from __future__ import annotations

from distill.domain import Segment, Transcript, VideoMeta
from distill.summarize import summarize

VACUNAS = [
    "Hoy vamos a hablar de cómo las vacunas entrenan al sistema inmune.",
    "El sistema inmune es la red de defensa del cuerpo contra los virus y las bacterias.",
    "Tiene dos partes, una rápida y general, y otra lenta pero precisa.",
    "La parte lenta aprende a reconocer cada virus por sus antígenos.",
    "Un antígeno es una forma en la superficie del virus que el cuerpo puede reconocer.",
    "Cuando el cuerpo encuentra un antígeno nuevo, produce anticuerpos que encajan con él.",
    "Los anticuerpos se pegan al virus y lo marcan para que otras células lo destruyan.",
    "Después de una infección quedan células de memoria durante años.",
    "Las células de memoria reaccionan en pocas horas si el virus vuelve.",
    "Una vacuna es una manera de crear esas células de memoria sin enfermarse primero.",
    "La vacuna muestra al sistema inmune el antígeno en una forma segura.",
    "Algunas vacunas llevan el virus debilitado y otras solo una proteína del virus.",
    "Las vacunas de ARN mensajero dan a las células las instrucciones para fabricar la proteína.",
    "Las células leen las instrucciones, fabrican la proteína y el sistema inmune la aprende.",
    "Muchas vacunas necesitan una segunda dosis para que la memoria sea más fuerte.",
    "La primera dosis prepara al sistema inmune y la dosis de refuerzo lo fortalece.",
    "Después de vacunarse es normal tener un poco de fiebre o dolor en el brazo.",
    "Esos síntomas muestran que el sistema inmune está trabajando.",
    "La inmunidad de grupo es la protección que reciben las personas no vacunadas.",
    "Cuando casi toda la población está vacunada, el virus no encuentra a quién infectar.",
    "El sarampión necesita una cobertura de casi el noventa y cinco por ciento.",
    "Los bebés y las personas con defensas débiles dependen de esa inmunidad de grupo.",
    "En resumen, una vacuna entrena la memoria del sistema inmune de forma segura.",
    "Así el cuerpo está listo antes de que llegue la infección real.",
]


def _talk(sentences: list[str], title: str) -> Transcript:
    return Transcript(
        meta=VideoMeta(kind="captions", id=f"{title.lower()}-0000abcd", title=title),
        language=None,
        origin="file",
        segments=[
            Segment(start=i * 5.0, end=i * 5.0 + 4.5, text=s) for i, s in enumerate(sentences)
        ],
    )


def test_a_spanish_talk_gets_spanish_questions_answered_by_its_definitions() -> None:
    t = _talk(VACUNAS, "Vacunas")
    s = summarize(t)
    assert s.language == "es"
    assert 3 <= len(s.qa) <= 6  # only real questions: here the definitions the talk gives
    # Every generated question is in Spanish, and a "what is" question is answered by the
    # sentence that defines the term, at its time, asked the way the speaker says the term.
    assert all(q.question.startswith("¿") for q in s.qa if q.question not in VACUNAS)
    said_at = {seg.start: seg.text for seg in t.segments}
    defined = [q for q in s.qa if q.question.startswith("¿Qué es ")]
    assert len(defined) >= 2
    for q in defined:
        term = q.question.removeprefix("¿Qué es ").removesuffix("?")
        assert q.answer.lower().startswith(term + " es ")
        # The sentence as said: no short word of the language is taken for a false start.
        assert q.answer.startswith(said_at[q.start])
    # Insight emoji follow the topic in Spanish too.
    assert "💉" in {i.emoji for i in s.insights}


def test_short_words_and_mixed_case_words_are_kept_as_said() -> None:
    from distill.summarize.text.cleanup import clean_all, polish

    said = ["la red de defensa del cuerpo", "en entrada", "y ya"]
    assert clean_all(said, "es") == said
    assert clean_all(["le vaccin de de la grippe"], "fr") == ["le vaccin de la grippe"]
    # English false starts are still removed from English speech.
    assert clean_all(["we de decided to th the plan"]) == ["we decided to the plan"]
    assert polish("mRNA vaccines give cells instructions") == (
        "mRNA vaccines give cells instructions."
    )
    assert polish("iPhone sales grew") == "iPhone sales grew."
    assert polish("vaccines work") == "Vaccines work."


def test_hesitations_are_one_list_for_what_is_shown_and_what_is_indexed() -> None:
    from distill.summarize.text.cleanup import clean_all
    from distill.summarize.text.words import Lexicon

    # Every hesitation the lexicon ignores is removed from what is shown, and the other way round.
    said = ["eh, the signal eh would differ", "Hm. The training set is small", "ummm we see"]
    assert clean_all(said) == ["the signal would differ", "The training set is small", "we see"]
    english, german = Lexicon("en"), Lexicon("de")
    for sound in ("eh", "hm", "ummm", "uhh", "mhm", "erm"):
        assert english.term(sound) is None and german.term(sound) is None, sound
    # "er" is a word in German ("he") and stays in German speech.
    assert clean_all(["er hat es gesagt"], "de") == ["er hat es gesagt"]
