"""What the command-line commands share about one invocation: the config it names, the clock it
fixes, and how results are printed.

It reads ``--config``/``CALLFLOW_CONFIG`` and ``--now`` from the parsed arguments and writes to
standard output; it holds no command logic (``cli_commands``) and builds no parser (``cli``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from datetime import tzinfo
from pathlib import Path
from typing import Any

from . import config as config_mod
from .clock import Clock, parse_now
from .errors import UsageError


def load_config(args: argparse.Namespace) -> config_mod.Config:
    path = args.config or os.environ.get("CALLFLOW_CONFIG") or config_mod.DEFAULT_CONFIG
    return config_mod.load(Path(path))


def make_clock(args: argparse.Namespace, cfg: config_mod.Config) -> Clock:
    return clock_in(args, cfg.event.tz)


def clock_in(args: argparse.Namespace, tz: tzinfo) -> Clock:
    """The clock --now asks for (a naive --now is local to ``tz``), or the real one."""
    if not args.now:
        return Clock()
    try:
        return Clock(parse_now(args.now, tz))
    except ValueError:
        raise UsageError(f"--now: not an ISO datetime: {args.now!r}") from None


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_csv(rows: list[dict[str, Any]], columns: list[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (";".join(map(str, row[k])) if isinstance(row.get(k), list) else row.get(k)) for k in columns})
