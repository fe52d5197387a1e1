"""Language data: how people write in each language, read from ``languages/<code>.yaml``.

Each file says, for one language, which phrases mean confirm, decline, withdraw, erasure,
question or interest, what negates them, which words hedge them, how questions open, how a
bare "yes" reads, and where a person's own words end (sign-offs, reply attributions). The
format is documented in ``languages/README.md``; organisers can add or correct a language
without touching code. Files are validated when callflow starts (one error line naming the
file and key) and compiled once into ``Languages``, which ``intents`` reads.

This module only reads the files and compiles patterns; what the patterns mean when a mail is
read is decided in ``intents``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..config import shipped_languages_dir
from ..config_errors import describe
from ..errors import ConfigError

Intent = Literal["confirm", "decline", "withdraw", "erasure", "question", "interest"]
ExampleIntent = Literal["confirm", "decline", "withdraw", "erasure", "question", "interest", "none"]

# Built-in macros: a short stretch inside one clause, and the end of a clause. Sentences are
# single lines with single spaces, so gaps never leave the sentence.
BUILTIN_MACROS = {
    "ANY": r"[^,;:!?\n]{0,80}?",
    "END": r"(?=\s*(?:[,.!;]|$))",  # looked at, not taken: a comma after it still ends the clause
}
_MACRO = re.compile(r"\{\{(\w+)\}\}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnyOf(_Model):
    any_of: list[str] = Field(min_length=1)


class GapSpec(_Model):
    not_across: list[str] = Field(min_length=1)
    max_chars: int = Field(default=50, gt=0, le=200)


class Gap(_Model):
    gap: GapSpec


class Cue(_Model):
    intent: Intent
    name: str = Field(pattern=r"^[a-z0-9-]+$")
    triggers: list[str] = Field(min_length=1)
    pattern: str
    negated: Literal["drop", "keep"] | Intent = "drop"
    desire: bool = False
    attention: bool = False


class Negation(_Model):
    inside: str
    before: str = ""
    before_window: int = Field(default=30, ge=0, le=200)
    drop_window: int = Field(default=25, ge=0, le=200)
    after: str = ""


class Conditions(_Model):
    before: str = ""
    after: str = ""


class Questions(_Model):
    strong_openers: str = ""
    weak_openers: str = ""
    statements: str = ""
    statement_words: list[str] = Field(default_factory=list)
    fillers: list[str] = Field(default_factory=list)


class Gdpr(_Model):
    request: str = ""
    access: str = ""


class Signoffs(_Model):
    phrases: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)
    thanks: list[str] = Field(default_factory=list)


class ReplyHistory(_Model):
    attribution_openers: list[str] = Field(default_factory=list)
    attribution_verbs: list[str] = Field(default_factory=list)
    forward_markers: list[str] = Field(default_factory=list)
    header_from: list[str] = Field(default_factory=list)
    header_fields: list[str] = Field(default_factory=list)


class Unsure(_Model):
    pattern: str = ""
    word_pairs: list[str] = Field(default_factory=list)
    conjunctions: list[str] = Field(default_factory=list)

    @field_validator("word_pairs")
    @classmethod
    def _two_words(cls, pairs: list[str]) -> list[str]:
        for pair in pairs:
            if len(pair.split()) != 2:
                raise ValueError(f"{pair!r}: a pair is two words, the first and last of a phrase")
        return pairs


class Subject(_Model):
    reply_prefixes: list[str] = Field(default_factory=list)
    negation: list[str] = Field(default_factory=list)
    withdraw: list[str] = Field(default_factory=list)
    decline_first: list[str] = Field(default_factory=list)
    erasure: list[str] = Field(default_factory=list)
    law_request: list[str] = Field(default_factory=list)
    question: list[str] = Field(default_factory=list)
    interest_first: list[str] = Field(default_factory=list)


class Example(_Model):
    text: str
    attention: bool | None = None  # also check needs_attention when given


class LanguageFile(_Model):
    language: str = Field(pattern=r"^[a-z]{2}$")
    name: str
    order: int = 100
    macros: dict[str, str | AnyOf | Gap] = Field(default_factory=dict)
    cues: list[Cue] = Field(min_length=1)
    # Frequent words of the language (articles, pronouns, prepositions, "thanks"), folded: a mail's
    # cues are read only in the languages whose words it uses most (see intents.languages_of).
    common_words: list[str] = Field(default_factory=list)
    law_names: list[str] = Field(default_factory=list)
    erasure_article_words: list[str] = Field(default_factory=list)  # cited with 17: "Art. 17"
    gdpr: Gdpr = Field(default_factory=Gdpr)
    negation: Negation
    clause_boundary: str = r"[,;:()]| - "
    question_clause_words: list[str] = Field(default_factory=list)
    conditions: Conditions = Field(default_factory=Conditions)
    hedges: list[str] = Field(default_factory=list)
    desire: str = ""
    obligation: str = ""
    questions: Questions = Field(default_factory=Questions)
    requests: str = ""
    yes_replies: str = ""
    thanks: str = ""
    farewells: str = ""
    greetings: str = ""
    signoffs: Signoffs = Field(default_factory=Signoffs)
    reply_history: ReplyHistory = Field(default_factory=ReplyHistory)
    abbreviations: list[str] = Field(default_factory=list)
    phrases: dict[str, str] = Field(default_factory=dict)
    unsure: Unsure = Field(default_factory=Unsure)
    subject: Subject = Field(default_factory=Subject)
    # Sentences as practitioners write them, by the intent they mean: checked by the tests and
    # by scripts/confusion.py (see languages/README.md for how each is read).
    examples: dict[ExampleIntent, list[str | Example]] = Field(default_factory=dict)


@dataclass(frozen=True)
class CompiledCue:
    lang: str
    intent: str
    name: str
    negated: str  # "drop", "keep", or the intent a negated cue turns into
    triggers: frozenset[str]
    rx: re.Pattern[str]
    desire: bool
    weak: bool  # a law name: counts only with a request or deletion word in the sentence
    attention: bool


# Languages are told apart once the best one's frequent words weigh at least this much; then a
# language is read when it scores at least this share of the best.
MIN_LANGUAGE_EVIDENCE = 1.5
LANGUAGE_SHARE = 0.5


@dataclass(eq=False)  # compared (and cached) by identity: one compiled set per folder
class Languages:
    """Every language file, validated and compiled: what ``intents`` reads mail with."""

    files: list[LanguageFile]
    cues: list[CompiledCue] = field(default_factory=list)
    # Frequent words per language, each weighing 1/n when n languages list it ("de" is French,
    # Spanish, Portuguese and Romanian; "veuillez" only French).
    word_weights: dict[str, dict[str, float]] = field(default_factory=dict)
    always_read: frozenset[str] = frozenset()  # languages without frequent words: nothing tells them apart
    weights_by_word: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    def written_in(self, words: set[str]) -> frozenset[str] | None:
        """The languages a text's words are written in; None when too few words tell (a bare
        "Yes, thanks"): then every language is read.

        Every language's cues would otherwise run on every sentence, and one language's phrase is
        another's ordinary word: folded Romanian "participare" (participation) is Spanish
        "participaré" (I will take part). Languages close to the best score stay: related
        languages share words, and a mixed mail is read in both.
        """
        if not self.word_weights:
            return None
        scores = dict.fromkeys(self.word_weights, 0.0)
        for word in words & self.weights_by_word.keys():  # the mail's words, not every list
            for lang, weight in self.weights_by_word[word]:
                scores[lang] += weight
        best = max(scores.values())
        if best < MIN_LANGUAGE_EVIDENCE:
            return None
        floor = best * LANGUAGE_SHARE
        return frozenset(lang for lang, score in scores.items() if score >= floor) | self.always_read

    @property
    def codes(self) -> list[str]:
        return [f.language for f in self.files]

    def by_code(self, code: str) -> LanguageFile:
        return next(f for f in self.files if f.language == code)


def alternatives(items: list[str]) -> str:
    """'(?:a|b)' from regex alternatives; '' for none."""
    items = [i for i in items if i]
    return "(?:" + "|".join(items) + ")" if items else ""


def _expand(source: str, macros: dict[str, str], where: str, seen: tuple[str, ...] = ()) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in seen:
            raise ConfigError(f"{where}: macro {name} refers to itself")
        if name in BUILTIN_MACROS:
            return BUILTIN_MACROS[name]
        if name not in macros:
            raise ConfigError(f"{where}: unknown macro {{{{{name}}}}}")
        return _expand(macros[name], macros, where, (*seen, name))

    return _MACRO.sub(one, source)


def _macro_source(value: str | AnyOf | Gap) -> str:
    if isinstance(value, AnyOf):
        return alternatives([w.strip() for w in value.any_of])
    if isinstance(value, Gap):
        subjects = "|".join(value.gap.not_across)
        return rf"(?:(?!\b(?:{subjects})\b)[^,;:!?\n]){{0,{value.gap.max_chars}}}?"
    return value


def compile_pattern(source: str, where: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(source, flags)
    except re.error as exc:
        raise ConfigError(f"{where}: not a valid pattern: {exc}") from None


def _compile_file(data: LanguageFile, path: Path) -> list[CompiledCue]:
    macros = {name: _macro_source(value) for name, value in data.macros.items()}
    out = []
    for i, cue in enumerate(data.cues):
        where = f"{path}: cues[{i}] ({cue.intent}/{cue.name})"
        rx = compile_pattern(_expand(cue.pattern, macros, where), where, re.M)
        out.append(CompiledCue(data.language, cue.intent, cue.name, cue.negated, frozenset(cue.triggers), rx,
                               cue.desire, False, cue.attention))
    article = alternatives([re.escape(w) for w in data.erasure_article_words])
    # "Art. 17" and "17. člen": the article word before or after its number.
    cited = [rf"{article} ?17", rf"17 ?{article}"] if article else []
    laws = alternatives([*(re.escape(n) for n in data.law_names), *cited])
    if laws:
        # A law named alone is a disclaimer; with a request or deletion word, an erasure request.
        # Triggers are words as sentences are split into them: "tietosuoja-asetus" → "tietosuoja".
        triggers = {re.split(r"\W+", n)[0] for n in data.law_names} | set(data.erasure_article_words)
        where = f"{path}: law_names"
        out.append(CompiledCue(data.language, "erasure", "gdpr", "drop", frozenset(triggers),
                               compile_pattern(rf"\b{laws}\b", where, re.M), False, True, False))
    return out


def _check_patterns(data: LanguageFile, path: Path) -> None:
    """Every pattern compiles on its own, so an error names the key that holds it."""
    plain = {
        "negation.inside": data.negation.inside, "negation.before": data.negation.before,
        "negation.after": data.negation.after, "clause_boundary": data.clause_boundary,
        "conditions.before": data.conditions.before, "conditions.after": data.conditions.after,
        "desire": data.desire, "obligation": data.obligation,
        "questions.strong_openers": data.questions.strong_openers,
        "questions.weak_openers": data.questions.weak_openers, "questions.statements": data.questions.statements,
        "requests": data.requests, "yes_replies": data.yes_replies, "thanks": data.thanks,
        "farewells": data.farewells, "greetings": data.greetings, "gdpr.request": data.gdpr.request,
        "gdpr.access": data.gdpr.access, "unsure.pattern": data.unsure.pattern,
    }
    for key, source in plain.items():
        if source:
            compile_pattern(source, f"{path}: {key}")
            if "(?P<" in source:
                raise ConfigError(f"{path}: {key}: named groups are reserved for callflow; use (?:…)")


# libyaml's loader, when PyYAML was built with it (the wheels are), reads the language files 7×
# faster than the pure-Python one: a second less at every start with 24 languages.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_file(path: Path) -> LanguageFile:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"{path}:{f' line {mark.line + 1}:' if mark else ''} invalid YAML: "
                          f"{getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of keys (see languages/README.md)")
    try:
        data = LanguageFile.model_validate(raw)
    except ValidationError as err:
        # As for config.yaml: a typo is named with the nearest key, ahead of what it leaves missing.
        raise ConfigError(f"{path}: {describe(err, LanguageFile)}") from None
    if data.language != path.stem:
        raise ConfigError(f"{path}: language: {data.language!r} does not match the file name")
    _check_patterns(data, path)
    return data


def load_languages(directory: Path) -> Languages:
    """Read and compile every ``*.yaml`` language file in ``directory``."""
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise ConfigError(f"{directory}: no language files (*.yaml)")
    files = [(read_file(p), p) for p in paths]
    files.sort(key=lambda fp: (fp[0].order, fp[0].language))
    languages = Languages([f for f, _ in files])
    for data, path in files:
        languages.cues.extend(_compile_file(data, path))
    listed: dict[str, int] = {}
    for data, _ in files:
        for word in set(data.common_words):
            listed[word] = listed.get(word, 0) + 1
    languages.word_weights = {
        data.language: {w: 1.0 / listed[w] for w in data.common_words} for data, _ in files if data.common_words
    }
    languages.always_read = frozenset(data.language for data, _ in files if not data.common_words)
    for lang, weights in languages.word_weights.items():
        for word, weight in weights.items():
            languages.weights_by_word.setdefault(word, []).append((lang, weight))
    return languages


@lru_cache(maxsize=8)
def languages_in(directory: Path) -> Languages:
    """The compiled languages of a folder, read once per process."""
    return load_languages(directory)


def shipped_languages() -> Languages:
    return languages_in(shipped_languages_dir())
