"""What robots are called and what they say: the cue tables of the robot guards and bounce detection.

This module is language data. It holds, in the languages real servers write them:

* out-of-office subjects (autoresponders that send no helpful header);
* the mailboxes and display names mail systems send their reports from (MAILER-DAEMON in its
  spellings, postmaster, "Mail Delivery System", Exchange's "System Administrator", ...);
* what delivery-failure reports say in prose, and the subjects MTAs give them;
* the addresses mailing-list managers send from (LISTSERV, Majordomo, "-owner", "-bounces",
  "+owner", ...) and the wording of their administrative notices (moderation, loops, probes,
  rejections, confirmations) in Mailman, Sympa, LISTSERV, Majordomo, ezmlm, mlmmj, fml,
  Google Groups and others.

It owns the tables and the small matchers that read them. It must not look at a ``Message``
(callers pass strings), decide a kind, or keep state: guards.py decides whether a mail is a
robot's, bounces.py which addresses failed, and both read these tables, so a cue added here
counts in both. To extend a language, add a line to its table; each table says how it is matched.

Text is compared in a folded form (:func:`fold`): NFKD, combining marks removed, case-folded,
whitespace collapsed. Plain phrases are written naturally ("Empfänger unbekannt", "配信でき
ませんでした") and folded the same way when compiled. Regular expressions are written in lower
case, with "ss" for "ß"; their marks are stripped when they are compiled, as the text's are (an
"é" matches as "e", a Japanese "で" as "て", on both sides).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from enum import Enum
from functools import lru_cache

__all__ = [
    "MailSystem",
    "fold",
    "hints_at_bounce",
    "is_bounce_subject",
    "is_list_manager_mailbox",
    "is_list_role_mailbox",
    "is_out_of_office_subject",
    "list_notice_subject",
    "list_notice_wording",
    "mail_system_sender",
    "says_delivery_failed",
]


def _strip_marks(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """The form every cue is matched on: NFKD, marks removed, case-folded, whitespace collapsed."""
    return " ".join(_strip_marks(text).casefold().split())


class _Phrases:
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


def _patterns(table: Mapping[str, Iterable[str]], template: str = "{}") -> list[tuple[str, re.Pattern[str]]]:
    """Regular expressions per language, compiled as the module docstring says."""
    return [
        (lang, re.compile(template.format(_strip_marks(pattern)), re.IGNORECASE))
        for lang, patterns in table.items()
        for pattern in patterns
    ]


def _language_at_start(patterns: list[tuple[str, re.Pattern[str]]], text: str) -> str | None:
    """The language of the first pattern that matches at the start of ``text``."""
    return next((lang for lang, pattern in patterns if pattern.match(text)), None)


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
# Mail-system senders
# --------------------------------------------------------------------------- #


class MailSystem(Enum):
    """How surely a sender's name says "the mail system"."""

    DAEMON = "daemon"  # never a person: alone it makes a mail a robot's
    # The mail system's role account: people read and answer from it too (RFC 5321 4.5.1),
    # so it only counts together with a delivery failure in the mail.
    ROLE = "role"


# Matched against a whole local part or display name in "name form": folded, with every run of
# "-", "_", ".", "+" and white space turned into one space ("MAILER-DAEMON", "Mailer_Daemon" and
# "mailer daemon" are all "mailer daemon").
MAIL_DAEMON_NAMES = (
    r"mailer ?daemon",
    r"mail ?daemon",
    r"mail ?delivery ?(sub)?system",
    r"mail ?delivery ?service",
    r"double ?bounce",
    r"courier mail server( at .*)?",
    # Exchange Online's per-tenant system mailbox ("MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e").
    r"microsoftexchange[0-9a-f]{32}",
)
MAIL_SYSTEM_ROLE_NAMES = (
    r"po+st ?master.*",  # postmaster, post_master, "Post Master", postmaster-noreply, poostmaster
    r"mdaemon",
    r"mail ?admin(istrator)?",
    r"system ?administrator",
    r"mail ?(system|server|router|delivery|service)",
    r"e ?mail delivery( system| service)?",
    r"internet mail delivery",
    r"delivery status notification",
    r"microsoft (outlook|exchange)( server)?",
    r"(novell )?groupwise( internet agent)?",
    r"lotus notes",
    r"root",
    r"ndr",
    # Exchange's "System Administrator" in its other languages.
    r"administrateur (du )?systeme",
    r"systemadministrator",
    r"administrador del sistema",
    r"administrador do sistema",
    r"amministratore di sistema",
    r"systeembeheerder",
    r"administrator systemu",
)

