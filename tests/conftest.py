"""Fixtures for real mail servers; the machinery lives in tests/servers.py.

Missing servers are an error, never a skip: CI must not go green without the integration tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.oauth_server import OAuthServer
from tests.servers import CertAuthority, DovecotServer, ImapAccount, SmtpServer


def pytest_configure(config: pytest.Config) -> None:
    # aiosmtpd warns when AUTH is required without STARTTLS; for smtps_server the whole connection is TLS.
    config.addinivalue_line("filterwarnings", "ignore:Requiring AUTH while not requiring TLS:UserWarning")


@pytest.fixture(scope="session")
def tls_ca(tmp_path_factory: pytest.TempPathFactory) -> CertAuthority:
    """Throw-away CA; ``.ca_file`` is its PEM, ``.client_context()`` a verifying context trusting it."""
    return CertAuthority(tmp_path_factory.mktemp("tls"))


def _running(server: DovecotServer) -> Iterator[DovecotServer]:
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def dovecot(tls_ca: CertAuthority) -> Iterator[DovecotServer]:
    """One Dovecot per session (start ~0.04 s, stop ~1.1 s); each test gets its own account instead."""
    yield from _running(DovecotServer(tls_ca))


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


# ------------------------------------------------------------------------------------------------- OAuth2


@pytest.fixture(scope="session")
def oauth_server_session(tls_ca: CertAuthority) -> Iterator[OAuthServer]:
    """The one OAuth2 provider of the session; Dovecot's config names its URL, so it must outlive tests.
    Tests use ``oauth_server``, which hands out this server reset."""
    server = OAuthServer(tls_ca)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def oauth_server(oauth_server_session: OAuthServer) -> OAuthServer:
    """OAuth2/OIDC provider (HTTPS, device flow, authorization code + PKCE with loopback redirect, refresh,
    introspection), clean for this test: no tokens, zero counters, default knobs.
    ``tests.oauth_server.msal_public_client(oauth_server)`` gives an msal app,
    ``installed_app_flow(oauth_server, scopes)`` a google-auth-oauthlib InstalledAppFlow; the test plays the
    user's browser with ``oauth_server.browse(url, username)``."""
    oauth_server_session.reset()
    return oauth_server_session


@pytest.fixture(scope="session")
def oauth_dovecot(tls_ca: CertAuthority, oauth_server_session: OAuthServer) -> Iterator[DovecotServer]:
    """A second session Dovecot that also accepts XOAUTH2/OAUTHBEARER, checked against ``oauth_server``'s
    introspection endpoint; passwords work too. Kept apart from ``dovecot`` so tests of the password-only
    setup see exactly that setup."""
    yield from _running(DovecotServer(tls_ca, oauth2_introspection_url=oauth_server_session.plain_introspection_url))


@pytest.fixture
def oauth_imap_account(oauth_dovecot: DovecotServer, oauth_server: OAuthServer) -> ImapAccount:
    """A fresh account on ``oauth_dovecot``: it signs in with any active token that ``oauth_server`` issued
    to ``account.username`` (device flow approved as that name, or ``oauth_server.issue_tokens``). Its
    password still works, so the ImapAccount helpers (append, fetch, ...) work as usual."""
    oauth_dovecot.start()
    return oauth_dovecot.add_user()


@pytest.fixture
def oauth_smtp_server(tls_ca: CertAuthority, oauth_server: OAuthServer) -> Iterator[SmtpServer]:
    """``smtp_server`` that also offers AUTH XOAUTH2/OAUTHBEARER, checked against ``oauth_server``."""
    server = SmtpServer(tls_ca, oauth2_introspection_url=oauth_server.plain_introspection_url)
    server.start()
    try:
        yield server
    finally:
        server.stop()
