"""Sources: turn a source string (YouTube URL or ID, caption, transcript or media file) into a Transcript."""

from __future__ import annotations

from distill.sources.captions import CaptionFileSource
from distill.sources.registry import SourceHandler, handlers, pick, register, resolve
from distill.sources.youtube import YouTubeSource, parse_video_id

register(YouTubeSource())
register(CaptionFileSource())
# Media files (audio/video) register themselves from distill.sources.media.
from distill.sources import media as _media  # noqa: E402,F401

__all__ = ["SourceHandler", "handlers", "parse_video_id", "pick", "register", "resolve"]
