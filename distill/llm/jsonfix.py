"""Turn a model's reply into JSON: strip fences and chatter, close what a cut-off reply left open."""

from __future__ import annotations

import json
import re
from typing import Any

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


class JSONReplyError(ValueError):
    """A reply that holds no JSON object, even after repair."""


def parse_json(text: str) -> tuple[Any, bool]:
    """The JSON object in a reply and whether it had to be repaired; JSONReplyError if none."""
    text = text.strip()
    try:
        return json.loads(text, strict=False), False
    except ValueError:
        pass
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1).strip()
    start = text.find("{")
    if start < 0:
        raise JSONReplyError("the reply holds no JSON object")
    body = text[start:]
    end = body.rfind("}")
    if end >= 0:
        try:
            return json.loads(body[: end + 1], strict=False), True
        except ValueError:
            pass
    fixed = _close(body)
    if fixed is not None:
        return fixed, True
    raise JSONReplyError("the reply is not valid JSON and could not be repaired")


def _close(body: str) -> Any | None:
    """Parse a JSON prefix by cutting back to a complete value and closing open brackets."""
    cuts = _cut_points(body)
    # Latest complete value first; a reply cut off after a long run can need many steps back.
    for cut in reversed(cuts[-400:]):
        candidate = body[:cut].rstrip().rstrip(",").rstrip()
        if candidate.endswith(":"):
            continue
        stack = _open_brackets(candidate)
        if stack is None:
            continue
        closers = "".join("}" if c == "{" else "]" for c in reversed(stack))
        try:
            value = json.loads(candidate + closers, strict=False)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def _scan(text: str) -> tuple[list[tuple[int, str]], bool]:
    """The brackets, commas and closing quotes outside JSON strings, with their offsets; and
    whether a string is left open at the end."""
    marks: list[tuple[int, str]] = []
    in_str = escape = False
    for i, ch in enumerate(text):
        if in_str:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_str = False
                marks.append((i, ch))
        elif ch == '"':
            in_str = True
        elif ch in "{[}],":
            marks.append((i, ch))
    return marks, in_str


def _cut_points(body: str) -> list[int]:
    """Offsets just after each complete string, number, literal or closing bracket."""
    marks, _ = _scan(body)
    points = [i if ch == "," else i + 1 for i, ch in marks if ch in '"}],']
    points.append(len(body))
    return sorted(set(points))


def _open_brackets(text: str) -> list[str] | None:
    """The brackets still open at the end of `text`; None if a string is left open."""
    marks, in_str = _scan(text)
    if in_str:
        return None
    stack: list[str] = []
    for _, ch in marks:
        if ch in "{[":
            stack.append(ch)
        elif ch in "}]":
            if not stack:
                return None
            stack.pop()
    return stack
