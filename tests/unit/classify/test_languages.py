"""Language files: each loads, each mistake is one line naming the file and key, and every
example sentence reads as the intent it is filed under."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow.classify.intents import read_example, reader_for
from workflow.classify.language import Example, load_languages, read_file, shipped_languages
from workflow.config import shipped_languages_dir
from workflow.errors import ConfigError

LANGUAGES = shipped_languages()
READER = reader_for(LANGUAGES)
ACTIONS = ("confirm", "decline", "withdraw", "erasure", "question")
EU_LANGUAGES = {"bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv",
                "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv"}


def _examples():
    for file in LANGUAGES.files:
        for intent, items in file.examples.items():
            for i, item in enumerate(items):
                example = item if isinstance(item, Example) else Example(text=item)
                yield pytest.param(file.language, intent, example, id=f"{file.language}-{intent}-{i}")


@pytest.mark.parametrize(("language", "intent", "example"), list(_examples()))
def test_every_example_reads_as_the_intent_it_is_filed_under(language: str, intent: str, example: Example) -> None:
    result = read_example(READER, intent, example.text)
    assert result.intent == intent, (language, example.text, result)
    if example.attention is not None:
        assert result.needs_attention == example.attention, (language, example.text, result)


@pytest.mark.parametrize("language", sorted(LANGUAGES.codes))
def test_each_language_has_several_examples_per_intent_negated_ones_included(language: str) -> None:
    examples = LANGUAGES.by_code(language).examples
    for intent in ACTIONS:
        assert len(examples.get(intent, [])) >= 3, f"{language}: fewer than 3 {intent} examples"
    # Negated and hedged sentences that must not change anyone's state ("I cannot confirm yet").
    assert len(examples.get("none", [])) >= 2, f"{language}: fewer than 2 'none' examples"


def test_the_shipped_languages_are_the_eu_languages() -> None:
    assert set(LANGUAGES.codes) <= EU_LANGUAGES
    assert len(set(LANGUAGES.codes)) == len(LANGUAGES.codes)


# -- mistakes in a language file ------------------------------------------------------------------
def _copy(tmp_path: Path, code: str = "de") -> Path:
    folder = tmp_path / "languages"
    folder.mkdir(exist_ok=True)
    (folder / f"{code}.yaml").write_text((shipped_languages_dir() / f"{code}.yaml").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    return folder / f"{code}.yaml"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("hedges:", "hedgez:", 1), "hedgez: unknown key — did you mean 'hedges'?"),
        (lambda t: t.replace("cues:\n", "cues:\n  - intent: confirm\n    name: broken\n    triggers: [x]\n"
                             "    pattern: '\\bbroken(\\b'\n", 1),
         "cues[0] (confirm/broken): not a valid pattern: missing ), unterminated subpattern"),
        (lambda t: t.replace("{{SUBJ}}{{GAP}}\\b{{ATTEND}}", "{{SUBJ}}{{GAPP}}\\b{{ATTEND}}", 1),
         "unknown macro {{GAPP}}"),
        (lambda t: t.replace("language: de", "language: fr"), "language: 'fr' does not match the file name"),
        (lambda t: t.replace("  - intent: confirm\n", "  - intent: agree\n", 1), "cues.0.intent: Input should be"),
        (lambda t: t + "\n  bad: [\n", "invalid YAML"),
    ],
)
def test_a_mistake_is_one_line_naming_the_file_and_key(tmp_path: Path, change, message: str) -> None:
    path = _copy(tmp_path)
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_languages(path.parent)
    text = str(err.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text, text


def test_a_folder_without_language_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no language files"):
        load_languages(tmp_path)


def test_an_organiser_can_correct_a_language_without_code(tmp_path: Path) -> None:
    """A phrase the shipped file lacks, added to a copy, is read from then on."""
    path = _copy(tmp_path)
    languages = load_languages(path.parent)
    assert reader_for(languages).verdict(reader_for(languages).read("Ich bin mit von der Partie."), True).intent \
        == "none"
    text = path.read_text(encoding="utf-8").replace("cues:\n", (
        "cues:\n  - intent: confirm\n    name: von-der-partie\n    triggers: [partie]\n"
        "    pattern: '\\bmit von der partie\\b'\n    negated: decline\n"), 1)
    path.write_text(text, encoding="utf-8")
    corrected = load_languages(path.parent)
    assert read_file(path).cues[0].name == "von-der-partie"
    result = reader_for(corrected).verdict(reader_for(corrected).read("Ich bin mit von der Partie."), True)
    assert (result.intent, result.cues) == ("confirm", ("de:von-der-partie",))


def test_a_stem_trigger_covers_every_ending(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("cues:\n", (
        "cues:\n  - intent: confirm\n    name: partie\n    triggers: ['partie*']\n"
        "    pattern: '\\bmit von der partie\\w*\\b'\n"), 1), encoding="utf-8")
    reader = reader_for(load_languages(path.parent))
    for text in ("Ich bin mit von der Partie.", "Wir sind mit von der Partien."):
        assert reader.verdict(reader.read(text), True).intent == "confirm", text