_NAME_SEPARATORS = re.compile(r"[-_.+\s]+")
_MAIL_DAEMON = re.compile("(?:" + "|".join(MAIL_DAEMON_NAMES) + ")")
_MAIL_SYSTEM_ROLE = re.compile("(?:" + "|".join(MAIL_SYSTEM_ROLE_NAMES) + ")")


def _name_form(text: str) -> str:
    return _NAME_SEPARATORS.sub(" ", fold(text)).strip()


@lru_cache(maxsize=4096)  # every mail asks about the same few senders
def mail_system_sender(local_part: str, display_name: str = "") -> MailSystem | None:
    """Whether a sender's local part or display name is the mail system's, and how surely."""
    names = [name for name in (_name_form(local_part), _name_form(display_name)) if name]
    if any(_MAIL_DAEMON.fullmatch(name) for name in names):
        return MailSystem.DAEMON
    if any(_MAIL_SYSTEM_ROLE.fullmatch(name) for name in names):
        return MailSystem.ROLE
    return None


# --------------------------------------------------------------------------- #
# Delivery failures in prose
# --------------------------------------------------------------------------- #

# What delivery-failure reports say when they carry no machine-readable part. Plain phrases,
# matched as whole words anywhere in the folded text. They are evidence only for a mail from a
# mail-system sender: a person may well write "my mail could not be delivered".
DELIVERY_FAILURE_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "could not be delivered", "couldn't be delivered", "cannot be delivered", "can't be delivered",
        "could not deliver", "couldn't deliver", "unable to deliver", "failed to deliver",
        "was not delivered", "wasn't delivered", "were not delivered", "not been delivered",
        "undeliverable", "undelivered", "delivery failed", "delivery has failed", "delivery failure",
        "delivery to the following", "failed recipient", "permanent error", "permanent failure",
        "fatal error", "user unknown", "unknown user", "no such user", "no such recipient",
        "no such mailbox", "recipient unknown", "unknown recipient", "invalid recipient",
        "invalid user", "invalid address", "invalid mailbox", "address rejected", "recipient rejected",
        "mailbox unavailable", "mailbox not found", "mailbox does not exist", "mailbox is full",
        "mailbox full", "over quota", "quota exceeded", "does not exist", "returned mail",
        "message was returned", "has been returned", "requested action not taken",
        "relay access denied", "host unknown", "host not found", "domain not found",
        "message expired", "retry timeout exceeded", "giving up", "given up", "was rejected",
        "has been rejected", "bounced",
    ),
    "de": (
        "konnte nicht zugestellt werden", "kann nicht zugestellt werden", "nicht zugestellt",
        "unzustellbar", "nicht zustellbar", "zustellung fehlgeschlagen", "zustellung ist fehlgeschlagen",
        "zustellfehler", "empfänger unbekannt", "unbekannter empfänger", "benutzer unbekannt",
        "unbekannter benutzer", "postfach voll", "postfach ist voll", "existiert nicht",
        "ungültige adresse", "ungültiger empfänger", "wurde abgewiesen", "wurde abgelehnt",
    ),
    "fr": (
        "n'a pas pu être remis", "n'a pas pu être distribué", "n'a pas pu être délivré",
        "n'a pas été remis", "non remis", "non distribué", "échec de la remise",
        "échec de la distribution", "échec de remise", "remise impossible", "impossible de remettre",
        "impossible de distribuer", "impossible de délivrer", "destinataire inconnu",
        "utilisateur inconnu", "adresse inconnue", "adresse invalide", "boîte aux lettres pleine",
        "n'existe pas", "a été rejeté",
    ),
    "es": (
        "no se pudo entregar", "no pudo ser entregado", "no ha podido ser entregado",
        "no se ha podido entregar", "no fue entregado", "no entregado", "error de entrega",
        "fallo en la entrega", "entrega fallida", "imposible entregar", "destinatario desconocido",
        "usuario desconocido", "dirección no válida", "buzón lleno", "no existe", "fue rechazado",
    ),
    "it": (
        "non è stato possibile recapitare", "non è stato possibile consegnare", "non è stato recapitato",
        "non recapitabile", "non recapitato", "non consegnato", "impossibile recapitare",
        "impossibile consegnare", "mancato recapito", "mancata consegna", "errore di consegna",
        "destinatario sconosciuto", "utente sconosciuto", "indirizzo non valido", "casella piena",
        "non esiste", "è stato respinto",
    ),
    "nl": (
        "kon niet worden bezorgd", "kan niet worden bezorgd", "niet bezorgd",
        "kon niet worden afgeleverd", "niet afgeleverd", "onbestelbaar", "bezorging mislukt",
        "aflevering mislukt", "onbekende ontvanger", "ontvanger onbekend", "onbekende gebruiker",
        "gebruiker onbekend", "postvak vol", "mailbox vol", "bestaat niet", "ongeldig adres",
    ),
    "pt": (
        "não pode ser entregue", "não pôde ser entregue", "não foi possível entregar", "não foi entregue",
        "não entregue", "falha na entrega", "erro de entrega", "destinatário desconhecido",
        "usuário desconhecido", "utilizador desconhecido", "caixa de correio cheia", "não existe",
    ),
    "pl": (
        "nie można dostarczyć", "nie została dostarczona", "nie dostarczono", "niedostarczona",
        "nieznany odbiorca", "adresat nieznany",
    ),
    "sv": ("kunde inte levereras", "kan inte levereras", "okänd mottagare", "leveransen misslyckades"),
    "da": ("kunne ikke leveres", "kunne ikke afleveres", "ukendt modtager", "levering mislykkedes"),
    "no": ("ukjent mottaker", "kunne ikke leveres"),
    "fi": ("ei voitu toimittaa", "toimitus epäonnistui", "tuntematon vastaanottaja"),
    "cs": ("nelze doručit", "nemohla být doručena", "nebyla doručena", "nedoručitelná"),
    "hu": ("nem kézbesíthető", "kézbesítés sikertelen"),
    "tr": ("teslim edilemedi",),
    "ru": (
        "не может быть доставлено", "не удалось доставить", "не доставлено", "недоставлено",
        "ошибка доставки", "адресат не найден", "пользователь не найден",
    ),
    "ja": ("配信できませんでした", "送信できませんでした", "配送できませんでした", "宛先不明", "配信エラー", "配信に失敗"),
    "zh": ("退信", "无法投递", "投递失败", "未能送达", "無法傳遞", "無法投遞", "傳送失敗", "邮件被退回"),
    "ko": ("전달되지 않았습니다", "배달 실패", "전송 실패"),
}

