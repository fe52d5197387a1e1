"""Reading Authentication-Results (RFC 8601) and the verdict both commands and surveys rely on.

Unit tests on header values as real servers write them (OpenDKIM/OpenDMARC, Gmail, rspamd) and as
a forger would: headers from untrusted servers, passes for another domain, a failing result next to
a forged passing header, comments and quoted strings hiding text, results run together.
"""

from __future__ import annotations

import pytest

from tests import mails
from workflow.authresults import (
    dkim_aligned,
    organisational_domain,
    parse_authentication_results,
    strip_comments,
    verify,
)
from workflow.parse import parse

TRUSTED = "mx.callflow.example.org"
SENDER = "survey@surveys.example.org"


def passes(*values: str, sender: str = SENDER, trusted: tuple[str, ...] = (TRUSTED,)) -> bool:
    return verify(list(values), sender, trusted).passed


# -- reading one header ------------------------------------------------------------------
def test_folded_header_with_comments_version_and_several_results() -> None:
    authserv, results = parse_authentication_results(
        f'{TRUSTED.upper()}. 1 (a comment; with a semicolon);\r\n\tdkim=pass (2048-bit key)\r\n  '
        'header.d=Example.ORG header.i="@example.org" header.b=abc+/=; spf=fail smtp.mailfrom=x@y.org;\r\n'
        " dmarc=pass (p=none dis=none) header.from=example.org"
    )
    assert authserv == TRUSTED
    assert [(r.method, r.result) for r in results] == [("dkim", "pass"), ("spf", "fail"), ("dmarc", "pass")]
    assert results[0].props == {"header.d": "Example.ORG", "header.i": "@example.org", "header.b": "abc+/="}
    assert results[2].props == {"header.from": "example.org"}


def test_gmail_style_header() -> None:
    authserv, results = parse_authentication_results(
        "mx.google.com;\r\n       dkim=pass header.i=@surveys.example.org header.s=20230601 header.b=AbCd;\r\n"
        "       spf=pass (google.com: domain of x@surveys.example.org designates 192.0.2.1 as permitted "
        "sender) smtp.mailfrom=x@surveys.example.org;\r\n       dmarc=pass (p=NONE sp=NONE dis=NONE) "
        "header.from=surveys.example.org"
    )
    assert authserv == "mx.google.com"
    assert [(r.method, r.result) for r in results] == [("dkim", "pass"), ("spf", "pass"), ("dmarc", "pass")]


def test_quoted_authserv_id_reason_and_quoted_local_part() -> None:
    authserv, results = parse_authentication_results(
        f'"{TRUSTED}"; dkim=fail reason="signature verification failed; body hash" header.d=example.org;'
        ' spf=pass smtp.mailfrom="first last"@example.org'
    )
    assert authserv == TRUSTED
    assert results[0].reason == "signature verification failed; body hash"
    assert results[0].props == {"header.d": "example.org"}
    assert results[1].props == {"smtp.mailfrom": '"first last"@example.org'}


def test_method_versions_and_upper_case() -> None:
    _, results = parse_authentication_results(f"{TRUSTED}; DKIM/1=PASS Header.D=example.org")
    assert [(r.method, r.result, r.props) for r in results] == [("dkim", "pass", {"header.d": "example.org"})]


def test_no_result_and_no_authserv_id() -> None:
    assert parse_authentication_results(f"{TRUSTED}; none") == (TRUSTED, [])
    assert parse_authentication_results(f"{TRUSTED} 1; none") == (TRUSTED, [])
    # A header that starts with a result has no authserv-id, so it can never be trusted.
    assert parse_authentication_results("dkim=pass header.d=example.org; spf=pass")[0] == ""
    assert parse_authentication_results("")[0] == ""


