"""Robots that write in prose or send administrative notices, and the people who look like them.

Mail-system role accounts reporting a delivery failure without a DSN part, mailing-list managers'
notices without list headers, bulk newsletters: each must be a robot (never answered, the right
kind, the failed recipient named when the prose names it). People at role addresses, or who write
about a delivery failure or a moderation notice, must stay people. The cue tables themselves are
checked too: every phrase is found as written, in its own language.
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests import robot_notices as notices
from tests.cfg import base_config, write_config
from workflow import config as config_mod
from workflow.classify import ClassifyContext, classify, list_cues, robot_cues
from workflow.classify.guards import robot_verdict
from workflow.classify.rules import load_rules
from workflow.parse import parse

ROBOT_KINDS = {"auto_reply", "bounce", "list"}


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> ClassifyContext:
    tmp = tmp_path_factory.mktemp("cfg")
    return ClassifyContext.from_config(config_mod.load(write_config(tmp, base_config(tmp))))


@pytest.mark.parametrize("sample", notices.ROBOTS, ids=lambda s: s.name)
def test_robots_are_never_answered_and_get_their_kind(sample: notices.Sample, ctx: ClassifyContext) -> None:
    got = classify(parse(sample.raw), ctx)
    assert (got.kind, got.automatic, got.reply_allowed) == (sample.kind, True, False), got.reason
    assert sorted(got.bounced_recipients) == sorted(sample.bounced)


@pytest.mark.parametrize("sample", notices.ROBOTS, ids=lambda s: s.name)
def test_the_guard_alone_finds_every_robot(sample: notices.Sample) -> None:
    # The guard runs before anything may answer, whatever bounce detection or a rule says later.
    msg = message_from_bytes(sample.raw, policy=policy.compat32)
    assert robot_verdict(msg, own_addresses=[notices.CONTACT]) is not None


@pytest.mark.parametrize("sample", notices.PEOPLE, ids=lambda s: s.name)
def test_people_who_look_like_robots_are_people(sample: notices.Sample, ctx: ClassifyContext) -> None:
    got = classify(parse(sample.raw), ctx)
    assert (got.kind, got.reply_allowed, got.bounced_recipients) == ("applicant_message", True, []), got.reason
    assert robot_verdict(message_from_bytes(sample.raw, policy=policy.compat32)) is None


def test_a_bounced_applicant_is_named_from_the_prose(ctx: ClassifyContext) -> None:
    carrier = notices.PROSE_BOUNCES[0]
    got = classify(parse(carrier.raw), ctx)
    # The address in "RCPT TO:" failed; ours (MAIL FROM, From) never counts as bounced.
    assert got.applicant_email == "3125550143@vtext.example.com"
    assert notices.CONTACT not in got.bounced_recipients


def test_no_rule_makes_a_list_notice_answerable(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "10-local.yaml").write_text(
        "rules:\n"
        "  - name: everything-is-a-person\n"
        "    when: {subject: {regex: '.'}}\n"
        "    then: {kind: applicant_message}\n",
        encoding="utf-8",
    )
    ctx = ClassifyContext.from_config(
        config_mod.load(write_config(tmp_path, base_config(tmp_path))), tmp_path / "rules"
    )
    assert [rule.name for rule in ctx.rules] == [rule.name for rule in load_rules(tmp_path / "rules")]
    held = next(s for s in notices.LIST_NOTICES if s.name.startswith("Mailman 2 held message, from -owner"))
    got = classify(parse(held.raw), ctx)
    assert got.rule == "everything-is-a-person"
    assert got.automatic is True and got.reply_allowed is False


# --------------------------------------------------------------------------- the cue tables


@pytest.mark.parametrize(
    ("local", "display", "expected"),
    [
        ("MAILER-DAEMON", "", robot_cues.MailSystem.DAEMON),
        ("Mailer_Daemon", "", robot_cues.MailSystem.DAEMON),
        ("mailer-daemon", "", robot_cues.MailSystem.DAEMON),
        ("MAIL-DAEMON", "", robot_cues.MailSystem.DAEMON),
        ("Mail.Delivery.System", "", robot_cues.MailSystem.DAEMON),
        ("x", "Mail Delivery Subsystem", robot_cues.MailSystem.DAEMON),
        ("x", "MAILER-DAEMON", robot_cues.MailSystem.DAEMON),
        ("MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e", "", robot_cues.MailSystem.DAEMON),
        ("postmaster", "", robot_cues.MailSystem.ROLE),
        ("Postmaster", "", robot_cues.MailSystem.ROLE),
        ("post_master", "", robot_cues.MailSystem.ROLE),
        ("postmaster-noreply", "", robot_cues.MailSystem.ROLE),
        ("pm", "Post Master", robot_cues.MailSystem.ROLE),
        ("x", "System Administrator", robot_cues.MailSystem.ROLE),
        ("x", "Mail Administrator", robot_cues.MailSystem.ROLE),
        ("x", "Microsoft Outlook", robot_cues.MailSystem.ROLE),
        ("x", "Administrateur système", robot_cues.MailSystem.ROLE),
        ("MDaemon", "", robot_cues.MailSystem.ROLE),
        ("info", "", None),
        ("office", "Exit Programme office", None),
        ("postmistress.jones", "", None),
        ("maria", "Maria Postmaster-Keller", None),
    ],
)
def test_mail_system_senders(local: str, display: str, expected: robot_cues.MailSystem | None) -> None:
    assert robot_cues.mail_system_sender(local, display) is expected


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [(lang, phrase) for lang, phrases in robot_cues.DELIVERY_FAILURE_PHRASES.items() for phrase in phrases],
)
def test_every_delivery_failure_phrase_is_found_as_written(lang: str, phrase: str) -> None:
    assert robot_cues.says_delivery_failed(f"Notice:\n{phrase.upper()}\n(for the message of 1 March)")


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [(lang, phrase) for lang, phrases in list_cues.LIST_NOTICE_PHRASES.items() for phrase in phrases],
)
def test_every_list_notice_phrase_is_found_as_written(lang: str, phrase: str) -> None:
    assert list_cues.list_notice_wording(f"Hello,\n\n{phrase.title()}\n\nThe list manager")


def test_phrases_count_as_whole_words_only() -> None:
    assert not robot_cues.says_delivery_failed("The unbounced ball; no errors, just a long week.")
    assert not robot_cues.says_delivery_failed("Call me on +32 455 12 34 56 or at 0550 123.")
    assert robot_cues.says_delivery_failed("RCPT TO:<a@b.example> 550 5.1.1 user unknown")
    assert robot_cues.says_delivery_failed("550 - Requested action not taken: no such user here")
    assert not list_cues.list_notice_wording("Our sandloop alerts are fine.")


# One real subject per language of LIST_NOTICE_SUBJECTS (Mailman's own translations and others).
LIST_SUBJECTS = {
    "en": "Your message to Wg-network awaits moderator approval",
    "de": "Ihre Nachricht an Praxis wartet auf Bestätigung des Moderators",
    "fr": "Votre message à la liste praticiens est en attente d'approbation",
    "es": "El mensaje enviado a practicas espera la aprobacion del moderador",
    "it": "Il tuo messaggio a pratica attende l'approvazione del moderatore",
    "nl": "Uw bericht aan praktijk wacht op goedkeuring door de moderator",
    "pt": "A sua mensagem para a lista pratica aguarda aprovação",
    "pl": "Wiadomość wysłana na listę praktyka czeka na akceptację",
    "sv": "Meddelandet som du skickade till listan praktik väntar på godkännande av moderatorn.",
    "da": "Meddelelsen du sendte til listen praksis venter på godkendelse fra moderator.",
    "no": "Meldingen du sendte til listen praksis venter på godkjenning av moderatoren.",
    "fi": "Viestisi  kaytanto odottaa pääkäyttäjän hyväksyntää",
    "cs": "Váš příspěvek do konference praxe čeká na schválení moderátorem",
    "ru": "Ваше сообщение в список рассылки praktika ожидает обработки модератора",
    "ja": "praxis に投稿されたメールは、司会者の承認待ちです",
}


def test_every_language_of_list_notice_subjects_has_a_real_subject() -> None:
    assert set(LIST_SUBJECTS) == set(list_cues.LIST_NOTICE_SUBJECTS)


@pytest.mark.parametrize(("lang", "subject"), sorted(LIST_SUBJECTS.items()))
def test_list_notice_subjects(lang: str, subject: str) -> None:
    assert list_cues.list_notice_subject(subject) == lang
    assert list_cues.list_notice_subject("[EXTERNAL] " + subject) == lang
    # Answering or forwarding one is a person's mail.
    assert list_cues.list_notice_subject("Re: " + subject) is None
    assert list_cues.list_notice_subject("Fwd: " + subject) is None


@pytest.mark.parametrize(
    "subject",
    ["Working group meeting", "Your message to me was kind", "Confirm", "confirm my place",
     "Post to the forum", "Welcome to the list of participants?", "Moderation of the session"],
)
def test_people_s_subjects_are_not_list_notices(subject: str) -> None:
    assert list_cues.list_notice_subject(subject) is None


def test_regular_expression_tables_are_written_in_lower_case() -> None:
    # They are matched on case-folded text: an upper-case letter or a "ß" in a pattern would
    # silently never match. (Accents are fine: they are stripped from pattern and text alike.)
    tables = [list_cues.LIST_NOTICE_SUBJECTS, robot_cues.BOUNCE_SUBJECTS, robot_cues.BOUNCE_SUBJECT_HINTS]
    for table in tables:
        for patterns in table.values():
            for pattern in patterns:
                literal = re.sub(r"\\[a-zA-Z]", "", pattern)
                assert literal == literal.casefold(), pattern
