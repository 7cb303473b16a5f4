"""An emoji for a sentence, chosen from what it is about (a lexicon keyed by word stems)."""

from __future__ import annotations

from functools import lru_cache

from distill.summarize.text import stem

DEFAULT_EMOJI = "💡"

# emoji: words that suggest it (stemmed at load time, so any word form matches).
_LEXICON: dict[str, str] = {
    "💰": "money cost costs price prices budget pay paid dollar dollars euro cheap expensive fund "
    "funding profit revenue income salary tax taxes invest investment market economy financial",
    "📈": "growth grow grows increase increases rise rising improve improvement trend scale "
    "scaling performance gain",
    "📉": "decline decrease drop fall falling loss reduce reduction lower",
    "📊": "data dataset statistics statistic survey chart graph measure measurement metric "
    "metrics percent percentage result results evaluation analysis numbers",
    "🔬": "research experiment experiments study studies scientist scientists science lab "
    "laboratory hypothesis evidence test testing",
    "🧠": "brain mind memory learn learning think cognitive neuron neurons intelligence "
    "understand understanding psychology",
    "🤖": "ai robot robots model models neural network networks machine algorithm algorithms "
    "automation recognition",
    "💻": "code coding software program programming computer computers developer app apps "
    "server database python javascript interface",
    "🔢": "math mathematics equation equations formula number integer prime sum calculus "
    "algebra matrix matrices vector vectors function functions theorem proof",
    "📐": "geometry angle angles triangle circle shape shapes dimension dimensions space "
    "coordinate coordinates line lines plane area",
    "💉": "vaccine vaccines vaccination immune immunity antibody antibodies virus viruses "
    "infection pathogen",
    "🩺": "health doctor doctors patient patients medicine medical disease diseases hospital "
    "treatment symptom symptoms",
    "🧬": "gene genes dna cell cells protein proteins biology evolution organism",
    "🌍": "climate earth planet environment global world country countries carbon emission "
    "emissions nature",
    "⚡": "energy power electricity electric battery batteries voltage charge fast",
    "🔊": "sound audio noise microphone microphones speech acoustic acoustics voice signal",
    "🎵": "music song songs melody rhythm instrument note notes",
    "🎨": "design designer color colour colours colors style shape look button buttons aesthetic",
    "👥": "team teams group people users user customer customers community members",
    "🗓️": "meeting meetings schedule deadline plan planning agenda calendar",
    "✅": "decide decided decision agree agreed agreement approve approved conclusion",
    "⚠️": "risk risks danger dangerous problem problems warning error errors mistake mistakes "
    "bug bugs fail failure issue issues",
    "🎯": "goal goals target targets aim objective objectives focus priority strategy",
    "🛠️": "build building tool tools fix repair implement implementation engineer "
    "engineering prototype",
    "🚀": "launch speed faster quick rocket startup accelerate",
    "⚖️": "law laws legal court rule rules right rights justice policy regulation",
    "🏛️": "government minister parliament committee council public state political "
    "politics election vote",
    "🎓": "school schools student students teacher teachers education university class "
    "course teaching",
    "📚": "book books read reading history story stories write writing paper papers",
    "🍎": "food eat eating diet nutrition fruit sugar meal",
    "📱": "phone phones mobile device devices remote control screen display",
    "🔒": "security secure privacy password encryption safe safety protect protection",
    "⏱️": "timing hour hours minute minutes second seconds duration delay",
    "❓": "why question questions unknown mystery puzzle",
    "🌱": "plant plants grow seed garden farm farming agriculture",
    "🔋": "battery batteries rechargeable solar",
    "🎮": "game games play player players",
    "🗣️": "language languages word words say speak speaking conversation dialogue talk",
    "🔄": "change changes transform transformation rotate rotation cycle repeat",
    "🏥": "care nurse clinic",
    "🧪": "chemical chemistry reaction molecule molecules",
    "🌌": "universe star stars galaxy physics light gravity",
}


@lru_cache(maxsize=1)
def _index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for emoji, keywords in _LEXICON.items():
        for word in keywords.split():
            index.setdefault(stem(word), []).append(emoji)
    return index


def pick_emoji(terms: list[str], avoid: set[str] | None = None) -> str:
    """The emoji whose keywords best match the sentence's terms; prefers ones not used yet."""
    index = _index()
    scores: dict[str, float] = {}
    for position, term in enumerate(terms):
        for emoji in index.get(term, ()):
            scores[emoji] = scores.get(emoji, 0.0) + 1.0 + 0.01 / (1 + position)
    if not scores:
        return DEFAULT_EMOJI
    ranked = sorted(scores, key=lambda e: (-scores[e], e))
    if avoid:
        fresh = [e for e in ranked if e not in avoid and scores[e] >= scores[ranked[0]] * 0.5]
        if fresh:
            return fresh[0]
    return ranked[0]
