"""The library as a knowledge base: passages and vectors, hybrid search, asking the whole
library, and the rules for highlights and notes. The service wires these to the library."""

from distill.knowledge.ask import ask_library
from distill.knowledge.retrieve import MODES, Context, Hit, content_words, retrieve
from distill.knowledge.search import hybrid_search

__all__ = [
    "MODES",
    "Context",
    "Hit",
    "ask_library",
    "content_words",
    "hybrid_search",
    "retrieve",
]
