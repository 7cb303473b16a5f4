"""Speech to text, locally on the CPU, with faster-whisper (heavy imports stay inside functions)."""

from distill.transcribe.engine import Decoding, Transcription, transcribe

__all__ = ["Decoding", "Transcription", "transcribe"]
