"""What mailing-list managers are called and what their administrative notices say.

This module is language data: the addresses list managers send from (LISTSERV, Majordomo,
"-owner", "-bounces", "+owner", ...) and the wording of their notices (moderation, loops,
probes, rejections, confirmations) in Mailman, Sympa, LISTSERV, Majordomo, ezmlm, mlmmj, fml,
Google Groups and others, with the small matchers that read them. It must not look at a
``Message`` (callers pass strings), decide a kind, or keep state: guards.py decides.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .cue_matching import TAG_PREFIX, Phrases, fold, language_at_start, name_form, patterns

__all__ = [
    "is_list_manager_mailbox",
    "is_list_role_mailbox",
    "list_notice_subject",
    "list_notice_wording",
]

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
    name = name_form(display_name)
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
_LIST_NOTICE_SUBJECT = patterns(LIST_NOTICE_SUBJECTS, r"^[\[(<]?\s*(?:{})")

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
_LIST_NOTICE_PHRASE = Phrases(LIST_NOTICE_PHRASES)
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
    if _REPLY_PREFIX.match(TAG_PREFIX.sub("", folded, count=1)):
        return None
    for text in dict.fromkeys((folded, TAG_PREFIX.sub("", folded, count=1))):
        lang = language_at_start(_LIST_NOTICE_SUBJECT, text)
        if lang:
            return lang
    return None


def list_notice_wording(text: str) -> bool:
    """The text says what list managers' notices say (see LIST_NOTICE_PHRASES)."""
    # A list manager says what happened in its first lines; what follows is the returned post.
    return bool(_LIST_NOTICE_PHRASE.search(fold(text[:_MAX_LIST_NOTICE])))