@pytest.mark.parametrize(
    "resinfo",
    [
        "spf=pass smtp.mailfrom=x@example.org dkim=pass header.d=example.org",  # a missing ";"
        "dkim=pass header.d=evil.example header.d=example.org",  # a property given twice
        "dkim=pass header.d=example.org trailing words",  # text that is no key=value pair
        "header.d=example.org",  # no method
    ],
)
def test_a_resinfo_that_does_not_follow_the_grammar_is_ignored(resinfo: str) -> None:
    assert parse_authentication_results(f"{TRUSTED}; {resinfo}") == (TRUSTED, [])


def test_comments_nest_and_quoted_strings_keep_parentheses() -> None:
    assert strip_comments('a (b (c) d) e "f (g)" h').split() == ["a", "e", '"f', '(g)"', "h"]
    assert strip_comments(r"a (b \) c) d").split() == ["a", "d"]


# -- alignment ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("signer", "sender_domain", "aligned"),
    [
        ("surveys.example.org", "surveys.example.org", True),
        ("example.org", "surveys.example.org", True),  # parent domain signs
        ("mail.example.org", "surveys.example.org", True),  # sibling: same organisational domain
        ("@surveys.example.org", "surveys.example.org", True),  # header.i form
        ("Example.ORG.", "surveys.example.org", True),
        ("example.net", "surveys.example.org", False),
        ("evil-example.org", "example.org", False),
        ("example.org.evil.example", "example.org", False),
        ("org", "example.org", False),  # a public suffix aligns with nobody
        ("co.uk", "survey.example.co.uk", False),
        ("other.co.uk", "example.co.uk", False),
        ("herokuapp.com", "app.herokuapp.com", False),  # private suffixes count as suffixes
        ("", "example.org", False),
    ],
)
def test_dkim_relaxed_alignment(signer: str, sender_domain: str, aligned: bool) -> None:
    assert dkim_aligned(signer, sender_domain) is aligned


def test_organisational_domain() -> None:
    assert organisational_domain("a.b.example.co.uk") == "example.co.uk"
    assert organisational_domain("co.uk") is None


# -- the verdict ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    [
        f"{TRUSTED}; dkim=pass header.d=surveys.example.org",
        f"{TRUSTED}; dkim=pass header.d=example.org header.s=s1",
        f"{TRUSTED}; dkim=pass header.i=@surveys.example.org",
        f"{TRUSTED}; dmarc=pass (p=reject) header.from=surveys.example.org",
        f"{TRUSTED}; dkim=fail header.d=surveys.example.org; dkim=pass header.d=surveys.example.org",
        f"{TRUSTED.upper()}.; DKIM=Pass header.d=SURVEYS.example.org",
    ],
)
def test_a_trusted_pass_for_the_sender_counts(header: str) -> None:
    assert passes(header)


@pytest.mark.parametrize(
    "headers",
    [
        # Untrusted servers say whatever the sender wants.
        ("mx.evil.example; dkim=pass header.d=surveys.example.org; dmarc=pass header.from=surveys.example.org",),
        # The trusted id hidden in a comment, or as a property, is not the authserv-id.
        (f"mx.evil.example ({TRUSTED}); dkim=pass header.d=surveys.example.org",),
        (f"mx.evil.example; dkim=pass header.d=surveys.example.org ({TRUSTED};)",),
        (f"{TRUSTED}.evil.example; dkim=pass header.d=surveys.example.org",),
        (f"evil{TRUSTED}; dkim=pass header.d=surveys.example.org",),
        # A pass for another domain, however close its name.
        (f"{TRUSTED}; dkim=pass header.d=evil.example",),
        (f"{TRUSTED}; dkim=pass header.d=surveys.example.org.evil.example",),
        (f"{TRUSTED}; dkim=pass header.d=org",),
        (f"{TRUSTED}; dmarc=pass header.from=example.org",),  # DMARC: exactly the sender's domain
        (f"{TRUSTED}; dmarc=pass header.from=evil.example",),
        # Only the signing domain counts: header.i cannot vouch for another d=.
        (f"{TRUSTED}; dkim=pass header.d=evil.example header.i=@surveys.example.org",),
        # Methods that prove nothing about the From domain.
        (f"{TRUSTED}; spf=pass smtp.mailfrom=surveys.example.org; arc=pass",),
        (f"{TRUSTED}; dkim=neutral header.d=surveys.example.org; dmarc=bestguesspass header.from=surveys.example.org",),
        # The trusted server saw a failure; a forged header from elsewhere claims a pass.
        (f"{TRUSTED}; dkim=fail header.d=surveys.example.org; dmarc=fail header.from=surveys.example.org",
         "mx.evil.example; dkim=pass header.d=surveys.example.org; dmarc=pass header.from=surveys.example.org"),
        # A pass smuggled into a reason, a quoted value or a comment.
        (f'{TRUSTED}; dkim=fail reason="; dkim=pass header.d=surveys.example.org" header.d=surveys.example.org',),
        (f'{TRUSTED}; spf=pass smtp.mailfrom="x; dkim=pass header.d=surveys.example.org"@evil.example',),
        (f"{TRUSTED}; dkim=fail (; dkim=pass header.d=surveys.example.org) header.d=surveys.example.org",),
        # Two results run together without ";": neither is read.
        (f"{TRUSTED}; dkim=fail header.d=surveys.example.org dmarc=pass header.from=surveys.example.org",),
        (),
    ],
)
def test_nothing_else_counts(headers: tuple[str, ...]) -> None:
    assert not passes(*headers)


