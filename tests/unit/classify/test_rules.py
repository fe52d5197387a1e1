"""The rules engine: YAML validated on load with file and rule named; rules as data decide."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import mails
from tests.cfg import base_config, write_config
from tests.paths import REPO
from workflow import config as config_mod
from workflow.classify import ClassifyContext, classify
from workflow.classify.rules import load_rules
from workflow.errors import ConfigError
from workflow.parse import parse


def ctx_with(tmp_path: Path, text: str) -> ClassifyContext:
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir(exist_ok=True)
    (rules_dir / "10-test.yaml").write_text(text, encoding="utf-8")
    cfg = config_mod.load(write_config(tmp_path, base_config(tmp_path)))
    return ClassifyContext.from_config(cfg, rules_dir)


def test_shipped_rules_load() -> None:
    rules = load_rules(REPO / "mailbox_rules")
    names = [r.name for r in rules]
    assert {"spam-flag-header", "spam-rspamd-action", "survey-count-notification"} <= set(names)


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("rules:\n  - name: r1\n    when: {subjct: {contains: x}}\n    then: {kind: spam}\n",
         "10-test.yaml: rule 'r1': when.subjct: unknown key"),
        ("rules:\n  - name: r2\n    when: {subject: {contains: x}}\n    then: {kind: spamm}\n",
         "10-test.yaml: rule 'r2': then.kind: Input should be"),
        ("rules:\n  - name: r3\n    when: {subject: {regex: '(unclosed'}}\n    then: {kind: spam}\n",
         "10-test.yaml: rule 'r3': invalid regex"),
        ("rules:\n  - name: r4\n    when: {flags: [robotic]}\n    then: {kind: spam}\n",
         "10-test.yaml: rule 'r4': when.flags: unknown flag(s) ['robotic']"),
        ("rules:\n  - name: r5\n    when: {subject: {}}\n    then: {kind: spam}\n",
         "10-test.yaml: rule 'r5': when.subject: give one of equals, contains, regex, exists"),
        ("rules:\n  - name: d\n    when: {}\n    then: {kind: spam}\n  - name: d\n    when: {}\n    then: {kind: list}\n",
         "rule 'd': name already used"),
        ("rules:\n  - when: {}\n    then: {kind: spam}\n", "10-test.yaml: rule #1: name: required key is missing"),
        ("rules: [\n", "10-test.yaml: line"),
    ],
)
def test_rule_errors_name_file_and_rule(tmp_path: Path, yaml_text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        ctx_with(tmp_path, yaml_text)
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


def test_conditions_match_headers_addresses_subject_body_attachments(tmp_path: Path) -> None:
    ctx = ctx_with(tmp_path, """
rules:
  - name: partner-domain
    when: {from: {domain: partner.example.com}, subject: {contains: [agenda, programme]}}
    then: {kind: applicant_message, intent: question, needs_attention: true, reason: partner asks}
  - name: ticket-system
    when: {header: {name: X-Ticket-ID, exists: true}}
    then: {kind: auto_reply, folder: Tickets}
  - name: body-words
    when: {body: {regex: '\\bpress (enquiry|inquiry)\\b'}, not: {flags: [is_reply]}}
    then: {kind: applicant_message, intent: question}
""")
    got = classify(parse(mails.build("P <p@sub.partner.example.com>", "The Agenda", "Hello")), ctx)
    assert (got.kind, got.intent, got.rule, got.needs_attention) == (
        "applicant_message", "question", "partner-domain", True)
    got = classify(parse(mails.build("T <t@example.org>", "x", "y", X_Ticket_ID="123")), ctx)
    assert (got.kind, got.folder, got.reply_allowed) == ("auto_reply", "Tickets", False)
    got = classify(parse(mails.build("J <j@example.org>", "hi", "This is a press enquiry.")), ctx)
    assert got.rule == "body-words"
    got = classify(parse(mails.build("J <j@example.org>", "hi", "This is a press enquiry.", In_Reply_To="<a@b>")), ctx)
    assert got.rule != "body-words"


def test_no_rule_can_make_callflow_answer_a_robot(tmp_path: Path) -> None:
    ctx = ctx_with(tmp_path, """
rules:
  - name: answer-everything
    when: {}
    then: {kind: applicant_message, intent: question}
""")
    got = classify(parse(mails.out_of_office()), ctx)
    assert got.kind == "applicant_message" and got.reply_allowed is False and got.automatic is True
    got = classify(parse(mails.list_post()), ctx)
    assert got.reply_allowed is False
    # A person's mail still follows the rule and may be answered.
    assert classify(parse(mails.inquiry()), ctx).reply_allowed is True


def test_spam_rules_read_header_values(tmp_path: Path) -> None:
    cfg = config_mod.load(write_config(tmp_path, base_config(tmp_path)))
    ctx = ClassifyContext.from_config(cfg)
    spam = mails.build("X <x@example.biz>", "Offer", "Buy now", X_Spam_Flag="YES")
    ham = mails.build("Y <y@example.org>", "Question", "When is it?", X_Spam_Status="No, score=-1.2")
    assert classify(parse(spam), ctx).kind == "spam"
    assert classify(parse(ham), ctx).kind == "applicant_message"


def test_the_readme_example_rules_are_valid(tmp_path: Path) -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Classification rules", 1)[1]
    block = section.split("```yaml", 1)[1].split("```", 1)[0]
    ctx = ctx_with(tmp_path, block)
    assert [r.name for r in ctx.rules][:4] == ["partner-questions", "helpdesk-tickets", "press", "cv-attached"]
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "x@example.org"
    msg["Subject"] = "My application"
    msg.set_content("Please find my CV attached.")
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="CV_2022.pdf")
    got = classify(parse(msg.as_bytes()), ctx)
    assert got.rule == "cv-attached" and got.needs_attention
