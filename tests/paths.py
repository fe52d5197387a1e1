"""Where the tests find what they read: the repository, its test data and the shared sample corpus.

Test modules sit at different depths (tests/unit/<stage>/, tests/pipeline/, tests/e2e/), so none
of them works out these places from its own file.
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
PACKAGE = REPO / "workflow"
TEMPLATES = REPO / "templates"
DATA = TESTS / "data"
# The shared sample corpus lives beside the repository (<repo>/../shared/corpus); it is read
# there, never copied in.
CORPUS = REPO.parent / "shared" / "corpus"
