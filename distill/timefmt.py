"""Times shown to people: seconds as m:ss / h:mm:ss, and ISO 8601 durations (pure formatting)."""

from __future__ import annotations


def hms(seconds: float) -> tuple[int, int, int]:
    """Whole hours, minutes and seconds of a non-negative time."""
    h, rest = divmod(int(max(0.0, seconds)), 3600)
    m, s = divmod(rest, 60)
    return h, m, s


def clock(seconds: float | None, *, pad_minutes: bool = False, unknown: str = "") -> str:
    """Seconds as m:ss (mm:ss with pad_minutes) or h:mm:ss; `unknown` when None."""
    if seconds is None:
        return unknown
    h, m, s = hms(seconds)
    if h:
        return f"{h}:{m:02d}:{s:02d}"
    return f"{m:02d}:{s:02d}" if pad_minutes else f"{m}:{s:02d}"


def iso_duration(seconds: float | None) -> str | None:
    """Seconds as an ISO 8601 duration (PT1H2M3S), for schema.org."""
    if seconds is None:
        return None
    h, m, s = hms(seconds)
    return "PT" + (f"{h}H" if h else "") + (f"{m}M" if m or h else "") + f"{s}S"
