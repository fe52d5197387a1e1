"""Where the tests find what they read: the repository, its test data and the shared sample corpus.

Test modules sit at different depths (tests/unit/<stage>/, tests/pipeline/, tests/e2e/), so none
of them works out these places from its own file.
"""

from __future__ import annotations

import csv
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
PACKAGE = REPO / "workflow"
TEMPLATES = REPO / "templates"
DATA = TESTS / "data"
# The shared sample corpus lives beside the repository (<repo>/../shared/corpus); it is read
# there, never copied in.
CORPUS = REPO.parent / "shared" / "corpus"


def corpus_files_with_headers() -> list[tuple[str, str]]:
    """(relative path, category) of every corpus file with headers; [] if the corpus is missing
    (the tests that use it then fail on purpose: see test_the_sample_corpus_is_present)."""
    labels = CORPUS / "labels.tsv"
    if not labels.is_file():
        return []
    with labels.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [(row["file"], row["category"]) for row in rows if row.get("body_only") == "no"]