# Reply codes as servers quote them: enhanced status codes (RFC 3463, "5.1.1") and SMTP replies
# followed by their text ("550 - Requested action not taken", "550-5.1.1 ...", "552 <x@y>: ...").
_STATUS_CODE = re.compile(r"(?<![\d.])[45]\.\d{1,3}\.\d{1,3}(?![\d.])|(?<![\w.])[45][0-5]\d(?: -)?[ -][a-z<#(]")
_DELIVERY_FAILURE = _Phrases(DELIVERY_FAILURE_PHRASES)
# A notice says what happened at its top; long bodies are not read to the end.
_MAX_NOTICE = 16 * 1024


def says_delivery_failed(text: str) -> bool:
    """The text reports a failed delivery, in words or in reply codes."""
    folded = fold(text[:_MAX_NOTICE])
    return bool(_DELIVERY_FAILURE.search(folded) or _STATUS_CODE.search(folded))


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


# --------------------------------------------------------------------------- #
# Mailing-list managers
# --------------------------------------------------------------------------- #

# Mailboxes only list managers send from (the lower-cased local part must match whole): their
# programs' own addresses, Majordomo's "owner-list" and Mailman's "list-bounces" envelope senders,
# mlmmj's and Groups.io's "list+bounces-…".
LIST_MANAGER_MAILBOXES = (
    r"listserv", r"majordomo", r"sympa", r"mailman", r"ezmlm", r"mlmmj", r"listproc", r"ecartis",
    r"smartlist",
    r"owner-.+",
    r".+-bounces([-+=].*)?",
    r".+\+bounces.*",
)
# Addresses list managers send their notices from besides those: "-owner", "-request", "-admin"
# (fml), ezmlm's "-help"/"-return-…"/"-sc.…", mlmmj's and Google Groups' "+owner(s)", ... A help
# desk may write from "it-help@", so these count only with a notice's wording or another robot sign.
LIST_ROLE_MAILBOXES = (
    r".+[-+](owners?|request|admin|approval|editor|moderators?|mods|help|confirm|return|errors"
    r"|subscribe|unsubscribe|sc|confsub|subconf)([-+.=].*)?",
)
# Display names only list managers use ("L-Soft list server at LISTSERV.EXAMPLE.EDU (16.0)").
LIST_MANAGER_NAMES = (
    r"l soft list server( at .*)?", r"(gnu )?mailman", r"sympa", r"majordomo", r"listserv",
    r"google groups", r"groups io", r"mlmmj", r"ezmlm",
)

