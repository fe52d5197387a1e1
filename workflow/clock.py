"""The one place that knows what time it is.

Tests and demos fix the clock with ``--now``; everything else asks ``Clock.now()``.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


class Clock:
    def __init__(self, fixed: datetime | None = None) -> None:
        self._fixed = fixed

    def now(self) -> datetime:
        """An aware datetime (UTC unless --now said otherwise)."""
        if self._fixed is not None:
            return self._fixed
        return datetime.now(UTC)

    @property
    def fixed(self) -> bool:
        return self._fixed is not None


def parse_now(text: str, tz: tzinfo) -> datetime:
    """Parse a --now value; a naive datetime is local to the event's timezone."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value
