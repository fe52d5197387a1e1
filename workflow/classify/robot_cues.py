"""What robots are called and what they say: the cue tables of the robot guards and bounce detection.

This module is language data. It holds, in the languages real servers write them:

* out-of-office subjects (autoresponders that send no helpful header);
* the mailboxes and display names mail systems send their reports from (MAILER-DAEMON in its
  spellings, postmaster, "Mail Delivery System", Exchange's "System Administrator", ...);
* what delivery-failure reports say in prose, and the subjects MTAs give them;
(mailing-list managers' cues are in ``list_cues``; how cues are matched, in ``cue_matching``).

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
from collections.abc import Iterable, Mapping
from enum import Enum
from functools import lru_cache

from .cue_matching import TAG_PREFIX, Phrases, fold, language_at_start, name_form, strip_marks

__all__ = [
    "MailSystem",
    "hints_at_bounce",
    "is_bounce_subject",
    "is_out_of_office_subject",
    "mail_system_sender",
    "says_delivery_failed",
]


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



def _compile(table: list[tuple[str, str]], tail: str) -> list[tuple[str, re.Pattern[str]]]:
    # An optional opening bracket lets "[Auto-Reply] ..." and "(Out of office)" match.
    return [(lang, re.compile(r"^[\[(<]?\s*(?:" + strip_marks(pat) + ")" + tail)) for lang, pat in table]


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
    for text in dict.fromkeys((folded, TAG_PREFIX.sub("", folded, count=1))):
        lang = language_at_start(_STRONG_RE, text) or language_at_start(_WEAK_RE, text)
        if lang:
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

_MAIL_DAEMON = re.compile("(?:" + "|".join(MAIL_DAEMON_NAMES) + ")")
_MAIL_SYSTEM_ROLE = re.compile("(?:" + "|".join(MAIL_SYSTEM_ROLE_NAMES) + ")")



@lru_cache(maxsize=4096)  # every mail asks about the same few senders
def mail_system_sender(local_part: str, display_name: str = "") -> MailSystem | None:
    """Whether a sender's local part or display name is the mail system's, and how surely."""
    names = [name for name in (name_form(local_part), name_form(display_name)) if name]
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
_DELIVERY_FAILURE = Phrases(DELIVERY_FAILURE_PHRASES)
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
        "|".join(strip_marks(p) for table in tables for patterns in table.values() for p in patterns),
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
