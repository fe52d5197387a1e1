"""Digest tokens: issued per digest, carried in the Reply-To plus-address and the subject, found in
an organiser's reply wherever it survived, and valid for ``commands.token_days``."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests import mails
from tests.cfg import make_config
from workflow import tokens
from workflow.parse import parse
from workflow.store import Store

T0 = datetime(2022, 3, 1, 8, 0, tzinfo=ZoneInfo("Europe/Brussels"))
ORGANISER = "Anna Organiser <anna.organiser@example.org>"


def test_each_digest_gets_a_fresh_token_kept_in_the_state(store: Store) -> None:
    first, second = tokens.issue(store, T0), tokens.issue(store, T0)
    assert re.fullmatch(r"[0-9a-f]{20}", first) and first != second
    assert store.meta["digest_tokens"] == [{"token": first, "issued": T0.isoformat()},
                                           {"token": second, "issued": T0.isoformat()}]


def test_reply_address_and_subject_tag(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    token = "0123456789abcdef0123"
    assert tokens.reply_address(config, token) == f"contact+cf-{token}@callflow.example.org"
    assert tokens.subject_tag(token) == f"[cf-{token}]"


@pytest.mark.parametrize("where", ["to", "cc", "delivered_to", "original_to", "subject"])
def test_the_token_is_found_wherever_the_reply_kept_it(where: str) -> None:
    token = "0123456789abcdef0123"
    plus = f"contact+cf-{token}@callflow.example.org"
    headers = {"to": f"Working group contact <{mails.CONTACT}>", "subject": "Re: Digest"}
    if where == "to":
        headers["to"] = f"Working group contact <{plus}>"
    elif where == "cc":
        headers["Cc"] = plus
    elif where == "delivered_to":
        headers["Delivered_To"] = plus
    elif where == "original_to":
        headers["X_Original_To"] = plus
    else:
        headers["subject"] = f"Re: Digest 1 Mar {tokens.subject_tag(token)}"
    mail = parse(mails.build(ORGANISER, body="select a@example.org\n", **headers))
    assert tokens.find(mail) == token


def test_no_token_and_look_alikes_are_not_found() -> None:
    assert tokens.find(parse(mails.build(ORGANISER, "Re: Digest", "select a@example.org\n"))) is None
    for subject in ("Re: [cf-0123456789abcdef012]", "Re: [cf-0123456789ABCDEF0123]", "Re: xcf-0123456789abcdef0123"):
        assert tokens.find(parse(mails.build(ORGANISER, subject, "status\n"))) is None, subject


def test_status_of_a_token(store: Store) -> None:
    token = tokens.issue(store, T0)
    assert tokens.status(store, token, T0 + timedelta(days=7), days=7) == "valid"
    assert tokens.status(store, token, T0 + timedelta(days=7, seconds=1), days=7) == "expired"
    assert tokens.status(store, "f" * 20, T0, days=7) == "unknown"
    assert tokens.status(store, None, T0, days=7) == "missing"
    assert tokens.status(store, "", T0, days=7) == "missing"


def test_prune_forgets_tokens_that_can_no_longer_authorise(store: Store) -> None:
    old = tokens.issue(store, T0)
    recent = tokens.issue(store, T0 + timedelta(days=5))
    tokens.prune(store, T0 + timedelta(days=8), days=7)
    assert [t["token"] for t in store.meta["digest_tokens"]] == [recent]
    assert tokens.status(store, old, T0 + timedelta(days=8), days=7) == "unknown"
    tokens.prune(Store(store.path.with_name("empty.json")), T0, days=7)  # nothing issued yet: nothing to do
