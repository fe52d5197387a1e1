"""Where an applicant's own words are, and their sentences: the text the intent cues read.

A safety net after ``parse``'s reply stripping (which uses mail-parser-reply): lines starting
with ``>`` are dropped, and the text is cut at forwarded-message separators, unquoted reply
attributions ("On … wrote:"), Outlook's "From:/Sent:" header blocks, the ``-- `` signature
delimiter, inline-PGP signatures and sign-off lines, as the language files (``languages/``)
spell them in every language. Then links and addresses go, the text is case-folded with
accents removed (``fold``), hard-wrapped lines are re-joined, and it is split into sentences
with their word sets. Nothing here reads intents (``intents``) or touches a message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .language import Languages, alternatives

_PS = re.compile(r"^p\.?\s?s\b", re.I)
_LINKS = re.compile(r"(?:https?://|www\.)\S+")
_ADDRESSES = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|<[^<>\s]*@[^<>\s]*>")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_TRANSLATE = str.maketrans(
    {
        "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2013": " - ", "\u2014": " - ", "\u00a0": " ", "\u2026": "...",
        "\u037e": "?",  # the Greek question mark (it decomposes to ";", a clause boundary)
    }
)
# Words (runs of letters and digits) via str.translate + split: C speed, no regex scan. Only
# the Latin range is mapped: letters of every script stay (Polish "ł", Danish "ø", Greek and
# Cyrillic), punctuation and symbols become spaces.
NON_WORD = str.maketrans({c: " " for c in map(chr, range(0x250)) if not c.isalnum()})

_UNSURE_MARK = "unsure"




def words(text: str) -> set[str]:
    return set(text.translate(NON_WORD).split())


def fold(text: str) -> str:
    """Case-folded, accent-free, with unified apostrophes/quotes/dashes: how cues see text."""
    text = text.casefold()
    if text.isascii():
        return text
    text = text.translate(_TRANSLATE)
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


@dataclass
class Sentences:
    """Sentences, one per line of ``body``, with offsets and word sets."""

    body: str
    starts: list[int]
    ends: list[int]
    tokens: list[set[str]]


def _lines_to_sentences(text: str) -> list[str]:
    """Lines (paragraphs) cut after final punctuation; white space collapsed. String methods
    only: a regex scan of the whole text costs more than all of this."""
    pieces: list[str] = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        if not line:
            continue
        for mark in ". ", "! ", "? ", "; ":
            if mark in line:
                line = line.replace(mark, mark[0] + "\n")
        pieces.extend(line.split("\n"))
    return pieces


class SentencePreparer:
    """Own words → normalised sentences, with the tables of a set of language files."""

    def __init__(self, languages: Languages) -> None:
        files = languages.files
        # Where a sender's own words end.
        history = [f.reply_history for f in files]
        openers = alternatives([o for h in history for o in h.attribution_openers])
        verbs = alternatives([v for h in history for v in h.attribution_verbs])
        self.attribution = re.compile(
            rf"^(?:{openers}\b.{{0,250}}|.{{0,250}}(?:@|>).{{0,100}})\b{verbs}\b.{{0,120}}:\s*$", re.I
        )
        markers_list = [m for h in history for m in h.forward_markers]
        markers = alternatives(markers_list)
        self.separator = re.compile(
            r"^(?:--\s*|-{2,}\s*[^-]{2,60}?\s*-{2,}|_{8,}" + (rf"|{markers}\s*:?.*" if markers else "") + r")$", re.I
        )
        # The separator pattern is only tried on lines starting like one (it runs on every line).
        self.separator_starts = frozenset("-_" + "".join(m[:1].casefold() for m in markers_list))
        header_from = alternatives([w for h in history for w in h.header_from])
        self.header_from = re.compile(rf"^{header_from}\s*:\s*\S", re.I)
        self.header_next = re.compile(rf"^{alternatives([w for h in history for w in h.header_fields])}\s*:", re.I)
        phrases = alternatives([p for f in files for p in f.signoffs.phrases])
        signoff_words = alternatives([w for f in files for w in f.signoffs.words])
        closing_thanks = alternatives([t for f in files for t in f.signoffs.thanks])
        # Multi-word phrases may be followed by a name on the same line; single words only by
        # punctuation and ", Name" (so "Best time for me is the morning" stays content);
        # "Thanks," (with the comma) closes a mail, "Thanks!" on its own line often opens one.
        self.signoff = re.compile(
            rf"^(?:{phrases}\b[\s,.!]*[^\n]{{0,30}}"
            rf"|{signoff_words}\b[.!]?(?:\s*,\s*[^\n,.!?]{{0,30}})?"
            rf"|{closing_thanks},\s*[^\n,.!?]{{0,30}})$",
            re.I,
        )
        abbreviations = alternatives([*(a for f in files for a in f.abbreviations), r"\d{1,2}"])
        # Dots that do not end a sentence: "Art. 17", "z.B. ", "am 12. März".
        self.abbrev_before = re.compile(rf"(?:^|[^\w.]){abbreviations}$")

        # Phrases whose negation words negate nothing, and uncertainty ("not sure if").
        self.presub_map = {k: v for f in files for k, v in f.phrases.items()}
        unsure = "|".join(f.unsure.pattern for f in files if f.unsure.pattern)
        self.unsure_conjunctions = frozenset(c for f in files for c in f.unsure.conjunctions)
        keys = "|".join(re.escape(k) for k in self.presub_map)
        self.presub = re.compile(
            (rf"\b(?:{keys})\b|" if keys else "") + (rf"\b(?P<unsure>{unsure})\b" if unsure else r"(?P<unsure>(?!))")
        )
        pairs: dict[str, frozenset[str]] = {}
        for first, last in [
            *((k.split()[0].split("'")[0], k.split()[-1]) for k in self.presub_map),
            *(tuple(p.split()) for f in files for p in f.unsure.word_pairs),
        ]:
            pairs[first] = pairs.get(first, frozenset()) | {last}
        self.presub_pairs = pairs

    def _presub_needed(self, words: set[str]) -> bool:
        return any(words & self.presub_pairs[w] for w in words.intersection(self.presub_pairs))

    def _own_lines(self, text: str) -> list[str]:
        """The lines that are the sender's own: no quotes, no history, no signature."""
        lines = text.splitlines()
        out: list[str] = []
        skipping_signature = False
        pgp_header = False
        for i, raw in enumerate(lines):
            line = raw.strip()
            if line.startswith(">"):
                continue
            # Inline PGP (clear-signed text): the armor is not an "-----Original Message-----"
            # separator. Skip its header lines, un-escape "- " lines, stop at the signature.
            if line == "-----BEGIN PGP SIGNED MESSAGE-----":
                pgp_header = True
                continue
            if pgp_header:
                pgp_header = bool(line)  # "Hash: SHA256" lines up to the first blank line
                continue
            if line.startswith("-----BEGIN PGP SIGNATURE-----"):
                break
            if line.startswith("- -"):
                line = line[2:]
            if skipping_signature:
                if _PS.match(line):
                    skipping_signature = False
                else:
                    continue
            if line[:1].casefold() in self.separator_starts and self.separator.match(line):
                break
            if line.endswith(":") and self.attribution.match(line):
                # "On … wrote:" followed by ">" lines may be an inline reply, the sender's own
                # lines between the quoted blocks: keep reading (quoted lines are dropped anyway).
                # Followed by unquoted text, it is the start of the history.
                following = next((n.strip() for n in lines[i + 1 :] if n.strip()), "")
                if following.startswith(">"):
                    continue
                break
            if (
                ":" in line[:14]  # "Lähettäjä:", "Αποστολέας:"
                and self.header_from.match(line)
                and any(self.header_next.match(n.strip()) for n in lines[i + 1 : i + 5])
            ):
                break  # Outlook's unquoted "From: … Sent: …" history block
            if len(line) <= 45 and any(out) and self.signoff.match(line):
                skipping_signature = True  # the rest is name, title, disclaimer — unless a P.S. follows
                continue
            out.append(line)
        return out

    def _presub(self, m: re.Match[str]) -> str:
        if m.group("unsure") is not None:
            # One marker word for every language; keep the conjunction ("ob", "si", "of", …).
            last = m.group(0).rsplit(" ", 1)[-1]
            return f"{_UNSURE_MARK} {last}" if last in self.unsure_conjunctions else _UNSURE_MARK
        return self.presub_map[m.group(0)]

    def normalise(self, text: str) -> str:
        """Links and addresses out, folded, non-final dots removed. Sentence splitting follows."""
        if "@" in text:
            text = _ADDRESSES.sub(" ", text)
        if "http" in text or "www." in text:
            text = _LINKS.sub(" ", text)
        text = fold(text)
        cuts = []
        pos = text.find(". ")
        while pos >= 0:
            if self.abbrev_before.search(text, max(0, pos - 7), pos):
                cuts.append(pos)
            pos = text.find(". ", pos + 2)
        for pos in reversed(cuts):
            text = text[:pos] + text[pos + 1 :]
        return text

    def split(self, normalised: str) -> Sentences:
        sentences: list[str] = []
        tokens: list[set[str]] = []
        for piece in _lines_to_sentences(normalised):
            piece = piece.strip()
            if not piece:
                continue
            word_set = words(piece)
            if self._presub_needed(word_set):
                replaced = self.presub.sub(self._presub, piece)
                if replaced != piece:
                    piece = replaced
                    word_set = words(piece)
            sentences.append(piece)
            tokens.append(word_set)
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for sentence in sentences:
            starts.append(pos)
            ends.append(pos + len(sentence))
            pos += len(sentence) + 1
        return Sentences("\n".join(sentences), starts, ends, tokens)

    def prepare(self, text: str) -> Sentences:
        """Own words → normalised sentences."""
        # Re-join hard-wrapped lines: a long line without final punctuation continues on the next.
        paragraphs: list[str] = []
        current: list[str] = []
        for line in self._own_lines(text):
            if not line:
                if current:
                    paragraphs.append(" ".join(current))
                    current = []
                continue
            if current and (len(current[-1]) < 50 or current[-1][-1] in ".!?;:"):
                paragraphs.append(" ".join(current))
                current = []
            current.append(line)
        if current:
            paragraphs.append(" ".join(current))
        return self.split(self.normalise("\n".join(paragraphs)))
