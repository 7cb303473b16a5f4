"""Golden output: the built-in summaries and answers, hashed, so a refactor proves them unchanged.

A change that is meant to change the output updates the hash here and says in its commit which
outputs changed and why. On a mismatch the message lists a short digest per transcript, so two
runs (before and after) show which ones moved.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from distill.domain import Answer, Summary, Transcript
from distill.errors import SummarizeError
from distill.sources import resolve
from distill.summarize import ask, summarize
from tests.conftest import eval_dir_or_skip
from tests.summarize.conftest import BEES, srt

# sha256 (first 16 hex digits) of the files below, as written by _write_talks().
WRITTEN_HASH = "70074fd5651f4a77"
# The same over every channel-dev caption file and meetings-dev transcript, with the first
# question of each meeting asked.
EVAL_HASH = "3dfef6ddb0ece1cc"


Result = Summary | Answer | str  # a summary, an answer, or the message of a refusal


# What the summarizer makes (not the source reference, nor fields other stages fill in).
MADE = {
    Summary: {"model", "language", "tldr", "insights", "qa", "takeaways", "chapters"},
    Answer: {"answer", "citations", "found"},
}


def _json(result: Result) -> str:
    if isinstance(result, str):
        return json.dumps(result)
    made = result.model_dump(mode="json", include=MADE[type(result)])
    return json.dumps(made, ensure_ascii=False, sort_keys=True)


def _summary(t: Transcript) -> Result:
    try:
        return summarize(t)
    except SummarizeError as exc:  # a caption file with too little speech is refused, clearly
        return str(exc)


def _digest(results: dict[str, list[Result]]) -> tuple[str, dict[str, str]]:
    """One hash over every result, and a short one per transcript."""
    total = hashlib.sha256()
    each = {}
    for name in sorted(results):
        body = "\n".join(_json(r) for r in results[name])
        each[name] = hashlib.sha256(body.encode()).hexdigest()[:8]
        total.update(f"{name}\n{body}\n".encode())
    return total.hexdigest()[:16], each


def _check(results: dict[str, list[Result]], expected: str) -> None:
    got, each = _digest(results)
    assert got == expected, f"golden hash {got} != {expected}; per transcript: {each}"


# ---- transcripts the test writes: every cleanup and splitting path of the loaders and units ----

VOLCANO = [
    "so today we're going to talk about volcanoes and how they actually work",
    "a volcano is an opening in the earth's crust where molten rock comes up",
    "that molten rock is called magma while it is still underground",
    "once it reaches the surface we call it lava instead",
    "magma forms deep in the mantle where the rock is hot enough to melt",
    "it rises because it is lighter than the solid rock around it",
    "the magma collects in a magma chamber a few kilometres below the volcano",
    "when the pressure in the magma chamber gets too high the volcano erupts",
    "now the gas in the magma is what makes an eruption explosive or gentle",
    "sticky magma traps the gas and the gas escapes all at once in an explosion",
    "runny magma lets the gas out slowly so the lava just flows down the slopes",
    "hawaii has runny basalt lava that flows for kilometres",
    "mount st helens had sticky magma and blew the side of the mountain off",
    "so why are volcanoes where they are",
    "most volcanoes sit at the edges of tectonic plates",
    "where one plate dives under another the sinking plate melts and feeds volcanoes",
    "that is why there is a ring of fire around the pacific ocean",
    "other volcanoes sit above hot spots in the middle of a plate",
    "the hot spot stays still while the plate slides over it",
    "so the hot spot builds a chain of volcanic islands like hawaii",
    "scientists watch volcanoes with seismometers and gas sensors",
    "small earthquakes under a volcano often mean magma is moving",
    "the ground can also bulge as the magma chamber fills up",
    "with these signals scientists can warn people days before an eruption",
    "volcanic ash is one of the biggest dangers for people and planes",
    "ash is made of tiny pieces of glass and rock not soft like the ash of a fire",
    "ash in a jet engine melts and can stop the engine",
    "but volcanoes also make soil very fertile over time",
    "that is why farms often grow right on the slopes of volcanoes",
    "so next time you see a mountain think about whether it might be a volcano",
]
# Noise said or typed around the words of auto-captions, by position (cycled).
NOISE = [
    "",
    "um ",
    "",
    "[Music] ",
    "uh ",
    "",
    "the the ",
    "you know ",
    "",
    "<i>",
    "pau- ",
    "i mean ",
    "&amp; ",
    "",
    "t ",
    "(applause) ",
    "hmm ",
    "♪ ",
]


def _auto_captions() -> str:
    """Unpunctuated auto-captions, four to seven words a cue, with noise, turns and pauses."""
    words: list[str] = []
    for i, sentence in enumerate(VOLCANO):
        noise = NOISE[i % len(NOISE)]
        parts = sentence.split()
        at = (i * 3) % len(parts)
        words += [*parts[:at], *noise.split(), *parts[at:]]
    cues, t, i = [], 1.0, 0
    while i < len(words):
        n = 4 + i % 4
        text = " ".join(words[i : i + n])
        if i % 9 == 0:
            text = ">> " + text
        gap = 1.6 if i % 11 == 0 else 0.1
        cues.append((t, t + 2.0, text))
        t += 2.0 + gap
        i += n
    return "\n".join(
        f"{k + 1}\n{_stamp(a)} --> {_stamp(b)}\n{text}\n" for k, (a, b, text) in enumerate(cues)
    )


def _stamp(t: float) -> str:
    ms = round(t * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


MEETING = [
    "Chair: Okay, um, let's start. The first item is the budget for the new library building.",
    "Ann: Yeah. So, the, the estimate came back at four million, which is, uh, higher than we hoped.",
    "Bob: Mm-hmm.",
    "Ann: The main cost is the roof. The architects want a green roof with solar panels on it.",
    "Bob: I mean, is the green roof really necessary? It adds, what, half a million?",
    "Ann: It keeps the building cool in summer, so it saves on air conditioning, you know, for decades.",
    "Chair: [laughter] Right. Bob, you were going to look at the energy numbers.",
    "Bob: I did. The solar panels pay for themselves in about twelve years.",
    "Bob: The green roof on its own pays back in, like, twenty years, maybe more.",
    "Ann: But the roof also holds rain water, which the city gives us a grant for.",
    "Chair: How big is the grant?",
    "Ann: Up to two hundred thousand, if the roof holds the rain from a big storm.",
    "Bob: Okay, that that changes things. With the grant the payback is closer to fifteen years.",
    "Chair: So we keep the green roof and apply for the grant. Any objections?",
    "Bob: No. No objections.",
    "Chair: Good. The second item is the opening hours of the library.",
    "Ann: People asked for evening hours, um, especially students who work during the day.",
    "Bob: Evening hours need more staff, and the staff budget is already tight.",
    "Ann: We could open later in the morning and stay open until nine in the evening.",
    "Chair: Would that cost anything extra?",
    "Ann: Not much. The same hours, just moved, plus security staff for the evening.",
    "Bob: (inaudible) security staff is the expensive part, I think.",
    "Chair: Let's ask the staff what they prefer before we decide the opening hours.",
    "Ann: I'll write a short survey for the staff this week.",
    "Chair: Great. Last item, the children's reading room.",
    "Bob: The reading room needs new shelves and, uh, softer lighting.",
    "Ann: The parents' group offered to paint the reading room for free.",
    "Chair: That's kind of them. Let's accept, and buy the shelves from the budget we agreed.",
    "Bob: So to sum up, green roof with the grant, a staff survey on hours, and the reading room.",
    "Chair: Yes. Thanks everyone, we'll meet again in two weeks.",
]

VTT_TALK = [
    "<v Maya>Welcome — this talk is about coffee, from the farm to your cup.",
    "<v Maya>Coffee “beans” are really the seeds of a cherry-like fruit.",
    "<v Maya>The plants grow best in the tropics, at altitudes of 1,000 to 2,000 metres.",
    "<v Maya>Arabica is the café favourite: it’s sweeter and more acidic than robusta.",
    "<v Maya>Robusta has almost twice the caffeine, which protects the plant from insects.",
    "<v Léo>How long does a coffee plant take before it gives fruit?",
    "<v Maya>About three to four years, and then it fruits for decades.",
    "<v Maya>Pickers take only the ripe red cherries, which is slow, careful work.",
    "<v Maya>Then the fruit is removed: the “washed” process uses water, the natural one the sun.",
    "<v Maya>Natural coffees taste fruitier, because the seed dries inside the fruit.",
    "<v Léo>And roasting? What does roasting do to the seed?",
    "<v Maya>Roasting turns the green seed brown; sugars caramelise and the aroma forms.",
    "<v Maya>A light roast keeps the acidity; a dark roast tastes bitter and smoky.",
    "<v Maya>♪ ♪",
    "<v Maya>Grinding matters too — espresso needs a fine grind, a French press a coarse one.",
    "<v Maya>Water just off the boil, about 94 °C, extracts coffee best.",
    "<v Léo>So the naïve question: is fresh coffee really better?",
    "<v Maya>Yes! Ground coffee loses its aroma within minutes, so grind it just before brewing.",
    "<v Maya>That’s all for today — thanks for listening.",
]

CIELO = [
    "Hoy vamos a ver por qué el cielo es azul durante el día.",
    "La luz del sol parece blanca, pero tiene todos los colores mezclados.",
    "Cada color es una onda de luz con su propia longitud de onda.",
    "La luz azul tiene una longitud de onda corta y la luz roja una larga.",
    "Cuando la luz entra en la atmósfera, choca con las moléculas del aire.",
    "Las moléculas del aire dispersan mucho más la luz azul que la luz roja.",
    "Esta dispersión se llama dispersión de Rayleigh.",
    "La dispersión de Rayleigh es el efecto que hace que la luz azul llegue desde todo el cielo.",
    "Por eso, miremos donde miremos, vemos el cielo de color azul.",
    "¿Y por qué el atardecer es rojo?",
    "Al atardecer la luz del sol cruza mucha más atmósfera antes de llegar a nosotros.",
    "En ese camino largo casi toda la luz azul se dispersa y se pierde.",
    "Solo la luz roja y naranja llega directa, y el cielo se pone rojo.",
    "En Marte pasa lo contrario: el polvo fino hace que el atardecer sea azul.",
    "El polvo de Marte dispersa la luz de otra manera que las moléculas del aire.",
    "En resumen, el color del cielo depende de la luz del sol y de lo que hay en el aire.",
]

NIHONGO = [
    "今日はお茶の話をします。",
    "緑茶と紅茶は同じ茶の木の葉から作られます。",
    "違いは葉を発酵させるかどうかです。",
    "緑茶は葉をすぐに蒸して発酵を止めます。",
    "紅茶は葉を揉んで空気に触れさせ、しっかり発酵させます。",
    "烏龍茶はその中間で、半分だけ発酵させたお茶です。",
    "お茶にはカフェインとカテキンが含まれています。",
    "カテキンはお茶の渋みのもとです。",
    "お湯の温度でお茶の味は大きく変わります。",
    "緑茶は少し冷ましたお湯でいれると甘くなります。",
    "紅茶は沸騰したお湯でいれると香りがよく出ます。",
    "ぜひいろいろなお茶を試してみてください。",
]

QUESTIONS = {
    "bees.en.srt": ["How do bees remove water from nectar?", "What is the waggle dance?"],
    "volcano.en.srt": ["Why are some eruptions explosive?", "Where are most volcanoes?"],
    "meeting.txt": ["What did they decide about the green roof?", "Who will write the survey?"],
    "coffee.en.vtt": ["What does roasting do?", "How hot should the water be?"],
    "cielo.es.srt": ["¿Por qué el atardecer es rojo?"],
    "ocha.ja.txt": ["緑茶と紅茶の違いは何ですか?"],
}


def _vtt(cues: list[str]) -> str:
    body = [
        f"00:00:{2 * i:02d}.000 --> 00:00:{2 * i + 1:02d}.800\n{c}\n" for i, c in enumerate(cues)
    ]
    return "WEBVTT\n\n" + "\n".join(body)


def _write_talks(folder: Path) -> list[Path]:
    files = {
        "bees.en.srt": srt(BEES),
        "volcano.en.srt": _auto_captions(),
        "meeting.txt": "\n".join(MEETING) + "\n",
        "coffee.en.vtt": _vtt(VTT_TALK),
        "cielo.es.srt": srt(CIELO, step=4.0),
        "ocha.ja.txt": "\n".join(NIHONGO) + "\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]


def test_builtin_output_of_written_talks_is_unchanged(tmp_path: Path) -> None:
    results: dict[str, list[Result]] = {}
    for path in _write_talks(tmp_path):
        t = resolve(str(path))
        results[path.name] = [summarize(t), *(ask(t, q) for q in QUESTIONS[path.name])]
    _check(results, WRITTEN_HASH)


def test_builtin_output_of_the_eval_sets_is_unchanged() -> None:
    channel = eval_dir_or_skip("channel-dev")
    meetings = eval_dir_or_skip("meetings-dev")
    questions = {}
    for line in (meetings / "refs.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            ref = json.loads(line)
            questions[ref["file"]] = [qa["question"] for qa in ref["qa"][:1]]
    results: dict[str, list[Result]] = {}
    for path in [*sorted(channel.glob("*.srt")), *sorted(meetings.glob("*.txt"))]:
        t = resolve(str(path))
        asked = [ask(t, q) for q in questions.get(path.name, [])]
        results[path.name] = [_summary(t), *asked]
    assert len(results) == 28 + 35
    _check(results, EVAL_HASH)
