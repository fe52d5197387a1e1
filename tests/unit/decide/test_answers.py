"""Answers: one mail to one applicant, queued in the outbox only to an address a person uses."""

from __future__ import annotations

from workflow.addresses import unanswerable


def test_invisible_characters_and_numeric_domains_are_never_answered() -> None:
    for address in ["0@0.\x80", "a@b\u200b.org", "a@\u202eexample.org", "x@foo.123", "x@host.local", "a b@x.org"]:
        assert unanswerable(address) is not None, address
    for address in ["maria@example.org", "o'brien@example.ie", "x@exämple.de", "a+tag@xn--bcher-kva.example"]:
        assert unanswerable(address) is None, address
