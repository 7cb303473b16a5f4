"""Sources: turn a source string into a Transcript, or a collection into the sources it contains.

YouTube videos, playlists and channels; caption, transcript, audio, video and PDF files; web
articles, PDFs and feeds by URL (through the guarded client in `http.py`); podcast episodes.
"""

from __future__ import annotations

from distill.sources.captions import CaptionFileSource
from distill.sources.pdf import PdfFileSource
from distill.sources.podcast import EpisodeSource, FeedSource
from distill.sources.registry import (
    Collection,
    Entry,
    SourceHandler,
    expand,
    handlers,
    pick,
    register,
    resolve,
)
from distill.sources.web import WebSource
from distill.sources.youtube import YouTubeSource, parse_video_id
from distill.sources.youtube_lists import YouTubeListSource

register(YouTubeSource())
register(YouTubeListSource())
register(CaptionFileSource())
register(PdfFileSource())
register(FeedSource())
register(EpisodeSource())
register(WebSource())
# Media files (audio/video) register themselves from distill.sources.media.
from distill.sources import media as _media  # noqa: E402,F401

__all__ = [
    "Collection",
    "Entry",
    "SourceHandler",
    "expand",
    "handlers",
    "parse_video_id",
    "pick",
    "register",
    "resolve",
]
