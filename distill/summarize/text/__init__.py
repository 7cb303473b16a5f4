"""Shared analysis of transcript text: words, stop words, language, cleanup, sentence units, the Analysis pass, passages.

Used by both summarizers; imports neither.
"""
