"""Helpers for the speech-to-text tests: text to speak, and the command-line tools that make media."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

# Sentences the tests speak with espeak-ng, written here (not taken from any data set).
SENTENCES = [
    "The weather today is bright and sunny with a gentle breeze.",
    "Please remember to bring your notebook to the meeting tomorrow morning.",
    "Our team finished the project two weeks ahead of schedule.",
    "Fresh bread from the bakery smells wonderful in the early morning.",
]
SPEECH_TEXT = " ".join(SENTENCES)


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(
            f"{tool} is not installed; run `make setup-test` (it installs the Debian packages)."
        )
    return path


def espeak(text: str, out: Path, *, voice: str = "en-us", speed: int = 150) -> Path:
    """Speak `text` into a wav file with espeak-ng."""
    subprocess.run(
        [_need("espeak-ng"), "-v", voice, "-s", str(speed), "-w", str(out), text],
        check=True,
        capture_output=True,
    )
    return out


def sox(*args: str) -> None:
    subprocess.run([_need("sox"), *args], check=True, capture_output=True)


def ffmpeg(*args: str) -> None:
    subprocess.run(
        [_need("ffmpeg"), "-loglevel", "error", "-y", *args], check=True, capture_output=True
    )
