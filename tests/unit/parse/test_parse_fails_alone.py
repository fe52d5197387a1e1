"""Whatever one message does in parse costs that message alone: a MIME tree too deep to read, or
an error inside the email package, gives a mail marked fatal with the reason, its headers still
read, and never an exception."""

from __future__ import annotations

import pytest

from tests import mails
from workflow.parse import MAX_MIME_DEPTH, parse


def test_a_deep_mime_tree_is_refused_before_it_recurses() -> None:
    raw = mails.deep_mime(1000, message_id="<deep@mail.example.net>")
    mail = parse(raw)
    assert mail.fatal == f"MIME parts nested deeper than {MAX_MIME_DEPTH} levels"
    # Its headers are still read: the record and the organisers can say whose mail it was.
    assert mail.from_addr == "deep@example.net" and mail.message_id == "<deep@mail.example.net>"
    assert mail.text == "" and mail.attachments == []


def test_a_tree_just_inside_the_limit_is_read_normally() -> None:
    # The top-level message is one level; the innermost text part is depth + 2 levels down.
    mail = parse(mails.deep_mime(MAX_MIME_DEPTH - 2))
    assert mail.fatal is None and "take part" in mail.text
    assert parse(mails.deep_mime(MAX_MIME_DEPTH - 1)).fatal is not None


@pytest.mark.parametrize("error", [RecursionError, ValueError, LookupError, AttributeError])
def test_parse_never_raises_even_when_the_email_package_does(monkeypatch, error) -> None:
    def broken(raw: bytes):
        raise error("boom")

    monkeypatch.setattr("workflow.parse._read_tree", broken)
    mail = parse(mails.inquiry("Maria <maria@example.net>"))
    assert mail.fatal == f"cannot be read ({error.__name__})"
    assert mail.from_addr == "maria@example.net"
