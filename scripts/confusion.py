#!/usr/bin/env python3
"""Print a confusion table of classified kind × expected kind over a folder of labelled mail.

Usage: .venv/bin/python scripts/confusion.py [--config config.yaml] DIR [LABELS.tsv]

LABELS.tsv has a header row with at least `file` and `kind` (and optionally `intent`,
`reply_allowed`); the default is DIR/labels.tsv. Also prints intent accuracy and every
message where a robot would have been answered (that must be zero).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workflow import config as config_mod  # noqa: E402
from workflow.classify import KINDS, ClassifyContext, classify  # noqa: E402
from workflow.parse import parse  # noqa: E402

ROBOTS = {"auto_reply", "bounce", "list", "spam", "unparseable"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=str(Path(__file__).resolve().parents[1] / "config.yaml"))
    ap.add_argument("folder")
    ap.add_argument("labels", nargs="?")
    args = ap.parse_args()
    folder = Path(args.folder)
    labels_path = Path(args.labels) if args.labels else folder / "labels.tsv"
    ctx = ClassifyContext.from_config(config_mod.load(args.config))
    with open(labels_path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    table: Counter[tuple[str, str]] = Counter()
    intents_ok = intents_total = 0
    answered_robots, wrong = [], []
    for row in rows:
        path = folder / row["file"]
        if not path.is_file():
            continue
        got = classify(parse(path.read_bytes()), ctx)
        expected = row["kind"]
        table[(expected, got.kind)] += 1
        if got.kind != expected:
            wrong.append(f"{row['file']}: expected {expected}, got {got.kind} ({got.rule})")
        if expected in ROBOTS and got.reply_allowed:
            answered_robots.append(row["file"])
        if row.get("intent") and expected == "applicant_message" and got.kind == expected:
            intents_total += 1
            if got.intent == row["intent"]:
                intents_ok += 1
            else:
                wrong.append(f"{row['file']}: intent expected {row['intent']}, got {got.intent}")
    kinds = [k for k in KINDS if any(k in pair for pair in table)]
    width = max(len(k) for k in kinds) + 2
    print("expected \\ got".ljust(width) + "".join(k[:10].rjust(11) for k in kinds))
    for exp in kinds:
        print(exp.ljust(width) + "".join(str(table.get((exp, got), "")).rjust(11) for got in kinds))
    total = sum(table.values())
    correct = sum(n for (e, g), n in table.items() if e == g)
    print(f"\nkind accuracy: {correct}/{total}")
    if intents_total:
        print(f"intent accuracy (applicant messages classified as such): {intents_ok}/{intents_total}")
    print(f"robots that would have been answered: {len(answered_robots)} {answered_robots or ''}")
    if wrong:
        print("\nmismatches:")
        for line in wrong:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
