"""Classify: ParsedMail → Classification. No state is read or written here.

Order matters and is fixed: what cannot be parsed is quarantined; our own mail and loops
are dropped from answering; bounces are recognised before anything else looks at the
content; survey notifications are acted on (their *sender* is a robot, the applicant in
them is not); every other robot is never answered; organisers' mail is theirs; what is
left is an applicant writing, whose own words give the intent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import authresults
from ..addresses import AMBIGUOUS_SENDER, several_senders, unanswerable
from ..parse import ParsedMail
from . import bounces, feedback, guards, intents, itip, rules, survey
from .language import Languages, languages_in, shipped_languages

KINDS = (
    "survey_response",
    "applicant_message",
    "organiser_command",
    "auto_reply",
    "bounce",
    "list",
    "spam",
    "unparseable",
)


@dataclass
class Classification:
    kind: str
    automatic: bool
    reply_allowed: bool
    rule: str
    intent: str = "none"
    applicant_email: str | None = None
    applicant_name: str | None = None
    bounced_recipients: list[str] = field(default_factory=list)
    bounce_permanent: bool = True
    needs_attention: bool = False
    reason: str = ""
    survey_fields: dict[str, str] = field(default_factory=dict)
    survey_extra: dict[str, str] = field(default_factory=dict)
    calendar: dict[str, Any] | None = None
    folder: str | None = None  # a rule's explicit target folder
    # Survey notifications: did a trusted server see DKIM/DMARC pass for the sender? Read here,
    # where the whole message is at hand (decisions may get a slimmed copy without headers).
    authentication: authresults.Verdict | None = None
    # The decide stage's choice: (intent, needs_attention) for an invited person ("invited") and
    # for one not invited yet ("not_invited"); ``intent`` is the reading without that knowledge.
    intent_by_invitation: dict[str, tuple[str, bool]] = field(default_factory=dict)

    def as_json(self, file: str) -> dict[str, Any]:
        """The shape `callflow classify --json` prints (see SPEC)."""
        shown = {
            "file": file,
            "kind": self.kind,
            "automatic": self.automatic,
            "reply_allowed": self.reply_allowed,
            "intent": self.intent,
            "applicant": {"email": self.applicant_email, "name": self.applicant_name},
            "bounced_recipients": list(self.bounced_recipients),
            "rule": self.rule,
            "needs_attention": self.needs_attention,
            "reason": self.reason,
        }
        if self.authentication is not None:
            shown["authentication"] = {"passed": self.authentication.passed, "reason": self.authentication.reason}
        return shown


@dataclass
class ClassifyContext:
    """What classification needs to know from the config, prepared once."""

    own_addresses: set[str]
    organisers: set[str]
    survey_senders: set[str]
    survey_labels: dict[str, str]  # normalised label → canonical field
    rules: list[rules.Rule] = field(default_factory=list)
    trusted_authserv_ids: frozenset[str] = frozenset()  # whose Authentication-Results are believed
    languages: Languages = field(default_factory=shipped_languages)  # intent cues, per language

    own_domains: frozenset[str] = frozenset()  # our own domains (Config.own_domains)

    @classmethod
    def from_config(cls, config: Any, rules_dir: Path | None = None) -> ClassifyContext:
        return cls(
            own_addresses=set(config.own_addresses),
            own_domains=frozenset(config.own_domains),
            organisers=set(config.organiser_addresses),
            survey_senders=set(config.survey.senders),
            survey_labels=survey.build_label_index(config.survey.fields),
            rules=rules.load_rules(rules_dir or config.rules_dir),
            trusted_authserv_ids=frozenset(config.commands.trusted_authserv_ids),
            languages=languages_in(config.languages_dir),
        )


def _robot(kind: str, rule: str, reason: str) -> Classification:
    return Classification(kind=kind, automatic=True, reply_allowed=False, rule=rule, reason=reason)


def classify(mail: ParsedMail, ctx: ClassifyContext) -> Classification:
    result = _classify(mail, ctx)
    if result.reply_allowed and result.applicant_email:
        # Only addresses a person actually uses are answered; anything else is for a person.
        refused = unanswerable(result.applicant_email, ctx.own_domains)
        if refused:
            result.reply_allowed = False
            result.needs_attention = True
            result.reason = "; ".join(filter(None, [result.reason, f"not answered automatically: {refused}"]))
    # Whose mail it is, for robots too: an out-of-office reply is an applicant's; a bounce is
    # about the address that failed. Neither is ever answered (reply_allowed stays false).
    if result.applicant_email is None:
        if result.kind == "auto_reply" and mail.from_addr and mail.from_addr not in ctx.own_addresses:
            result.applicant_email, result.applicant_name = mail.from_addr, mail.from_name or None
        elif result.kind == "bounce" and result.bounced_recipients:
            result.applicant_email = result.bounced_recipients[0]
    return result


def _classify(mail: ParsedMail, ctx: ClassifyContext) -> Classification:
    if mail.fatal:
        result = _robot("unparseable", "guard:unparseable", mail.fatal)
        result.needs_attention = True
        return result

    verdict = guards.robot_verdict(mail.message, own_addresses=ctx.own_addresses)
    if verdict and verdict.kind in ("loop", "own_address"):
        return _robot("auto_reply", f"guard:{verdict.kind}", verdict.reason)

    report = bounces.detect_bounce(mail.message)
    if report is not None:
        result = _robot("bounce", f"guard:bounce:{report.source}", f"delivery failure ({report.status or 'no status'})")
        result.bounce_permanent = report.permanent
        result.bounced_recipients = list(report.recipients) if report.permanent else []
        if not report.permanent:
            result.reason = f"temporary delivery problem ({report.status or 'delayed'}) for {len(report.recipients)} recipient(s)"
        return result

    if verdict is not None and verdict.kind == "bounce_sender":
        complained = feedback.complainant(mail.message)
        if complained:
            result = _robot("bounce", "guard:feedback_report", "abuse report: the recipient marked our mail as spam")
            result.applicant_email = complained
            result.needs_attention = True
            return result

    if mail.from_addr in ctx.survey_senders:
        return _classify_survey(mail, ctx)

    rule = rules.first_match(ctx.rules, _facts(mail, ctx, automatic=verdict is not None))
    if rule is not None:
        return _apply_rule(mail, ctx, rule, verdict)

    person = _form_relay_sender(mail, ctx, verdict)
    if person is not None:
        # A web contact form relays a person's message from a no-reply address with their
        # address in Reply-To: the person wrote it, and the answer goes to them.
        result = _classify_applicant(mail, ctx)
        result.applicant_email = person
        result.applicant_name = None
        result.rule = "builtin:form_relay"
        return result

    if verdict is not None:
        kind = {"list": "list", "bounce_sender": "bounce"}.get(verdict.kind, "auto_reply")
        return _robot(kind, f"guard:{verdict.kind}", verdict.reason)

    if mail.from_addr in ctx.organisers:
        return _organiser(mail)

    return _classify_applicant(mail, ctx)


def _form_relay_sender(
    mail: ParsedMail, ctx: ClassifyContext, verdict: guards.RobotVerdict | None
) -> str | None:
    """The person behind a form relay: the only robot signal is a no-reply sender, and
    Reply-To names one ordinary address that is neither ours nor another no-reply one."""
    if verdict is None or verdict.kind != "automated" or verdict.header not in ("From", "Sender"):
        return None
    if "no-reply" not in verdict.reason or len(mail.reply_to) != 1:
        return None
    person = mail.reply_to[0]
    local, _, domain = person.partition("@")
    if person in ctx.own_addresses or person == mail.from_addr or guards.is_noreply_local_part(local):
        return None
    # A notification's Reply-To is usually its sender's own organisation; a form passes on
    # the visitor's address, at another domain.
    if _site(domain) == _site(mail.from_addr.partition("@")[2]):
        return None
    return person


def _site(domain: str) -> str:
    """The last two labels of a domain: good enough to tell one organisation from another here."""
    return ".".join(domain.lower().rsplit(".", 2)[-2:])


def _facts(mail: ParsedMail, ctx: ClassifyContext, automatic: bool) -> rules.Facts:
    flags = set()
    if automatic:
        flags.add("automatic")
    if mail.calendars:
        flags.add("has_calendar_reply")
    if any(a.content_type != "text/calendar" for a in mail.attachments):
        flags.add("has_attachment")
    if mail.in_reply_to or mail.references:
        flags.add("is_reply")
    if mail.from_addr in ctx.organisers:
        flags.add("from_organiser")
    if mail.from_addr in ctx.survey_senders:
        flags.add("from_survey_sender")
    if mail.html is not None and not mail.text_from_plain:
        flags.add("html_only")
    return rules.Facts(
        headers=mail.header_all,
        from_addr=mail.from_addr,
        to=mail.to + mail.cc,
        reply_to=mail.reply_to,
        subject=mail.subject,
        body_text=lambda: mail.reply_text,
        attachments=[(a.content_type, a.filename or "") for a in mail.attachments],
        flags=flags,
    )


def _apply_rule(
    mail: ParsedMail, ctx: ClassifyContext, rule: rules.Rule, verdict: guards.RobotVerdict | None
) -> Classification:
    out = rule.outcome
    name = rule.name
    if out.kind == "survey_response":
        result = _classify_survey(mail, ctx)
    elif out.kind == "applicant_message":
        result = _classify_applicant(mail, ctx)
    elif out.kind == "organiser_command":
        result = _organiser(mail)
    else:
        result = _robot(out.kind, name, out.reason)
    result.rule = name
    result.reason = out.reason or result.reason
    if out.intent:
        result.intent = out.intent
    if out.needs_attention is not None:
        result.needs_attention = out.needs_attention
    result.folder = out.folder
    if verdict is not None and out.kind != "survey_response":
        # The guard's word is final: a robot is never answered, whatever the rule says.
        result.automatic = True
        result.reply_allowed = False
    return result


def _organiser(mail: ParsedMail) -> Classification:
    return Classification(
        kind="organiser_command",
        automatic=False,
        reply_allowed=True,
        rule="builtin:organiser",
        needs_attention=True,
        reason="mail from an organiser",
    )


def _classify_survey(mail: ParsedMail, ctx: ClassifyContext) -> Classification:
    # Only CSV/JSON parts are decoded: a large PDF attached to a notification stays undecoded.
    attachments = [
        (a.filename, a.content_type, a.data())
        for a in mail.attachments
        if survey.attachment_kind(a.filename, a.content_type) is not None
    ]
    response = survey.parse_notification(mail.text, mail.html, attachments, ctx.survey_labels)
    result = Classification(
        kind="survey_response",
        automatic=True,
        reply_allowed=response.email is not None,
        rule="builtin:survey_sender",
        applicant_email=response.email,
        applicant_name=response.name,
        survey_fields=response.fields,
        survey_extra=response.extra,
        authentication=_sender_authentication(mail, ctx),
    )
    if response.problems:
        result.needs_attention = True
        result.reason = "; ".join(response.problems)
    return result


def _sender_authentication(mail: ParsedMail, ctx: ClassifyContext) -> authresults.Verdict:
    verdict = authresults.verify(
        mail.header_all("Authentication-Results"), mail.from_addr, ctx.trusted_authserv_ids
    )
    if verdict.passed and several_senders(mail.header_all("From")):
        return authresults.Verdict(False, AMBIGUOUS_SENDER)
    return verdict


def _classify_applicant(mail: ParsedMail, ctx: ClassifyContext) -> Classification:
    result = Classification(
        kind="applicant_message",
        automatic=False,
        reply_allowed=True,
        rule="builtin:applicant",
        applicant_email=mail.from_addr or None,
        applicant_name=mail.from_name or None,
    )
    for ics in mail.calendars:
        reply = itip.read_calendar(ics)
        if reply is not None and reply.method == "REPLY":
            result.intent = itip.reply_intent(reply)
            result.rule = "builtin:calendar_reply"
            result.calendar = {"partstat": reply.partstat, "uids": list(reply.uids), "attendee": reply.attendee}
            result.needs_attention = result.intent == "none"
            return result
    # Read once; the verdict depends on whether the person was invited, which only the decide
    # stage knows: it chooses between the verdicts kept here.
    reader = intents.reader_for(ctx.languages)
    reading = reader.read(mail.reply_text, mail.subject)
    detected = reader.verdict(reading)
    result.intent = detected.intent
    result.needs_attention = detected.needs_attention
    result.reason = ", ".join(detected.cues)
    for state, invited in (("invited", True), ("not_invited", False)):
        verdict = reader.verdict(reading, invited)
        result.intent_by_invitation[state] = (verdict.intent, verdict.needs_attention)
    return result
