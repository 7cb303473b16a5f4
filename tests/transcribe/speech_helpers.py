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
# About a minute of speech (three of Whisper's 30-second windows), for progress as it is decoded.
LONG_SENTENCES = [
    "Every autumn the old lighthouse keeper repaints the railings around the lamp room.",
    "He starts at the northern side, where the wind has peeled the paint the most.",
    "The brushes are cleaned in a bucket of warm water mixed with a little soap.",
    "Visitors often ask why the light still turns when ships carry satellite maps.",
    "He answers that a map cannot warn a sailor whose screen has gone dark in a storm.",
    "In the winter months the keeper records the weather four times each day.",
    "The notebooks on the shelf go back more than sixty years, each one in a different hand.",
    "Some pages describe whales passing close to the rocks on calm spring mornings.",
    "Others describe waves so tall that spray reached the windows of the lamp room.",
    "On Sundays the keeper bakes bread and shares it with the fishermen in the harbour.",
    "They bring him news from the village and sometimes a newspaper a week out of date.",
    "When the keeper finally retires, the light will be run from an office on the mainland.",
    "He hopes that someone will still read the notebooks and remember the storms.",
    "Until then he climbs the hundred and twelve steps every evening to check the lamp.",
    "The climb takes him a little longer each year, but he has never missed a night.",
]
LONG_SPEECH_TEXT = " ".join(LONG_SENTENCES)


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
