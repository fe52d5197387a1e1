"""Classification rules as data: ``mailbox_rules/*.yaml``.

Each file holds ``rules:``, an ordered list; files are read in name order. A rule has a
``name``, a ``when`` condition and a ``then`` outcome. The first rule whose condition holds
decides. Rules are validated and compiled once, at load: a typo is one ConfigError naming the
file and the rule. Conditions (all keys given in one mapping must hold):

    header: {name: X-Spam-Flag, equals|contains|regex|exists: ...}
    from / to / reply_to: {address: [...], domain: [...], regex: ...}
    subject / body: {equals|contains|regex: ...}      (body = the sender's own words)
    attachment: {type: text/csv, name: '\\.csv$'}      (type may end in /*; name is a regex)
    flags: [automatic, has_calendar_reply, has_attachment, is_reply, from_organiser, ...]
    all: [...], any: [...], not: {...}

String tests are case-insensitive; ``equals``/``contains`` accept a string or a list (any of).
The outcome: ``kind`` (one of the SPEC's kinds), optional ``intent``, ``folder`` (where the
mail is filed), ``needs_attention``, ``reason``. Rules run after the built-in guards and can
never make callflow answer a robot: the classifier forces ``reply_allowed: false`` for mail
the guards found automatic, whatever a rule says.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import ConfigError

Kind = Literal[
    "survey_response", "applicant_message", "organiser_command", "auto_reply", "bounce", "list", "spam",
    "unparseable",
]
Intent = Literal["confirm", "decline", "withdraw", "question", "erasure", "interest", "none"]
FLAGS = {
    "automatic", "has_calendar_reply", "has_attachment", "is_reply", "from_organiser", "from_survey_sender",
    "html_only",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class TextMatch(_Strict):
    equals: str | list[str] | None = None
    contains: str | list[str] | None = None
    regex: str | None = None
    exists: bool | None = None

    @model_validator(mode="after")
    def _one_test(self) -> TextMatch:
        if all(v is None for v in (self.equals, self.contains, self.regex, self.exists)):
            raise ValueError("give one of equals, contains, regex, exists")
        return self


class HeaderMatch(TextMatch):
    name: str


class AddressMatch(_Strict):
    address: str | list[str] | None = None
    domain: str | list[str] | None = None
    regex: str | None = None


class AttachmentMatch(_Strict):
    type: str | None = None
    name: str | None = None


class Condition(_Strict):
    header: HeaderMatch | list[HeaderMatch] | None = None
    from_: AddressMatch | None = Field(default=None, alias="from")
    to: AddressMatch | None = None
    reply_to: AddressMatch | None = None
    subject: TextMatch | None = None
    body: TextMatch | None = None
    attachment: AttachmentMatch | None = None
    flags: list[str] | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @field_validator("flags")
    @classmethod
    def _known_flags(cls, value: list[str] | None) -> list[str] | None:
        unknown = set(value or ()) - FLAGS
        if unknown:
            raise ValueError(f"unknown flag(s) {sorted(unknown)}; known: {sorted(FLAGS)}")
        return value


class Outcome(_Strict):
    kind: Kind
    intent: Intent | None = None
    folder: str | None = None
    needs_attention: bool | None = None
    reason: str = ""


class RuleModel(_Strict):
    name: str = Field(min_length=1)
    when: Condition
    then: Outcome
    enabled: bool = True


class RuleFile(_Strict):
    rules: list[RuleModel] = Field(default_factory=list)


@dataclass
class Facts:
    """What a rule can look at, computed once per mail by the classifier."""

    headers: Callable[[str], list[str]]
    from_addr: str
    to: list[str]
    reply_to: list[str]
    subject: str
    body_text: Callable[[], str]  # the sender's own words, computed only if a rule asks
    attachments: list[tuple[str, str]]  # (content type, file name)
    flags: set[str]


@dataclass
class Rule:
    name: str
    source: str
    test: Callable[[Facts], bool]
    outcome: Outcome


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _text_test(m: TextMatch) -> Callable[[str | None], bool]:
    equals = {v.casefold() for v in _as_list(m.equals)}
    contains = [v.casefold() for v in _as_list(m.contains)]
    pattern = re.compile(m.regex, re.IGNORECASE | re.MULTILINE) if m.regex is not None else None
    exists = m.exists

    def test(value: str | None) -> bool:
        if exists is not None and (value is not None) != exists:
            return False
        if value is None:
            return exists is False
        folded = value.casefold()
        if equals and folded.strip() not in equals:
            return False
        if contains and not any(c in folded for c in contains):
            return False
        return not (pattern and not pattern.search(value))

    return test


def _address_test(m: AddressMatch) -> Callable[[list[str]], bool]:
    addresses = {a.lower() for a in _as_list(m.address)}
    domains = [d.lower().lstrip("@") for d in _as_list(m.domain)]
    pattern = re.compile(m.regex, re.IGNORECASE) if m.regex else None

    def one(addr: str) -> bool:
        if addresses and addr not in addresses:
            return False
        dom = addr.rpartition("@")[2]
        if domains and not any(dom == d or dom.endswith("." + d) for d in domains):
            return False
        return not (pattern and not pattern.search(addr))

    return lambda values: any(one(a) for a in values)


def _compile(c: Condition) -> Callable[[Facts], bool]:
    tests: list[Callable[[Facts], bool]] = []
    for h in ([c.header] if isinstance(c.header, HeaderMatch) else c.header or []):
        t = _text_test(h)
        name = h.name
        tests.append(lambda f, t=t, name=name: any(t(v) for v in f.headers(name)) or (not f.headers(name) and t(None)))
    if c.from_:
        t_from = _address_test(c.from_)
        tests.append(lambda f: t_from([f.from_addr] if f.from_addr else []))
    if c.to:
        t_to = _address_test(c.to)
        tests.append(lambda f: t_to(f.to))
    if c.reply_to:
        t_rt = _address_test(c.reply_to)
        tests.append(lambda f: t_rt(f.reply_to))
    if c.subject:
        t_subj = _text_test(c.subject)
        tests.append(lambda f: t_subj(f.subject))
    if c.attachment:
        a = c.attachment
        name_re = re.compile(a.name, re.IGNORECASE) if a.name else None
        want = (a.type or "").lower()

        def att(f: Facts) -> bool:
            for ctype, fname in f.attachments:
                if want and not (ctype == want or (want.endswith("/*") and ctype.startswith(want[:-1]))):
                    continue
                if name_re and not name_re.search(fname or ""):
                    continue
                return True
            return False

        tests.append(att)
    if c.flags:
        needed = set(c.flags)
        tests.append(lambda f: needed <= f.flags)
    if c.not_:
        neg = _compile(c.not_)
        tests.append(lambda f: not neg(f))
    if c.all:
        subs = [_compile(s) for s in c.all]
        tests.append(lambda f: all(s(f) for s in subs))
    if c.any:
        alts = [_compile(s) for s in c.any]
        tests.append(lambda f: any(s(f) for s in alts))
    if c.body:
        # Last: the sender's own words are computed (quote stripping) only if everything
        # cheaper already matched.
        t_body = _text_test(c.body)
        tests.append(lambda f: t_body(f.body_text()))
    if not tests:
        return lambda f: True
    return lambda f: all(t(f) for t in tests)


def _error(source: str, data: Any, err: ValidationError) -> str:
    first = err.errors()[0]
    loc = list(first["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        index = loc[1]
        rules = data.get("rules") if isinstance(data, dict) else None
        name = rules[index].get("name") if isinstance(rules, list) and isinstance(rules[index], dict) else None
        where = f"rule {name!r}" if name else f"rule #{index + 1}"
        loc = loc[2:]
    path = ".".join(str(p) for p in loc if not str(p).startswith(("function-", "list[", "str")))
    msg = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        msg = "unknown key"
    elif first["type"] == "missing":
        msg = "required key is missing"
    return f"{source}: {where + ': ' if where else ''}{path + ': ' if path else ''}{msg}"


def load_rules(directory: Path) -> list[Rule]:
    """All rules from ``directory/*.yaml`` in file-name order, validated and compiled."""
    rules: list[Rule] = []
    names: dict[str, str] = {}
    if not directory.is_dir():
        raise ConfigError(f"paths.rules: {directory} is not a directory")
    for path in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
        source = f"{directory.name}/{path.name}"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ConfigError(
                f"{source}:{' line ' + str(mark.line + 1) + ':' if mark else ''} invalid YAML: "
                f"{getattr(exc, 'problem', None) or exc}"
            ) from None
        try:
            parsed = RuleFile.model_validate(data)
        except ValidationError as err:
            raise ConfigError(_error(source, data, err)) from None
        for model in parsed.rules:
            if model.name in names:
                raise ConfigError(f"{source}: rule {model.name!r}: name already used in {names[model.name]}")
            names[model.name] = source
            if not model.enabled:
                continue
            try:
                test = _compile(model.when)
            except re.error as exc:
                raise ConfigError(f"{source}: rule {model.name!r}: invalid regex: {exc}") from None
            rules.append(Rule(model.name, source, test, model.then))
    return rules


def first_match(rules: list[Rule], facts: Facts) -> Rule | None:
    for rule in rules:
        if rule.test(facts):
            return rule
    return None
