"""Classification against labelled mail: our own set in tests/data/classify, and the shared corpus.

The hard safety property is checked on every message: a robot is never answerable.
"""

from __future__ import annotations

import csv

import pytest

from tests import paths
from tests.cfg import base_config, write_config
from tests.paths import CORPUS
from workflow import config as config_mod
from workflow.classify import ClassifyContext, classify
from workflow.parse import parse

DATA = paths.DATA / "classify"
ROBOTS = {"auto_reply", "bounce", "list", "spam", "unparseable"}


def labelled() -> list[dict[str, str]]:
    with open(DATA / "labels.tsv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> ClassifyContext:
    tmp = tmp_path_factory.mktemp("cfg")
    data = base_config(tmp)
    data["organisers"].append({"name": "Ben Organiser", "email": "ben.organiser@example.org"})
    return ClassifyContext.from_config(config_mod.load(write_config(tmp, data)))


@pytest.mark.parametrize("row", labelled(), ids=lambda r: r["file"])
def test_labelled_set(row: dict[str, str], ctx: ClassifyContext) -> None:
    got = classify(parse((DATA / row["file"]).read_bytes()), ctx)
    assert got.kind == row["kind"], got.reason
    assert got.reply_allowed == (row["reply_allowed"] == "true")
    if row["kind"] in ROBOTS:
        assert got.reply_allowed is False
    if row["applicant_email"] and row["kind"] in ("survey_response", "applicant_message"):
        assert got.applicant_email == row["applicant_email"]
    if row["kind"] == "bounce":
        expected = [a for a in row["bounced_recipients"].split(",") if a]
        assert sorted(got.bounced_recipients) == sorted(expected)


def test_intent_accuracy_on_the_labelled_set(ctx: ClassifyContext) -> None:
    rows = [r for r in labelled() if r["kind"] == "applicant_message"]
    right = [r["file"] for r in rows if classify(parse((DATA / r["file"]).read_bytes()), ctx).intent == r["intent"]]
    # Measured 64/65 when written; a regression below 90 % fails.
    assert len(right) / len(rows) >= 0.90, sorted(set(r["file"] for r in rows) - set(right))


def corpus_rows() -> list[dict[str, str]]:
    with open(CORPUS / "labels.tsv", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh, delimiter="\t") if r["body_only"] == "no"]


def test_corpus_robots_are_never_answerable_and_people_are(ctx: ClassifyContext) -> None:
    wrong = []
    for row in corpus_rows():
        got = classify(parse((CORPUS / row["file"]).read_bytes()), ctx)
        if row["category"] in ("bounce", "report") and (got.reply_allowed or got.kind not in ROBOTS):
            wrong.append((row["file"], got.kind, got.rule))
        if row["category"] == "bounce" and got.kind != "bounce":
            wrong.append((row["file"], got.kind, got.rule))
        if row["category"] == "human" and got.kind != "applicant_message":
            wrong.append((row["file"], got.kind, got.rule))
    assert wrong == []


def test_corpus_malformed_mail_never_crashes(ctx: ClassifyContext) -> None:
    for row in corpus_rows():
        if row["category"] in ("malformed", "robustness"):
            got = classify(parse((CORPUS / row["file"]).read_bytes()), ctx)
            assert got.kind in ("applicant_message", "unparseable", "auto_reply", "list", "bounce", "spam")


def test_corpus_body_only_human_text_is_a_person_not_garbage(ctx: ClassifyContext) -> None:
    with open(CORPUS / "labels.tsv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["body_only"] == "yes"]
    assert rows
    for row in rows:
        got = classify(parse((CORPUS / row["file"]).read_bytes()), ctx)
        assert got.kind == "applicant_message", (row["file"], got.reason)
