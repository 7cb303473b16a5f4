"""What the LLM pipeline asks models for: reply models (validation) and JSON schemas (decoding)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, field_validator

_INT = re.compile(r"-?\d+")


def _first_int(value: Any) -> Any:
    """Models write citations as 12, "12", "[12]" or [12, 13]; keep the first number."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        m = _INT.search(value)
        return int(m.group()) if m else None
    return value


class _Citing(BaseModel):
    """An item of a reply that cites a transcript line by number."""

    cite: int | None = None

    _cite = field_validator("cite", mode="before")(_first_int)


class Cited(_Citing):
    """A sentence of a reply and the transcript line number it cites."""

    text: str = ""


class InsightReply(Cited):
    emoji: str = ""


class QAReply(_Citing):
    question: str = ""
    answer: str = ""


class ChapterReply(_Citing):
    title: str = ""


class SummaryReply(BaseModel):
    """The structured summary a model returns; starts are filled in by code from citations."""

    tldr: str = ""
    insights: list[InsightReply] = Field(default_factory=list)
    qa: list[QAReply] = Field(default_factory=list)
    takeaways: list[Cited] = Field(default_factory=list)
    chapters: list[ChapterReply] = Field(default_factory=list)


class NotesReply(BaseModel):
    """Grounded notes on one part of a long transcript (the map step)."""

    notes: list[Cited] = Field(default_factory=list)
    chapter: ChapterReply | None = None


class AnswerReply(BaseModel):
    found: bool = False
    answer: str = ""
    cites: list[int] = Field(default_factory=list)

    @field_validator("cites", mode="before")
    @classmethod
    def _ints(cls, value: Any) -> Any:
        if isinstance(value, int | str):
            value = [value]
        if isinstance(value, list):
            return [n for n in (_first_int(v) for v in value) if isinstance(n, int)]
        return value


class TranslatedItem(BaseModel):
    id: int
    text: str


class TranslationReply(BaseModel):
    items: list[TranslatedItem] = Field(default_factory=list)


@dataclass(frozen=True)
class Shape:
    """How many items each section holds (min, max) and how long its texts may be."""

    tldr: tuple[int, int] = (2, 3)
    insights: tuple[int, int] = (6, 8)
    qa: tuple[int, int] = (4, 6)
    takeaways: tuple[int, int] = (3, 5)
    chapters: tuple[int, int] = (3, 10)
    text_chars: int = 220
    notes_max: int = 12
    tldr_chars: int = 600

    def chapters_for(self, n_units: int) -> tuple[int, int]:
        """Fewer chapters for short videos: about one per 25 sentences, within the shape."""
        lo, hi = self.chapters
        want = max(1, min(hi, n_units // 25))
        return (min(lo, want), max(min(lo, want), want))


PAGE = Shape()


def _string(max_chars: int) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": max_chars}


def _obj(props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": list(props)}


def _array(item: dict[str, Any], bounds: tuple[int, int]) -> dict[str, Any]:
    return {"type": "array", "items": item, "minItems": bounds[0], "maxItems": bounds[1]}


def summary_schema(shape: Shape, chapters: tuple[int, int] | None) -> dict[str, Any]:
    """The JSON schema of a summary reply; no chapters key when the video brings its own."""
    cite = {"type": "integer"}
    text = _string(shape.text_chars)
    props: dict[str, Any] = {
        "tldr": _string(shape.tldr_chars),
        "insights": _array(
            _obj({"emoji": {"type": "string", "maxLength": 8}, "text": text, "cite": cite}),
            shape.insights,
        ),
        "qa": _array(_obj({"question": text, "answer": text, "cite": cite}), shape.qa),
        "takeaways": _array(_obj({"text": text, "cite": cite}), shape.takeaways),
    }
    if chapters is not None:
        props["chapters"] = _array(_obj({"title": _string(80), "cite": cite}), chapters)
    return _obj(props)


def notes_schema(shape: Shape, bounds: tuple[int, int]) -> dict[str, Any]:
    """The JSON schema of the notes on one part."""
    cite = {"type": "integer"}
    return _obj(
        {
            "notes": _array(_obj({"text": _string(shape.text_chars), "cite": cite}), bounds),
            "chapter": _obj({"title": _string(80), "cite": cite}),
        }
    )


def answer_schema() -> dict[str, Any]:
    return _obj(
        {
            "found": {"type": "boolean"},
            "answer": {"type": "string", "maxLength": 600},
            "cites": {"type": "array", "items": {"type": "integer"}, "maxItems": 5},
        }
    )


def translation_schema(n_items: int) -> dict[str, Any]:
    item = _obj({"id": {"type": "integer"}, "text": {"type": "string", "minLength": 1}})
    return _obj({"items": _array(item, (n_items, n_items))})