_LIST_MANAGER_MAILBOX = re.compile("(?:" + "|".join(LIST_MANAGER_MAILBOXES) + ")")
_LIST_ROLE_MAILBOX = re.compile("(?:" + "|".join(LIST_ROLE_MAILBOXES) + ")")
_LIST_MANAGER_NAME = re.compile("(?:" + "|".join(LIST_MANAGER_NAMES) + ")")


@lru_cache(maxsize=4096)  # every mail asks about the same few senders
def is_list_manager_mailbox(local_part: str, display_name: str = "") -> bool:
    """The sender is a mailing-list manager's own mailbox or name: always a list robot."""
    local = local_part.strip().strip('"').lower()
    if local and _LIST_MANAGER_MAILBOX.fullmatch(local):
        return True
    name = _name_form(display_name)
    return bool(name) and bool(_LIST_MANAGER_NAME.fullmatch(name))


@lru_cache(maxsize=4096)  # every mail asks about the same few senders
def is_list_role_mailbox(local_part: str) -> bool:
    """A list's administrative address ("-owner", "+owners", "-request", ...)."""
    local = local_part.strip().strip('"').lower()
    return bool(local) and bool(_LIST_ROLE_MAILBOX.fullmatch(local))


# Subjects of list managers' administrative notices that nobody starts a new mail with: matched
# at the start of the folded subject (after gateway tags), and enough alone. A subject that starts
# with "Re:", "Fwd:", ... (REPLY_PREFIXES) is a person answering or forwarding one. Mailman's
# wording in its translations, Sympa, LISTSERV, Majordomo, ezmlm, mlmmj.
LIST_NOTICE_SUBJECTS: dict[str, tuple[str, ...]] = {
    "en": (
        r"your (message|mail|post|posting|e-?mail) (to|for) .{1,120}? (awaits|is awaiting|is pending"
        r"|is being held|has been held|was held|is held|requires|needs|is waiting for) .{0,40}?(moderat|approv)",
        r".{1,120}? post from .{1,120}? requires approval",
        r"post(ing)? to .{1,120}?@.{1,120}? (denied|rejected)",
        r"post(ing)? (waiting|awaiting|pending|held) (for )?(approval|moderation)",
        r"request to mailing list .{1,120}? rejected",
        r"posting of your message titled",
        r".{1,120}? mailing list probe message",
        r"rejected posting to ",
        r"confirm [0-9a-f]{16,}$",
        r"moderate for .{1,120}?@",
        r"confirm (un)?subscri(be|ption) (to|from) .{1,120}?@",
        r".{1,120}?@.{1,120}? is a subscribers only list",
        r"majordomo results",
        r"bounce .{1,120}?: (non-member submission|approval required|admin request)",
        r"auto-?response for your message to the .{1,120}? mailing list",
        r"your message for list .{1,120}? has been (rejected|distributed)",
    ),
    "de": (
        r"ihre nachricht an .{1,120}? wartet auf .{0,40}?(bestatigung|freigabe|genehmigung|moderat)",
        r"die aufforderung an die mailingliste .{1,120}? wurde zuruckgewiesen",
        r"automatische beantwortung ihrer nachricht an die mailingliste",
    ),
    "fr": (
        r"votre message (a|pour|sur) (la liste )?.{1,120}? est en attente d'(approbation|moderation)",
        r"message de verification de la liste",
    ),
    "es": (
        r"(el|su) mensaje (enviado )?(a|para) .{1,120}? (espera|esta pendiente de|esta a la espera de) "
        r"(la )?(aprobacion|moderacion)",
        r"mensaje de prueba de la lista",
    ),
    "it": (
        r"il tuo messaggio (a|alla lista|per) .{1,120}? (attende|e in attesa di) "
        r"(l'approvazione|approvazione|moderazione)",
        r"messaggio sonda dalla lista",
    ),
    "nl": (r"uw bericht (aan|naar|voor) .{1,120}? wacht op goedkeuring",),
    "pt": (r"(a )?(sua )?mensagem para a lista .{1,120}? aguarda (aprovacao|moderacao)",),
    "pl": (r"wiadomosc wysłana na liste .{1,120}? czeka na akceptacje",),
    "sv": (r"meddelandet som du skickade till listan .{1,120}? vantar pa godkannande",),
    "da": (r"meddelelsen du sendte til listen .{1,120}? venter pa godkendelse",),
    "no": (r"meldingen du sendte til listen .{1,120}? venter pa godkjenning",),
    "fi": (r"viestisi .{1,120}? odottaa .{0,40}?hyvaksyntaa",),
    "cs": (r"vas prispevek do konference .{1,120}? ceka na schvaleni",),
    "ru": (r"ваше сообщение в список рассылки .{1,120}? ожидает",),
    "ja": (r".{1,120}?に投稿されたメールは、?司会者の承認待ちです",),
}
_LIST_NOTICE_SUBJECT = _patterns(LIST_NOTICE_SUBJECTS, r"^[\[(<]?\s*(?:{})")

