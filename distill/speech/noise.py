"""What in transcript text is no speech (sound labels, music, turn marks) or says nothing (fillers).

The source loaders drop the labels from the transcript they store; the summarizer drops them
again from text that did not come through a loader, and drops fillers from what it shows.
"""

from __future__ import annotations

import re

# Sounds captioners name between brackets, parentheses or dashes.
SOUND_WORDS = (
    "music|applause|laughter|laughs|laughing|chuckles|chuckling|cheering|cheers|"
    "inaudible|crosstalk|silence|sighs|coughs|coughing|clapping|background noise|"
    "upbeat music|dramatic music|indistinct chatter|no audio|foreign|singing"
)
# "[Music]", "[inaudible 00:01:02]", "[JOHN]": square brackets hold no speech; nor do curly ones,
# which meeting transcripts use for sounds and marks ("{vocalsound}", "{disfmarker}").
BRACKETED = re.compile(r"\[[^\[\]]{0,60}\]|\{[^{}]{0,30}\}")
# "(applause)", "—music—": a sound, not any words in parentheses ("keep (these words)").
SOUND_IN_PARENS = re.compile(rf"\(\s*(?:{SOUND_WORDS})\s*\)", re.IGNORECASE)
SOUND_IN_DASHES = re.compile(rf"[\u2014\u2013]\s*(?:{SOUND_WORDS})\s*[\u2014\u2013]", re.IGNORECASE)
MUSIC_NOTES = re.compile(r"[\u266a\u266b\u266c\u2669]+")
# ">>" begins another speaker's turn in captions ("&gt;&gt;" where it is still escaped).
TURN_MARK = re.compile(r"&gt;&gt;|>>")

# Sounds of hesitation, a word each, drawn out or not: "um", "uhh", "erm", "eh", "ehm", "hm",
# "mhm", a click of the tongue ("tsk") and a hum ("nnn"). Removed from what is shown and never
# an index term, in every language ("er" is none: it is a word in German and Dutch; English
# lists it with its spoken stop words).
HESITATION = r"u+m+h?|u+h+m*|e+r+m+|e+h+m*|a+h+|h+m+|mm+|mhm|t+s+k+|nn+"
is_hesitation = re.compile(HESITATION).fullmatch
# Sounds of agreement said as one hyphenated word.
BACKCHANNEL = r"uh-huh|um-hum|mm-hmm|m-hmm|hm-hmm"
# Phrases that say nothing where they stand between commas or before a mark: "it is, you know,
# fine"; "it is fine, basically." ...
MID_FILLERS = ("you know", "i mean", "you see", "basically", "actually")
# ... or where they open a clause: "Well, it is fine", "so, like, it is fine".
CLAUSE_FILLERS = ("you know", "i mean", "you see", "like", "well")
# Discourse markers that open a sentence of speech and are no part of it shown on its own
# (tried in this order: "i think that" before "i think").
LEADING_MARKERS = (
    *("so", "and", "but", "yeah", "yes", "okay", "ok", "well", "oh", "right", "alright", "now"),
    *("anyway", "also", "then", "basically", "actually", "i mean", "i guess", "i think that"),
    *("i think", "like"),
)


def alternatives(phrases: tuple[str, ...]) -> str:
    """A regex that matches any of some phrases, tried in their order."""
    return "|".join(map(re.escape, phrases))
