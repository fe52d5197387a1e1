#!/usr/bin/env python3
"""Print a confusion table of classified kind × expected kind over a folder of labelled mail,
or of intents per language over the language files' own example sentences.

Usage: .venv/bin/python scripts/confusion.py [--config config.yaml] DIR [LABELS.tsv]
       .venv/bin/python scripts/confusion.py --languages [--config config.yaml] [CODE…]

LABELS.tsv has a header row with at least `file` and `kind` (and optionally `intent`,
`reply_allowed`); the default is DIR/labels.tsv. Also prints intent accuracy and every
message where a robot would have been answered (that must be zero).

With --languages: every example of every language file (the config's paths.languages, or the
shipped ones) is read as languages/README.md says, with all languages loaded at once; prints,
per language, how many examples of each intent read right, the wrong ones, and the ones that
changed a state although a person should have decided (a wrong action is worse than a flag).
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
from workflow.classify.intents import read_example, reader_for  # noqa: E402
from workflow.classify.language import Example, load_languages  # noqa: E402
from workflow.parse import parse  # noqa: E402

ROBOTS = {"auto_reply", "bounce", "list", "spam", "unparseable"}


INTENT_COLUMNS = ("confirm", "decline", "withdraw", "erasure", "question", "interest", "none")
ACTIONS = {"confirm", "decline", "withdraw", "erasure"}


def languages_table(config_path: str, only: list[str]) -> int:
    languages = load_languages(config_mod.load(config_path).languages_dir)
    reader = reader_for(languages)
    print("language  " + "".join(i[:8].rjust(10) for i in INTENT_COLUMNS) + "       all  wrong actions")
    wrong, failures = [], 0
    totals = [0, 0, 0]
    for file in languages.files:
        if only and file.language not in only:
            continue
        cells, ok_all, n_all, bad_actions = [], 0, 0, 0
        for intent in INTENT_COLUMNS:
            items = file.examples.get(intent, [])
            ok = 0
            for item in items:
                example = item if isinstance(item, Example) else Example(text=item)
                got = read_example(reader, intent, example.text)
                right = got.intent == intent and (example.attention is None or got.needs_attention == example.attention)
                ok += right
                if not right:
                    wrong.append(f"{file.language} {intent}: {example.text!r} → {got.intent}"
                                 f"{' (flagged)' if got.needs_attention else ''} {', '.join(got.cues)}")
                    # A person would have been asked (flagged, or no action): that is safe; acting
                    # on the wrong intent is not.
                    if got.intent in ACTIONS and got.intent != intent and not got.needs_attention:
                        bad_actions += 1
            cells.append(f"{ok}/{len(items)}" if items else "-")
            ok_all += ok
            n_all += len(items)
        failures += n_all - ok_all
        totals = [totals[0] + ok_all, totals[1] + n_all, totals[2] + bad_actions]
        print(f"{file.language:<10}" + "".join(c.rjust(10) for c in cells) + f"{ok_all}/{n_all}".rjust(10)
              + f"{bad_actions:>15}")
    print(f"\nall languages: {totals[0]}/{totals[1]} examples read right; wrong actions: {totals[2]}")
    if wrong:
        print("\nwrong:")
        for line in wrong:
            print("  " + line)
    return 1 if failures else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=str(Path(__file__).resolve().parents[1] / "config.yaml"))
    ap.add_argument("--languages", action="store_true", help="intents per language, from the examples")
    ap.add_argument("paths", nargs="*", metavar="DIR [LABELS.tsv] | CODE…")
    args = ap.parse_args()
    if args.languages:
        return languages_table(args.config, args.paths)
    if not args.paths or len(args.paths) > 2:
        ap.error("name a folder of labelled mail (and its labels file), or use --languages")
    args.folder, args.labels = args.paths[0], (args.paths[1] if len(args.paths) > 1 else None)
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
