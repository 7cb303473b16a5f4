"""What transcript text looks like: where its sentences end and what in it is noise, not speech.

Shared by the source loaders (which join caption lines into sentences and drop sound labels)
and the summarizer (which splits sentences again and drops fillers from what it shows); it
imports neither.
"""
