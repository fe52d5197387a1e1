"""Fixtures for real mail servers; the machinery lives in tests/servers.py.

Missing servers are an error, never a skip: CI must not go green without the integration tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers import CertAuthority, DovecotServer, ImapAccount, SmtpServer


def pytest_configure(config: pytest.Config) -> None:
    # aiosmtpd warns when AUTH is required without STARTTLS; for smtps_server the whole connection is TLS.
    config.addinivalue_line("filterwarnings", "ignore:Requiring AUTH while not requiring TLS:UserWarning")


@pytest.fixture(scope="session")
def tls_ca(tmp_path_factory: pytest.TempPathFactory) -> CertAuthority:
    """Throw-away CA; ``.ca_file`` is its PEM, ``.client_context()`` a verifying context trusting it."""
    return CertAuthority(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def dovecot(tls_ca: CertAuthority) -> Iterator[DovecotServer]:
    """One Dovecot per session (start ~0.04 s, stop ~1.1 s); each test gets its own account instead."""
    server = DovecotServer(tls_ca)
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def imap_account(dovecot: DovecotServer) -> ImapAccount:
    """A fresh, empty mail account on the session Dovecot (INBOX, Sent, Trash)."""
    # A reconnect test that failed between stop() and start() must not break every later test.
    dovecot.start()
    return dovecot.add_user()


@pytest.fixture
def smtp_server(tls_ca: CertAuthority) -> Iterator[SmtpServer]:
    """SMTP submission server: STARTTLS required, then AUTH LOGIN/PLAIN required."""
    server = SmtpServer(tls_ca)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtps_server(tls_ca: CertAuthority) -> Iterator[SmtpServer]:
    """Like ``smtp_server`` but implicit TLS (SMTPS, "port 465" style)."""
    server = SmtpServer(tls_ca, implicit_tls=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def env(imap_account: ImapAccount, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch):
    """An IMAP account and an SMTP server, with their passwords in the environment variables
    that ``tests.cfg.server_config`` names (secrets come only from the environment)."""
    monkeypatch.setenv("CALLFLOW_TEST_IMAP_PASSWORD", imap_account.password)
    monkeypatch.setenv("CALLFLOW_TEST_SMTP_PASSWORD", smtp_server.password)
    return imap_account, smtp_server