# What list managers' notices say, in the subject or the text: plain phrases, matched as whole
# words anywhere. A person may quote them ("I keep getting 'awaits moderator approval'"), so
# they count only when the sender is a robot of some kind (a list or mail-system address, a
# no-reply address, Auto-Submitted, Precedence).
LIST_NOTICE_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "awaits moderator approval", "awaiting moderator approval", "awaiting moderation",
        "pending moderator approval", "pending moderation", "held for moderation",
        "held for moderator approval", "is being held until the list moderator",
        "needs moderator approval", "requires moderator approval",
        "submitted to the moderator", "forwarded to the moderator", "rejected by the list moderator",
        "rejected by the moderator", "was not accepted by the moderator", "have failed to act on your post",
        "this is a probe message", "has received a number of bounces from you",
        "seem to have been bouncing", "mail loop detected", "mailing loop", "loop alert",
        "duplicated message-id", "possible delivery error notice",
        "you are not authorized to send mail to", "returned to you unprocessed",
        "is a subscribers only list", "only subscribers may post", "non-member submission",
        "not a member of this mailing list", "are not member",
        "requesting an automated response", "mail loops between email robots",
        "this is the ezmlm program", "this is the mlmmj program", "automatic response sent by sympa",
        "the gnu mailman server", "l-soft list server", "impossible to distribute your message",
        "subscription confirmation notice",
        "mailing list subscription confirmation",
    ),
    "de": (
        "wartet auf bestätigung des moderators", "wird zurückgehalten, bis der listenmoderator",
        "vom moderator abgelehnt", "mailschleife", "schleife erkannt",
    ),
    "fr": (
        "jusqu'à ce que le modérateur de la liste",
        "rejeté par le modérateur", "boucle de messagerie",
    ),
    "es": (
        "espera la aprobación del moderador", "en espera de que el moderador de la lista",
        "rechazado por el moderador",
    ),
    "it": (
        "attende l'approvazione del moderatore", "in attesa che il moderatore della lista",
        "rifiutato dal moderatore",
    ),
    "nl": ("wacht op goedkeuring door de moderator", "vastgehouden voor goedkeuring door de lijstbeheerder"),
    "pt": ("aguarda aprovação do moderador", "até que o moderador da lista"),
    "pl": ("czeka na akceptację moderatora", "do dalszej decyzji moderatora"),
    "sv": ("väntar på godkännande av moderatorn", "tills moderatorn kan läsa det"),
    "ru": ("ожидает обработки модератора",),
    "ja": ("司会者の承認待ち",),
}
_LIST_NOTICE_PHRASE = _Phrases(LIST_NOTICE_PHRASES)
_MAX_LIST_NOTICE = 4 * 1024


