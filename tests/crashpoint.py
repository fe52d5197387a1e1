"""Run the callflow CLI in a process that dies (os._exit, no cleanup of any kind) at a chosen
point of the send journal: ``python -m tests.crashpoint POINT N -- ARGS…``.

POINT is one of ``before-handover``, ``after-handover``, ``before-done``, ``after-done``; the
process dies there on the N-th mail. Used by the crash-window tests to kill a pass exactly where
a real crash could land, which a kill -9 at a random moment hits only by chance.
"""

from __future__ import annotations

import os
import sys

from workflow import outbox
from workflow.cli import main

DIED = 137


def _dying(method, point: str, nth: int):
    """The journal step wrapped to die at POINT on the N-th mail (handovers come in groups)."""
    calls = 0

    def wrapper(self, keys) -> None:
        nonlocal calls
        reached = calls < nth <= calls + (len(keys) if isinstance(keys, list) else 1)
        calls += len(keys) if isinstance(keys, list) else 1
        if reached and point.startswith("before-"):
            os._exit(DIED)
        method(self, keys)
        if reached and point.startswith("after-"):
            os._exit(DIED)

    return wrapper


if __name__ == "__main__":
    point, nth, sep, *args = sys.argv[1:]
    assert sep == "--", "usage: python -m tests.crashpoint POINT N -- ARGS…"
    name = point.split("-", 1)[1]  # handover | done
    setattr(outbox.SendJournal, name, _dying(getattr(outbox.SendJournal, name), point, int(nth)))
    sys.exit(main(args))
