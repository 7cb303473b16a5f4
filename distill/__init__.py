"""distill: read a video instead of watching it."""

__version__ = "0.1.0"