# What mail programs put before the subject of an answer or a forward, per language: a subject
# that starts with one is a person's, whatever follows (several notices start with a list name,
# so their patterns alone would not see the prefix).
REPLY_PREFIXES: dict[str, tuple[str, ...]] = {
    "en": ("re", "fw", "fwd"),
    "de": ("aw", "wg", "antw"),
    "fr": ("tr", "ref"),
    "es": ("rv", "reenviar"),
    "it": ("r", "i", "rif"),
    "nl": ("antw", "doorst"),
    "pl": ("odp", "pd"),
    "sv": ("sv", "vb"),
    "da": ("sv", "vs"),
    "fi": ("vs", "vl"),
    "tr": ("ynt", "ilt"),
    "ja": ("返信", "転送"),
    "zh": ("回复", "答复", "转发"),
}
_REPLY_PREFIX = re.compile(
    r"^[\[(]?\s*(?:"
    + "|".join(re.escape(fold(p)) for prefixes in REPLY_PREFIXES.values() for p in prefixes)
    + r")\s*(?:\[\d+\]|\(\d+\))?\s*[:：]"
)


def list_notice_subject(subject: str) -> str | None:
    """Language code if the subject is a list manager's notice (see LIST_NOTICE_SUBJECTS)."""
    if not subject:
        return None
    folded = fold(subject)
    if _REPLY_PREFIX.match(_TAG_PREFIX.sub("", folded, count=1)):
        return None
    for text in dict.fromkeys((folded, _TAG_PREFIX.sub("", folded, count=1))):
        lang = _language_at_start(_LIST_NOTICE_SUBJECT, text)
        if lang:
            return lang
    return None


def list_notice_wording(text: str) -> bool:
    """The text says what list managers' notices say (see LIST_NOTICE_PHRASES)."""
    # A list manager says what happened in its first lines; what follows is the returned post.
    return bool(_LIST_NOTICE_PHRASE.search(fold(text[:_MAX_LIST_NOTICE])))
