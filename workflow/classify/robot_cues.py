"""What robots are called and what they say: the cue tables of the robot guards and bounce detection.

This module is language data. It holds, in the languages real servers write them:

* out-of-office subjects (autoresponders that send no helpful header);
* the subjects MTAs give delivery-failure reports.

It owns the tables and the small matchers that read them. It must not look at a ``Message``
(callers pass strings), decide a kind, or keep state: guards.py decides whether a mail is a
robot's, bounces.py which addresses failed, and both read these tables, so a cue added here
counts in both. To extend a language, add a line to its table; each table says how it is matched.

Text is compared in a folded form (:func:`fold`): NFKD, combining marks removed, case-folded,
whitespace collapsed. Regular expressions are written in lower case, with "ss" for "ß"; their
marks are stripped when they are compiled, as the text's are (an "é" matches as "e", a Japanese
"で" as "て", on both sides).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = [
    "fold",
    "hints_at_bounce",
    "is_bounce_subject",
    "is_out_of_office_subject",
]


def _strip_marks(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """The form every cue is matched on: NFKD, marks removed, case-folded, whitespace collapsed."""
    return " ".join(_strip_marks(text).casefold().split())


# --------------------------------------------------------------------------- #
# Out-of-office subjects
# --------------------------------------------------------------------------- #

# Everything is matched on a folded form of the subject: NFKD, combining marks
# removed, casefolded, whitespace collapsed.  So patterns are written without
# accents ("reponse automatique" matches "Réponse automatique"), "ß" is "ss", and a
# full-width colon "：" is ":".

# What may follow a marker phrase.  Responders put a separator and the original
# subject (or nothing) after it; people write more words ("Automatic reply not
# received", "Absence policy").
# A plain hyphen only separates when spaced ("Abwesend - Mai"), so compounds such
# as "Auto-Reply-Funktion defekt?" or "Absent-minded" stay human.
_SEP = r"(?=\s*(?:$|[:\u2013\u2014|()\[\]<>,.!/])|\s+-)"
# Single words need a tighter tail: the word alone, or a separator right after it.
_WEAK_SEP = r"(?=\s*(?:$|[:\u2013\u2014|()\[\]<>])|\s+-)"
# "Out of office" also appears as "Out of Office AutoReply: ..." (Notes),
# "Out of office until 3 May", etc.  "Out of office hours ..." must not match.
_OOO_TAIL = (
    r"(?=\s+-|\s*(?:$|[:\u2013\u2014|()\[\]<>,.!/]|auto[- ]?reply|auto[- ]?response|reply|response|"
    r"notice|notification|message|alert|until|till|through|thru|from|since|returning|back\b|\d))"
)

# Strong markers: phrases a person practically never starts a new subject with.
# Deliberately absent: bare "Auto:" (Dovecot/Pigeonhole's default vacation prefix,
# but also German for "car" - "Auto: Parkplatz?"); Pigeonhole always sends
# "Auto-Submitted: auto-replied", so its replies are caught by the header anyway.
_STRONG: list[tuple[str, str]] = [
    ("en", r"automatic(ally)? (reply|response|answer)" + _SEP),
    ("en", r"automated (reply|response|answer)" + _SEP),
    ("en", r"auto[- ]?(reply|response|respond|responder|answer)" + _SEP),
    ("en", r"out[- ]of[- ](the[- ])?office" + _OOO_TAIL),
    ("en", r"ooo" + _WEAK_SEP),  # "OOO: back Monday", but not "Ooo, great news"
    ("en", r"away from (the |my )?(office|desk)" + _SEP),
    ("en", r"vacation (auto[- ]?)?(reply|response|notice|message|notification)" + _SEP),
    # Lotus/IBM Notes: "Jane Doe is out of the office." (whole subject, maybe a date)
    (
        "en",
        r"[\w .,'-]{1,80}? is (currently )?out of (the )?office\.?(\s*\(?(returning|back|until|till)\b.*)?$",
    ),
    ("de", r"(automatische )?abwesenheits(notiz|nachricht|meldung|benachrichtigung)" + _SEP),
    ("de", r"automatische antwort" + _SEP),
    ("de", r"autom\. antwort" + _SEP),
    ("de", r"[\w .,'-]{1,80}? ist (ausser haus|nicht im buro|abwesend)\.?(\s*\(?(zuruck|bis)\b.*)?$"),
    ("fr", r"reponse automatique" + _SEP),
    ("fr", r"absent(e)? du bureau" + _SEP),
    ("fr", r"message d'absence" + _SEP),
    ("fr", r"[\w .,'-]{1,80}? est absent(e)?( du bureau)?\.?(\s*\(?(retour|jusqu)\b.*)?$"),
    ("nl", r"automatisch (antwoord|bericht)" + _SEP),
    ("nl", r"afwezigheidsmelding" + _SEP),
    ("nl", r"buiten kantoor" + _SEP),
    ("es", r"respuesta automatica" + _SEP),
    ("es", r"fuera de (la )?oficina" + _SEP),
    ("it", r"risposta automatica" + _SEP),
    ("it", r"risposta (di )?(fuori sede|non al computer)" + _SEP),
    ("it", r"fuori (sede|ufficio)" + _SEP),
    ("pt", r"resposta automatica" + _SEP),
    ("pt", r"fora do escritorio" + _SEP),
    ("sv", r"automatiskt svar" + _SEP),
    ("sv", r"franvaromeddelande" + _SEP),
    # "Autosvar" is Swedish, Danish and Norwegian Outlook alike; reported as "sv".
    ("sv", r"autosvar" + _SEP),
    # "Automatisk svar" is Danish and Norwegian; reported as "da".
    ("da", r"automatisk svar" + _SEP),
    ("pl", r"(odpowiedz automatyczna|automatyczna odpowiedz)" + _SEP),
    ("pl", r"poza biurem" + _SEP),
    ("fi", r"automaattinen vastaus" + _SEP),
    ("cs", r"automaticka odpoved" + _SEP),
    ("ru", r"автоматически[йи] ответ" + _SEP),
    ("tr", r"otomatik (yanit|cevap)" + _SEP),
    ("hu", r"automatikus valasz" + _SEP),
    ("ja", r"自動(応答|返信)" + _SEP),
    ("zh", r"(自动回复|自动答复|自動回覆|自動回復)" + _SEP),
]

# Weak markers: single words a person *could* start a subject with ("Absence
# policy", "Assente alla riunione").  They only count when the word is the whole
# subject or is directly followed by a separator ("Absence: ...", "Abwesend - ...").
_WEAK: list[tuple[str, str]] = [
    # "Absence"/"Absent" are English and French alike; reported as "en".
    ("en", r"(absence|absent|away)"),
    ("de", r"(abwesend|abwesenheit|nicht im buro|ausser haus)"),
    ("fr", r"absente"),
    ("nl", r"(afwezig|afwezigheid|niet aanwezig)"),
    # "Ausente"/"Ausencia" are Spanish and Portuguese ("Ausência") alike; reported as "es".
    ("es", r"(ausente|ausencia)"),
    ("it", r"(assente|assenza)"),
    ("sv", r"(franvaro|franvarande)"),
    ("no", r"(fravær|fraværende|ikke pa kontoret)"),
    ("pl", r"(nieobecnosc|nieobecny|nieobecna)"),
]

# Gateways prepend tags ("[EXTERNAL] Automatic reply: ..."); skip up to three short
# bracketed tags so the responder's marker is at the start again.
_TAG_PREFIX = re.compile(r"^(?:\s*(?:\[[^\]]{1,30}\]|\*{1,3}[^*]{1,30}\*{1,3})){1,3}\s*")


def _compile(table: list[tuple[str, str]], tail: str) -> list[tuple[str, re.Pattern[str]]]:
    # An optional opening bracket lets "[Auto-Reply] ..." and "(Out of office)" match.
    return [(lang, re.compile(r"^[\[(<]?\s*(?:" + _strip_marks(pat) + ")" + tail)) for lang, pat in table]


_STRONG_RE = _compile(_STRONG, "")
_WEAK_RE = _compile(_WEAK, _WEAK_SEP)


def is_out_of_office_subject(subject: str) -> str | None:
    """Language code if ``subject`` starts like an out-of-office/auto-reply, else ``None``.

    Only the start of the subject counts (after gateway tags such as ``[EXTERNAL]``);
    ``Re:``/``Fwd:`` prefixes are not skipped, see guards.py's judgement calls.  For words
    shared by several languages the first one listed wins (``Autosvar`` -> ``sv``).
    """
    if not subject:
        return None
    try:
        folded = fold(subject)
    except Exception:
        return None
    candidates = [folded]
    untagged = _TAG_PREFIX.sub("", folded, count=1)
    if untagged != folded:
        candidates.append(untagged)
    for text in candidates:
        for table in (_STRONG_RE, _WEAK_RE):
            for lang, pattern in table:
                if pattern.match(text):
                    return lang
    return None




# --------------------------------------------------------------------------- #
# Delivery-failure subjects
# --------------------------------------------------------------------------- #

# Subjects MTAs give delivery failures, searched anywhere in the folded subject. They are
# corroboration only, never enough alone: a person may write "my mail was returned".
BOUNCE_SUBJECTS: dict[str, tuple[str, ...]] = {
    "en": (
        r"undeliver", r"returned mail", r"return(ed)? to sender", r"delivery (status )?notification",
        r"delivery fail", r"failed delivery", r"failure delivery", r"failure notice", r"delivery has failed",
        r"could not be delivered", r"not (be )?delivered", r"non[- ]?deliver", r"mail system error",
        r"delivery problem", r"delayed mail", r"could not send", r"message delayed",
    ),
    "ja": (r"配信できません", r"エラー"),
}
# Looser subject hints that only open bounce detection's closer reading of a mail (a project's
# "delivery report" or a Japanese "配信" — a stream — are people's subjects too).
BOUNCE_SUBJECT_HINTS: dict[str, tuple[str, ...]] = {
    "en": (
        r"delivery (report|error|incomplete|delayed|warning)", r"returning message to sender",
        r"mail delivery", r"could not deliver", r"couldn't be delivered", r"unable to deliver",
        r"mail failure", r"postmaster notify", r"see transcript", r"message (you sent )?blocked",
        r"\bdsn\b", r"\bndn\b",
    ),
    "de": (r"unzustellbar", r"nicht zugestellt"),
    "fr": (r"non remis",),
    "it": (r"non recapitabile",),
    "es": (r"no (se pudo )?entregad",),
    "nl": (r"niet bezorgd",),
    "ru": (r"недоставлен", r"не доставлен"),
    "ja": (r"配信", r"送信エラー", r"届きません", r"返送"),
}


def _alternation(*tables: Mapping[str, Iterable[str]]) -> re.Pattern[str]:
    return re.compile(
        "|".join(_strip_marks(p) for table in tables for patterns in table.values() for p in patterns),
        re.IGNORECASE,
    )


_BOUNCE_SUBJECT = _alternation(BOUNCE_SUBJECTS)
_BOUNCE_SUBJECT_OR_HINT = _alternation(BOUNCE_SUBJECTS, BOUNCE_SUBJECT_HINTS)


def is_bounce_subject(subject: str) -> bool:
    """The subject looks like a delivery-failure report's (BOUNCE_SUBJECTS)."""
    return bool(subject) and bool(_BOUNCE_SUBJECT.search(fold(subject)))


def hints_at_bounce(subject: str) -> bool:
    """The subject looks like a delivery-failure report's or hints at one (BOUNCE_SUBJECT_HINTS)."""
    return bool(subject) and bool(_BOUNCE_SUBJECT_OR_HINT.search(fold(subject)))
