"""OAuth2 sign-in end to end: `callflow login` (device code flow through msal) against a real
authorization server (tests/oauth_server.py, HTTPS with the test CA), then IMAP and SMTP signing in
with XOAUTH2 at a Dovecot whose oauth2 passdb asks that server, and an aiosmtpd that does the same.
Renewal after the server refused a token, revocation, and what `check` says."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from tests import mails
from tests.cfg import NOW, server_config
from workflow.cli import main

CLIENT = "callflow-test-client"


@pytest.fixture
def signed(tmp_path: Path, oauth_server, oauth_imap_account, oauth_smtp_server, monkeypatch):
    """A config whose mailbox and SMTP sign in with OAuth2 (no password anywhere), and a way to run
    `callflow login` as the organiser would, approving the code shown as ``as_user``."""
    account, smtp = oauth_imap_account, oauth_smtp_server
    sign_in = {"provider": "generic", "client_id": CLIENT, "authority": oauth_server.authority,
               "scopes": ["mail"], "ca_file": oauth_server.ca_file}
    path = server_config(
        tmp_path, account, smtp,
        mailbox={"auth": "oauth2", "password_env": None},
        smtp={"auth": "oauth2", "password_env": None, "username": account.username},
        oauth2=sign_in,
    )
    base = ["--config", str(path), *NOW]

    def login(as_user: str | None = None) -> int:
        codes: list[int] = []
        thread = threading.Thread(target=lambda: codes.append(main([*base, "login"])))
        thread.start()
        oauth_server.approve(oauth_server.wait_user_code(30), as_user or account.username)
        thread.join(60)
        assert not thread.is_alive()
        return codes[0]

    return account, smtp, base, login, path


def _state_dir(path: Path) -> Path:
    return path.parent


def test_login_then_a_pass_signs_in_to_imap_and_smtp_with_tokens(signed, oauth_server, capsys) -> None:
    account, smtp, base, login, path = signed
    assert login() == 0
    out = capsys.readouterr().out
    assert f"signed in: {account.username} signed in" in out and "renewed by itself" in out
    cache = _state_dir(path) / "state.json.oauth2"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    token = oauth_server.access_tokens(account.username)[0]
    assert token not in out  # never shown

    account.append("INBOX", mails.inquiry("Ana <ana@example.org>", question=False))
    assert main([*base, "run", "--once"]) == 0
    (answer,) = smtp.wait_for(1)
    assert answer.auth_user == account.username and answer.rcpt_tos == ["ana@example.org"]
    assert account.count("Processed") == 1

    assert main([*base, "check"]) == 0
    checked = capsys.readouterr().out
    assert f"oauth2 ok: {account.username} signed in (" in checked and "mailbox ok: IMAP" in checked


def test_a_refused_token_is_renewed_once_and_the_pass_goes_on(signed, oauth_server) -> None:
    account, smtp, base, login, _ = signed
    assert login() == 0
    oauth_server.expire_all()  # the servers refuse the token msal still thinks good for an hour
    before = oauth_server.token_requests["refresh_token"]
    account.append("INBOX", mails.inquiry("Ana <ana@example.org>", question=False))
    assert main([*base, "run", "--once"]) == 0
    assert len(smtp.wait_for(1)) == 1
    assert oauth_server.token_requests["refresh_token"] > before


def test_a_revoked_sign_in_is_one_clear_line_and_no_mail_is_lost(signed, oauth_server, capsys) -> None:
    account, smtp, base, login, _ = signed
    assert login() == 0
    oauth_server.revoke(account.username)
    account.append("INBOX", mails.inquiry("Ana <ana@example.org>", question=False))
    capsys.readouterr()
    assert main([*base, "run", "--once"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "run `callflow login` again" in err[0] and account.username in err[0]
    assert account.count("INBOX") == 1 and smtp.messages == []
    # The organisers see it in the digest (whenever it can still be sent) and in check.
    assert main([*base, "digest", "--print"]) == 0
    digest = capsys.readouterr().out
    assert "The mailbox's sign-in stopped working (1)" in digest
    assert f"oauth2: the sign-in of {account.username} cannot be renewed (invalid_grant)" in digest
    assert main([*base, "check"]) == 1
    assert "oauth2 FAILED: oauth2: the sign-in of" in capsys.readouterr().err
    # Signing in again is all it takes.
    assert login() == 0
    assert main([*base, "run", "--once"]) == 0
    assert len(smtp.wait_for(1)) == 1 and account.count("Processed") == 1
    capsys.readouterr()
    assert main([*base, "digest", "--print"]) == 0
    assert "sign-in stopped working" not in capsys.readouterr().out


def test_check_says_when_nobody_is_signed_in(signed, capsys) -> None:
    account, _, base, _, _ = signed
    assert main([*base, "check"]) == 1
    assert f"oauth2 FAILED: {account.username} is not signed in; run `callflow login`" in capsys.readouterr().err


def test_signing_in_as_another_account_is_refused(signed, capsys) -> None:
    account, _, base, login, path = signed
    assert login(as_user="someone.else@example.org") == 1
    err = capsys.readouterr().err
    assert "signed in as someone.else@example.org, not as the mailbox" in err
    assert main([*base, "check"]) == 1  # nothing was kept for the wrong account


def test_the_daemon_outlives_a_revoked_sign_in_and_goes_on_after_login(signed, oauth_server, oauth_dovecot,
                                                                         tmp_path) -> None:
    """No crash loop: the daemon says what is wrong, keeps retrying (with a growing pause), and
    answers the mail that waited once someone signed in again. (A session signed in before the
    revocation goes on: the servers are restarted so that the daemon must sign in anew.)"""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.paths import REPO

    account, smtp, base, login, _ = signed
    assert login() == 0
    log = tmp_path / "daemon.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "workflow", *base, "run"], stdout=out, stderr=out,
                                stdin=subprocess.DEVNULL, env=os.environ.copy(), cwd=REPO)
    try:
        account.append("INBOX", mails.inquiry("Ana <ana@example.org>", question=False))
        smtp.wait_for(1, timeout=30)
        oauth_server.revoke(account.username)
        oauth_dovecot.stop()
        oauth_dovecot.start()
        smtp.stop()
        smtp.start()
        account.append("INBOX", mails.inquiry("Ben <ben@example.org>", question=False))
        deadline = time.monotonic() + 60
        while "run `callflow login` again" not in log.read_text(errors="replace") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "run `callflow login` again" in log.read_text(errors="replace")
        assert proc.poll() is None  # still running
        assert login() == 0
        assert len(smtp.wait_for(2, timeout=60)) == 2  # Ben's answer, after the sign-in
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    assert code == 0, log.read_text(errors="replace")[-2000:]
    text = log.read_text(errors="replace")
    assert "ben@example.org" not in text and not any(t in text for t in oauth_server.access_tokens(account.username))


def test_google_sign_in_comes_back_to_a_port_and_signs_in_to_imap_and_smtp(
        tmp_path: Path, oauth_server, oauth_imap_account, oauth_smtp_server, monkeypatch, capsys) -> None:
    """Google's installed-app flow: `callflow login` prints an address, the browser signs in and is
    sent back to oauth2.redirect_port on this machine (PKCE, the client secret from the
    environment); then IMAP and SMTP sign in by token, renewal goes through Google's library, and
    a revocation is the same one clear line."""
    import time

    from tests.servers import free_port

    account, smtp = oauth_imap_account, oauth_smtp_server
    monkeypatch.setenv("CALLFLOW_TEST_GOOGLE_SECRET", "installed-app-secret")
    oauth_server.client_secret = "installed-app-secret"
    path = server_config(
        tmp_path, account, smtp,
        mailbox={"auth": "oauth2", "password_env": None},
        smtp={"auth": "oauth2", "password_env": None, "username": account.username},
        oauth2={"provider": "google", "client_id": CLIENT, "client_secret_env": "CALLFLOW_TEST_GOOGLE_SECRET",
                "authority": oauth_server.authority, "ca_file": oauth_server.ca_file, "scopes": ["mail"],
                "redirect_port": free_port()},
    )
    base = ["--config", str(path), *NOW]
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(main([*base, "login"])))
    thread.start()
    shown, url, deadline = "", None, time.monotonic() + 30
    while url is None and time.monotonic() < deadline:
        shown += capsys.readouterr().out
        url = oauth_server.authorization_url_in(shown)
        time.sleep(0.05)
    assert url is not None, shown
    page = oauth_server.browse(url, account.username)
    thread.join(60)
    assert codes == [0] and "callflow is signed in" in page.text
    shown += capsys.readouterr().out
    assert f"signed in: {account.username} signed in" in shown
    assert oauth_server.token_requests["authorization_code"] == 1

    account.append("INBOX", mails.inquiry("Ana <ana@example.org>", question=False))
    assert main([*base, "run", "--once"]) == 0
    (answer,) = smtp.wait_for(1)
    assert answer.auth_user == account.username

    oauth_server.expire_all()
    account.append("INBOX", mails.inquiry("Ben <ben@example.org>", question=False))
    assert main([*base, "run", "--once"]) == 0
    assert len(smtp.wait_for(2)) == 2 and oauth_server.token_requests["refresh_token"] >= 1

    oauth_server.revoke(account.username)
    account.append("INBOX", mails.inquiry("Cai <cai@example.org>", question=False))
    capsys.readouterr()
    assert main([*base, "run", "--once"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "run `callflow login` again" in err[0]
    assert account.count("INBOX") == 1
