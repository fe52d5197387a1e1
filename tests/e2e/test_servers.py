"""The real-server fixtures work: verified TLS, STARTTLS, APPEND/FETCH, SMTP delivery and refusals, restart."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from email.message import EmailMessage

import aiosmtplib
import imapclient
import pytest
from imapclient.exceptions import LoginError

from tests.servers import DovecotServer, ImapAccount, SmtpServer


def _message(subject: str, to: str = "alice@example.org") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "callflow@example.org"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content("Hello Wörld\n")
    return msg


# --------------------------------------------------------------------------------------------------- IMAP


def test_imaps_login_with_verified_tls(imap_account: ImapAccount) -> None:
    ctx = ssl.create_default_context(cafile=imap_account.ca_file)
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    client = imapclient.IMAPClient(imap_account.host, port=imap_account.ssl_port, ssl=True, ssl_context=ctx)
    try:
        client.login(imap_account.username, imap_account.password)
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
        assert b"MULTIAPPEND" in client.capabilities()
    finally:
        client.logout()


def test_starttls_login_with_verified_tls(imap_account: ImapAccount) -> None:
    client = imapclient.IMAPClient(imap_account.host, port=imap_account.port, ssl=False)
    try:
        assert b"STARTTLS" in client.capabilities()
        client.starttls(ssl.create_default_context(cafile=imap_account.ca_file))
        client.login(imap_account.username, imap_account.password)
        assert client.folder_exists("Sent")
    finally:
        client.logout()


def test_system_trust_store_rejects_test_certificate(imap_account: ImapAccount) -> None:
    # The server certificate comes from the throw-away CA, so a client using the system trust store must
    # fail verification: proves the fixtures really exercise certificate checking.
    with pytest.raises(ssl.SSLCertVerificationError, match="certificate verify failed"):
        imapclient.IMAPClient(imap_account.host, port=imap_account.ssl_port, ssl=True,
                              ssl_context=ssl.create_default_context())
    plain = imapclient.IMAPClient(imap_account.host, port=imap_account.port, ssl=False)
    with pytest.raises(ssl.SSLCertVerificationError):
        plain.starttls(ssl.create_default_context())
    with contextlib.suppress(OSError):  # the failed handshake already closed the socket
        plain.shutdown()


def test_wrong_password_is_refused(imap_account: ImapAccount) -> None:
    client = imapclient.IMAPClient(imap_account.host, port=imap_account.ssl_port,
                                   ssl_context=imap_account.ssl_context())
    try:
        with pytest.raises(LoginError):
            client.login(imap_account.username, imap_account.password + "x")
    finally:
        client.shutdown()
    # Dovecot's per-IP auth penalty is disabled: a good login right after a failed one is not delayed.
    start = time.monotonic()
    imap_account.connect().logout()
    assert time.monotonic() - start < 1.5


def test_accounts_are_fresh_and_separate(dovecot: DovecotServer, imap_account: ImapAccount) -> None:
    other = dovecot.add_user()
    assert other.username != imap_account.username
    imap_account.append("INBOX", b"Subject: mine\r\n\r\nx\r\n")
    assert imap_account.count("INBOX") == 1
    assert other.count("INBOX") == 0
    assert imap_account.folders() == ["INBOX", "Sent", "Trash"]


def test_lmtp_delivery(dovecot: DovecotServer, imap_account: ImapAccount) -> None:
    dovecot.deliver_lmtp(imap_account.username, _message("via lmtp").as_bytes())
    [raw] = imap_account.fetch_all("INBOX")
    assert b"Subject: via lmtp" in raw
    assert imap_account.flags("INBOX")[0][1] == frozenset()


def test_append_then_fetch(imap_account: ImapAccount) -> None:
    first = _message("first").as_bytes()
    uid = imap_account.append("INBOX", first, flags=["\\Seen", "$Label1"])
    uids = imap_account.append_many("Archive/2024", [_message(f"m{i}").as_bytes() for i in range(3)])
    assert uids == [1, 2, 3]

    fetched = imap_account.fetch_all("INBOX")
    assert len(fetched) == 1
    # Dovecot serves CRLF line ends whatever was appended; compare line by line.
    assert fetched[0].splitlines() == first.splitlines()
    assert imap_account.flags("INBOX") == [(uid, frozenset({"\\Seen", "$Label1"}))]

    assert "Archive/2024" in imap_account.folders()
    assert imap_account.count("Archive/2024") == 3
    archived = imap_account.fetch_all("Archive/2024")
    assert [m.split(b"Subject: ")[1].split(b"\r\n")[0] for m in archived] == [b"m0", b"m1", b"m2"]
    # Reading did not mark anything \Seen (BODY.PEEK + EXAMINE).
    assert all(flags == frozenset() for _uid, flags in imap_account.flags("Archive/2024"))


def test_dovecot_restart_drops_clients_and_keeps_data(dovecot: DovecotServer, imap_account: ImapAccount) -> None:
    imap_account.append("INBOX", b"Subject: before restart\r\n\r\nx\r\n")
    client = imap_account.connect()
    client.select_folder("INBOX")
    dovecot.stop()
    assert not dovecot.running
    with pytest.raises((imapclient.IMAPClient.AbortError, OSError)):
        client.noop()
    with pytest.raises(OSError):
        imap_account.connect()
    dovecot.start()
    assert dovecot.running
    assert imap_account.count("INBOX") == 1
    with imap_account.connect(starttls=True) as again:
        assert again.select_folder("INBOX")[b"EXISTS"] == 1


# --------------------------------------------------------------------------------------------------- SMTP


def test_smtp_starttls_auth_delivers(smtp_server: SmtpServer) -> None:
    tls_context = ssl.create_default_context(cafile=smtp_server.ca_file)
    asyncio.run(aiosmtplib.send(
        _message("hello smtp"), hostname=smtp_server.host, port=smtp_server.port,
        username=smtp_server.username, password=smtp_server.password,
        start_tls=True, tls_context=tls_context,
    ))
    [received] = smtp_server.wait_for(1, timeout=5)
    assert received.mail_from == "callflow@example.org"
    assert received.rcpt_tos == ["alice@example.org"]
    assert received.message["Subject"] == "hello smtp"
    # ``content`` is the wire form, so parsed bodies keep CRLF line ends.
    assert received.message.get_content() == "Hello Wörld\r\n"
    assert received.tls and received.auth_user == smtp_server.username
    assert b"Subject: hello smtp" in received.content


def test_smtp_requires_starttls_and_auth(smtp_server: SmtpServer) -> None:
    async def plain_mail() -> None:
        async with aiosmtplib.SMTP(hostname=smtp_server.host, port=smtp_server.port, start_tls=False) as smtp:
            await smtp.sendmail("a@example.org", ["b@example.org"], b"Subject: x\r\n\r\nx\r\n")

    with pytest.raises(aiosmtplib.SMTPSenderRefused) as refused:
        asyncio.run(plain_mail())
    assert refused.value.code == 530

    async def tls_without_auth() -> None:
        async with aiosmtplib.SMTP(hostname=smtp_server.host, port=smtp_server.port,
                                   start_tls=True, tls_context=smtp_server.ssl_context()) as smtp:
            await smtp.sendmail("a@example.org", ["b@example.org"], b"Subject: x\r\n\r\nx\r\n")

    with pytest.raises(aiosmtplib.SMTPSenderRefused) as refused:
        asyncio.run(tls_without_auth())
    assert refused.value.code == 530
    assert smtp_server.messages == []


def test_smtp_system_trust_store_rejected(smtp_server: SmtpServer) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        asyncio.run(aiosmtplib.send(
            _message("x"), hostname=smtp_server.host, port=smtp_server.port,
            username=smtp_server.username, password=smtp_server.password,
            start_tls=True, tls_context=ssl.create_default_context(),
        ))


def test_smtp_reject_recipients_and_fail_next(smtp_server: SmtpServer) -> None:
    smtp_server.reject_recipients = {"x@example.org": "550 5.1.1 no such user"}

    def send(to: str) -> None:
        asyncio.run(aiosmtplib.send(
            _message("x", to=to), hostname=smtp_server.host, port=smtp_server.port,
            username=smtp_server.username, password=smtp_server.password,
            start_tls=True, tls_context=smtp_server.ssl_context(),
        ))

    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
        send("X@example.org")  # matched case-insensitively
    [error] = refused.value.recipients
    assert (error.code, error.message) == (550, "5.1.1 no such user")

    smtp_server.fail_next = ["451 4.3.0 try later"]
    with pytest.raises(aiosmtplib.SMTPDataError) as failed:
        send("ok@example.org")
    assert failed.value.code == 451
    send("ok@example.org")  # the failure was used up
    assert [m.rcpt_tos for m in smtp_server.wait_for(1)] == [["ok@example.org"]]
    assert smtp_server.attempts == 2


def test_smtps_implicit_tls(smtps_server: SmtpServer) -> None:
    asyncio.run(aiosmtplib.send(
        _message("implicit"), hostname=smtps_server.host, port=smtps_server.port,
        username=smtps_server.username, password=smtps_server.password,
        use_tls=True, tls_context=smtps_server.ssl_context(),
    ))
    [received] = smtps_server.wait_for(1)
    assert received.message["Subject"] == "implicit" and received.tls


def test_smtp_restart_same_port(smtp_server: SmtpServer) -> None:
    port = smtp_server.port
    smtp_server.stop()
    with pytest.raises((aiosmtplib.SMTPConnectError, OSError)):
        asyncio.run(aiosmtplib.send(_message("down"), hostname=smtp_server.host, port=port,
                                    start_tls=True, tls_context=smtp_server.ssl_context(), timeout=5))
    smtp_server.start()
    asyncio.run(aiosmtplib.send(
        _message("up again"), hostname=smtp_server.host, port=port,
        username=smtp_server.username, password=smtp_server.password,
        start_tls=True, tls_context=smtp_server.ssl_context(),
    ))
    assert smtp_server.wait_for(1)[0].message["Subject"] == "up again"
