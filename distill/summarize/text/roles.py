"""Words that tell what other words are: articles before a noun, arithmetic between numbers."""

from __future__ import annotations

from distill.summarize.text.stopwords import word_set

# Words said before a noun phrase: articles, determiners, possessives and "of" (not "this" or
# "that", which are as often the subject of a verb: "this feels strange").
ARTICLES: dict[str, frozenset[str]] = {
    "en": word_set("the a an each every our your their its his her my of"),
    "es": word_set("el la los las un una unos unas del al su sus este esta estos estas de"),
    "fr": word_set("le la les l' un une des du au aux son sa ses ce cette ces de"),
    "de": word_set("der die das den dem des ein eine einen einem einer eines sein seine kein"),
    "it": word_set("il lo la i gli le l' un uno una del della dei delle degli di"),
    "pt": word_set("o a os as um uma uns umas do da dos das no na nos nas de"),
    "nl": word_set("de het een deze die dit dat van"),
}
# Words of arithmetic: a title or question made of them and numbers names no topic ("1 plus 3").
OPERATORS = word_set(
    "plus minus times equals equal over squared cubed negative divided root power sum product "
    "zero one two three four five six seven eight nine ten hundred thousand half third quarter"
)


def symbolic(tokens: list[str]) -> bool:
    """Whether words are only numbers, letters and arithmetic: no name of a thing."""
    return all(t.isdigit() or len(t) == 1 or t in OPERATORS for t in tokens)
