"""Survey notifications → applicant fields.

A survey tool mails one notification per response. This module reads the ``Label: value``
shape (labels from ``survey.fields`` in the config, matched case- and space-insensitively;
an answer may continue over several lines). Fields whose label is not configured are kept
under their own label so nothing the applicant wrote is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.utils import parseaddr

_LABEL_LINE = re.compile(r"^\s*([^:\n]{1,80}?)\s*:\s*(.*)$")
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


def label_key(label: str) -> str:
    """Labels compare without case, punctuation at the ends, or repeated spaces."""
    return re.sub(r"\s+", " ", label).strip(" \t*:?").casefold()


@dataclass
class SurveyResponse:
    fields: dict[str, str] = field(default_factory=dict)  # canonical name → answer
    extra: dict[str, str] = field(default_factory=dict)  # unconfigured label → answer
    problems: list[str] = field(default_factory=list)

    @property
    def email(self) -> str | None:
        return self.fields.get("email")

    @property
    def name(self) -> str | None:
        return self.fields.get("name")


def valid_email(value: str) -> str | None:
    """A plain addr-spec, lowercased, or None."""
    _, addr = parseaddr(value.strip())
    addr = addr.strip()
    if addr and _EMAIL.match(addr):
        return addr.lower()
    return None


def build_label_index(fields: dict[str, list[str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, labels in fields.items():
        for label in [canonical, *labels]:
            index.setdefault(label_key(label), canonical)
    return index


def from_pairs(pairs: list[tuple[str, str]], label_index: dict[str, str]) -> SurveyResponse:
    """Question/answer pairs (from any survey shape) → a response with canonical fields."""
    response = SurveyResponse()
    for label, value in pairs:
        value = value.strip()
        canonical = label_index.get(label_key(label))
        if canonical:
            if canonical not in response.fields or not response.fields[canonical]:
                response.fields[canonical] = value
        elif value:
            response.extra[label.strip()] = value
    raw_email = response.fields.get("email")
    if raw_email is None:
        response.problems.append("no email address field")
    else:
        checked = valid_email(raw_email)
        if checked is None:
            response.problems.append(f"email field is not a valid address: {raw_email[:80]!r}")
            response.fields.pop("email")
        else:
            response.fields["email"] = checked
    return response


def parse_label_lines(text: str, label_index: dict[str, str]) -> list[tuple[str, str]]:
    """``Label: value`` lines; a line that is not a known label continues the previous answer."""
    pairs: list[tuple[str, str]] = []
    for line in text.splitlines():
        match = _LABEL_LINE.match(line)
        if match and (label_key(match.group(1)) in label_index or not pairs or _looks_like_label(match)):
            pairs.append((match.group(1), match.group(2)))
        elif pairs and line.strip():
            label, value = pairs[-1]
            pairs[-1] = (label, f"{value}\n{line.strip()}" if value else line.strip())
    return pairs


def _looks_like_label(match: re.Match[str]) -> bool:
    # An unknown "Label: value" line starts a new field only if the label is short and
    # reads like a question label, not like a sentence that happens to contain a colon.
    label = match.group(1)
    return len(label.split()) <= 6 and not label.rstrip().endswith((".", "!"))


def parse_text(text: str, fields: dict[str, list[str]]) -> SurveyResponse:
    index = build_label_index(fields)
    return from_pairs(parse_label_lines(text, index), index)
