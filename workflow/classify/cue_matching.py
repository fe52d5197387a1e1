"""How robot cues are matched: the folded form of text, whole-phrase search, per-language patterns.

Shared by ``robot_cues`` (out-of-office subjects, mail-system senders, delivery failures) and
``list_cues`` (mailing-list managers). Text is compared in a folded form (:func:`fold`): NFKD,
combining marks removed, case-folded, whitespace collapsed. Nothing here holds cue words or
looks at a ``Message``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping


def strip_marks(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """The form every cue is matched on: NFKD, marks removed, case-folded, whitespace collapsed."""
    return " ".join(strip_marks(text).casefold().split())


class Phrases:
    """Plain phrases, found in folded text as whole words at their Latin edges.

    Each phrase is looked for with ``str.find`` rather than through one big regex alternation:
    these run on whole notices, and Python's regex engine tries every alternative at every
    position, which cost ~1 ms a notice.
    """

    def __init__(self, table: Mapping[str, Iterable[str]]) -> None:
        self.phrases = tuple(dict.fromkeys(fold(p) for phrases in table.values() for p in phrases))

    def search(self, folded: str) -> str | None:
        """The first phrase that occurs in ``folded`` as whole words, or None."""
        for phrase in self.phrases:
            start = folded.find(phrase)
            while start >= 0:
                end = start + len(phrase)
                if _word_edge(folded, start - 1, phrase[0]) and _word_edge(folded, end, phrase[-1]):
                    return phrase
                start = folded.find(phrase, start + 1)
        return None


def _word_edge(text: str, index: int, inner: str) -> bool:
    """No word continues across this edge (only Latin letters and digits make words here: CJK
    phrases run into their neighbours)."""
    if not (inner.isascii() and inner.isalnum()) or index < 0 or index >= len(text):
        return True
    return not (text[index].isalnum() or text[index] == "_")


def patterns(table: Mapping[str, Iterable[str]], template: str = "{}") -> list[tuple[str, re.Pattern[str]]]:
    """Regular expressions per language, compiled as the module docstring says."""
    return [
        (lang, re.compile(template.format(strip_marks(pattern)), re.IGNORECASE))
        for lang, patterns in table.items()
        for pattern in patterns
    ]


def language_at_start(patterns: list[tuple[str, re.Pattern[str]]], text: str) -> str | None:
    """The language of the first pattern that matches at the start of ``text``."""
    return next((lang for lang, pattern in patterns if pattern.match(text)), None)


# Gateways prepend tags ("[EXTERNAL] Automatic reply: ..."); skip up to three short
# bracketed tags so the responder's marker is at the start again.
TAG_PREFIX = re.compile(r"^(?:\s*(?:\[[^\]]{1,30}\]|\*{1,3}[^*]{1,30}\*{1,3})){1,3}\s*")
NAME_SEPARATORS = re.compile(r"[-_.+\s]+")


def name_form(text: str) -> str:
    return NAME_SEPARATORS.sub(" ", fold(text)).strip()
