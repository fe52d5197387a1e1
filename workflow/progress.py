"""Progress of a long pass, on a terminal: messages handled / total, rate, time left (rich).

Shown only when stderr is a terminal, not with -q, and only for a pass of at least
``MIN_TOTAL`` messages; it disappears when the pass ends, leaving the summary line. While it is
shown, log lines are printed above it instead of through it. Nothing here touches mail or state.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

MIN_TOTAL = 100


class _RateColumn(TextColumn):
    def __init__(self) -> None:
        super().__init__("")

    def render(self, task):  # type: ignore[no-untyped-def]
        speed = task.finished_speed or task.speed
        return super().render(task) if speed is None else f"{speed:,.0f} msg/s"


class PassProgress:
    """A callable for ``intake_pass(on_progress=…)``; a no-op when not ``enabled``."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._streams: list[tuple[logging.StreamHandler, Any]] = []

    @classmethod
    def for_terminal(cls, quiet: bool) -> PassProgress:
        return cls(enabled=not quiet and sys.stderr.isatty())

    def __enter__(self) -> PassProgress:
        return self

    def __call__(self, handled: int, total: int | None) -> None:
        if not self.enabled or not total or total < MIN_TOTAL:
            return
        if self._progress is None:
            self._start(total)
        assert self._progress is not None and self._task is not None
        self._progress.update(self._task, completed=handled, total=total)

    def _start(self, total: int) -> None:
        self._progress = Progress(
            TextColumn("reading mail"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
            TimeRemainingColumn(), console=Console(stderr=True), transient=True,
        )
        stderr = sys.stderr
        self._progress.start()
        self._task = self._progress.add_task("pass", total=total)
        # Log handlers keep the stream they were made with; point them at rich's stand-in for
        # stderr (started on a terminal, it prints above the bar). The stream to put back is
        # kept here: setStream returns None when the stream does not change.
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream in (sys.__stderr__, stderr):
                self._streams.append((handler, handler.stream))
                handler.setStream(sys.stderr)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()
            for handler, stream in self._streams:
                handler.setStream(stream)
            self._streams = []
            self._progress = None