def test_several_headers_any_trusted_pass_counts() -> None:
    assert passes(
        "mx.evil.example; dkim=fail header.d=surveys.example.org",
        f"{TRUSTED}; spf=pass smtp.mailfrom=surveys.example.org",
        f"relay.{TRUSTED}; dkim=pass header.d=surveys.example.org",
        trusted=(TRUSTED, f"relay.{TRUSTED}"),
    )


def test_reasons_say_what_was_seen() -> None:
    assert verify([f"{TRUSTED}; dkim=pass header.d=example.org"], SENDER, [TRUSTED]).reason == (
        f"dkim=pass for example.org ({TRUSTED})"
    )
    assert verify(["mx.evil.example; dkim=pass header.d=surveys.example.org"], SENDER, [TRUSTED]).reason == (
        "no Authentication-Results from a trusted server; 1 from other servers ignored"
    )
    refused = verify([f"{TRUSTED}; dkim=fail header.d=surveys.example.org; dkim=pass header.d=evil.example"],
                     SENDER, [TRUSTED])
    assert refused.reason == (
        "no DKIM or DMARC pass for surveys.example.org "
        "(a trusted server saw dkim=fail for surveys.example.org, dkim=pass for evil.example)"
    )
    assert verify([f"{TRUSTED}; spf=pass"], SENDER, [TRUSTED]).reason == (
        "no DKIM or DMARC result for surveys.example.org from a trusted server"
    )
    assert verify([f"{TRUSTED}; dkim=pass header.d=surveys.example.org"], SENDER, []).reason == (
        "no trusted authentication server configured"
    )
    assert not verify([f"{TRUSTED}; dkim=pass header.d=surveys.example.org"], "", [TRUSTED]).passed


def test_headers_read_from_a_parsed_mail() -> None:
    # Folded, several, as a mail carries them, read through workflow.parse.
    body = mails.build(f"Survey tool <{SENDER}>", "New response", "Email address: a@example.org\n")
    trusted_fail = f"Authentication-Results: {TRUSTED};\r\n  dkim=fail\r\n\theader.d=surveys.example.org\r\n"
    forged_pass = "Authentication-Results: mx.evil.example; dkim=pass header.d=surveys.example.org\r\n"
    mail = parse((trusted_fail + forged_pass).encode() + body)
    values = mail.header_all("Authentication-Results")
    assert len(values) == 2
    assert not passes(*values)
    trusted_pass = f"Authentication-Results: {TRUSTED}; dmarc=pass\r\n header.from=surveys.example.org\r\n"
    assert passes(*parse((trusted_pass + forged_pass).encode() + body).header_all("Authentication-Results"))
