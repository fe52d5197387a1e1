"""Builders for realistic test mail (bytes), shared by the pipeline tests."""

from __future__ import annotations

import itertools
from email.message import EmailMessage

CONTACT = "contact@callflow.example.org"
SURVEY = "survey@surveys.example.org"
_n = itertools.count(1)


def build(
    sender: str,
    subject: str,
    body: str,
    *,
    to: str = f"Working group contact <{CONTACT}>",
    message_id: str | None = None,
    date: str = "Tue, 01 Mar 2022 09:00:00 +0100",
    **headers: str,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = message_id or f"<test-{next(_n)}@mail.example.net>"
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


def inquiry(sender: str = "Maria Keller <maria.keller@example.net>", question: bool = True, **kw: str) -> bytes:
    body = "Dear contact person,\n\nI work in probation services and would like to take part.\n"
    if question:
        body += "Is the meeting recorded?\n"
    return build(sender, "Working group meeting", body + "\nBest regards,\nMaria\n", User_Agent="Thunderbird", **kw)


def survey(email: str, name: str, response_id: str = "1", **kw: str) -> bytes:
    body = (
        "A new response was submitted.\n\n"
        f"Response ID: {response_id}\nFull name: {name}\nEmail address: {email}\n"
        "Organisation: Exit Programme\nCountry: Belgium\nField of work: Exit work,\n  family counselling\n"
    )
    return build(f"Survey tool <{SURVEY}>", "New response", body, Auto_Submitted="auto-generated", **kw)


def out_of_office(sender: str = "Pieter de Vries <p.devries@example.com>") -> bytes:
    return build(sender, "Automatic reply: Working group meeting", "I am out of the office until 7 March.\n",
                 Auto_Submitted="auto-replied")


def list_post() -> bytes:
    return build("Network <news@lists.example.com>", "[network] Newsletter", "This month...\n",
                 List_Id="<network.lists.example.com>", Precedence="list")


# -- hostile mail ------------------------------------------------------------------------------
def deep_mime(depth: int, sender: str = "Deep <deep@example.net>", message_id: str | None = None) -> bytes:
    """A message nested ``depth`` multipart levels deep (1,000 levels are about 60 KB)."""
    lines = [
        f"From: {sender}", f"To: {CONTACT}", "Subject: nested", "Date: Tue, 01 Mar 2022 09:00:00 +0100",
        f"Message-ID: {message_id or f'<deep-{next(_n)}@mail.example.net>'}", "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b0"', "",
    ]
    for i in range(depth):
        lines += [f"--b{i}", f'Content-Type: multipart/mixed; boundary="b{i + 1}"', ""]
    lines += [f"--b{depth}", "Content-Type: text/plain", "", "Hello, I would like to take part.", f"--b{depth}--"]
    lines += [f"--b{i}--" for i in range(depth - 1, -1, -1)]
    return ("\n".join(lines) + "\n").encode()


def batch_with_a_deep_tree() -> list[tuple[str, bytes]]:
    """Five mails (file name, bytes) with a MIME tree too deep to read in the middle."""
    return [
        ("1.a", inquiry("Maria <maria@example.net>", question=False)),
        ("2.b", survey("jonas@example.org", "Jonas Peeters", "7")),
        ("3.c", deep_mime(1000, sender="Deep <deep@example.net>")),
        ("4.d", inquiry("Ines <ines@example.org>", question=False)),
        ("5.e", out_of_office()),
    ]


def raw(sender: str, subject: str, body: str, **headers: str) -> bytes:
    """A message written byte for byte, for headers the email package would refuse to build."""
    lines = [f"From: {sender}", f"To: {CONTACT}", f"Subject: {subject}", "Date: Tue, 01 Mar 2022 09:00:00 +0100",
             f"Message-ID: <raw-{next(_n)}@mail.example.net>"]
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return ("\n".join(lines) + "\n\n" + body).encode()
