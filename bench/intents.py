#!/usr/bin/env python3
"""Intent reading cost: every human mail is read with every language file (cues gated by trigger
words), so adding languages must not make reading slow. Measured in one run, on the applicants'
mail of the labelled set (tests/data/classify) and the shared corpus's human mail:
  parse       callflow's parse() of each message (the reference);
  intents     reading the sender's own words once and both verdicts (invited / not invited);
and prints intents/parse, the number of languages and cues, and messages per second.
Usage: .venv/bin/python bench/intents.py [ROUNDS]   (default 20)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workflow.classify.intents import reader_for  # noqa: E402
from workflow.classify.language import shipped_languages  # noqa: E402
from workflow.parse import parse  # noqa: E402


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    files = sorted((ROOT / "tests" / "data" / "classify").glob("*.eml"))
    files += sorted((ROOT.parent / "shared" / "corpus" / "human").glob("*"))
    raws = [p.read_bytes() for p in files if p.is_file()]
    languages = shipped_languages()
    reader = reader_for(languages)
    mails = [parse(raw) for raw in raws]
    texts = [(m.reply_text, m.subject) for m in mails]

    t = time.perf_counter()
    for _ in range(rounds):
        for raw in raws:
            parse(raw)
    parse_s = time.perf_counter() - t

    t = time.perf_counter()
    for _ in range(rounds):
        for text, subject in texts:
            reading = reader.read(text, subject)
            reader.verdict(reading, True)
            reader.verdict(reading, False)
    intents_s = time.perf_counter() - t

    n = rounds * len(raws)
    print(f"{len(raws)} messages × {rounds} rounds; {len(languages.files)} languages, {len(languages.cues)} cues")
    print(f"parse   : {parse_s / n * 1e3:.3f} ms/message")
    print(f"intents : {intents_s / n * 1e3:.3f} ms/message ({n / intents_s:.0f} messages/s)")
    print(f"ratio intents/parse = {intents_s / parse_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
