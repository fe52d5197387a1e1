"""The OAuth2 test infrastructure works against itself: msal's device flow and refresh against the test
provider over verified HTTPS, google-auth-oauthlib's InstalledAppFlow (authorization code, loopback
redirect, PKCE) and google-auth's refresh, and XOAUTH2/OAUTHBEARER sign-in at the real Dovecot and aiosmtpd
servers, which ask the provider's introspection endpoint about each token."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import threading
import time
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiosmtplib
import certifi
import google.auth.exceptions
import google.auth.transport.requests
import google.oauth2.credentials
import imapclient
import msal
import oauthlib.oauth2
import pytest
import requests
from google_auth_oauthlib.flow import InstalledAppFlow
from imapclient.exceptions import LoginError

from tests.oauth_server import (
    AUTHORIZATION_CODE_GRANT,
    DEVICE_CODE_GRANT,
    REFRESH_TOKEN_GRANT,
    OAuthError,
    OAuthServer,
    google_client_config,
    installed_app_flow,
    msal_public_client,
)
from tests.servers import DovecotServer, ImapAccount, SmtpServer

SCOPES = ["https://mail.example/imap"]


def _session(server: OAuthServer) -> requests.Session:
    """A requests session trusting only the test CA, whatever REQUESTS_CA_BUNDLE says."""
    session = requests.Session()
    session.trust_env = False
    session.verify = server.ca_file
    return session


def _post_token(server: OAuthServer, **form: str) -> requests.Response:
    with _session(server) as session:
        return session.post(server.token_endpoint, data=form, timeout=10)


def _device_flow_login(server: OAuthServer, app: msal.PublicClientApplication, username: str) -> dict:
    """Device flow as a user would do it: the app polls while the user approves in the meantime."""
    flow = app.initiate_device_flow(scopes=SCOPES)
    assert "user_code" in flow, flow
    # The "user" approves only once the app is polling, so the first poll really answers pending.
    approver = threading.Timer(0.3, server.approve, (flow["user_code"], username))
    approver.start()
    try:
        result = app.acquire_token_by_device_flow(flow)
    finally:
        approver.cancel()
    assert "access_token" in result, result
    return result


def _imap_oauth_login(account: ImapAccount, token: str, *, mechanism: str = "XOAUTH2", starttls: bool = False,
                      username: str | None = None) -> imapclient.IMAPClient:
    client = account.connect(login=False, starttls=starttls)
    try:
        if mechanism == "OAUTHBEARER":
            client.oauthbearer_login(username or account.username, token)
        else:
            client.oauth2_login(username or account.username, token)
    except BaseException:
        client.shutdown()
        raise
    return client


def _assert_imap_refuses(account: ImapAccount, token: str, **kwargs: object) -> None:
    with pytest.raises(LoginError, match="AUTHENTICATIONFAILED"):
        _imap_oauth_login(account, token, **kwargs)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ the provider


def test_discovery_document_has_what_msal_needs(oauth_server: OAuthServer) -> None:
    with _session(oauth_server) as session:
        doc = session.get(f"{oauth_server.authority}/.well-known/openid-configuration", timeout=10).json()
    # msal's oidc_authority check: the issuer must be the authority itself.
    assert doc["issuer"] == oauth_server.authority
    for key in ("authorization_endpoint", "token_endpoint", "device_authorization_endpoint",
                "introspection_endpoint"):
        assert doc[key].startswith(oauth_server.authority + "/"), key


def test_msal_device_flow_end_to_end(oauth_server: OAuthServer) -> None:
    app = msal_public_client(oauth_server)
    result = _device_flow_login(oauth_server, app, "alice@example.org")

    assert result["token_type"] == "Bearer"
    assert result["token_source"] == "identity_provider"
    assert result["id_token_claims"]["preferred_username"] == "alice@example.org"
    assert result["id_token_claims"]["aud"] == "callflow-test-client"
    # At least one poll found the user not signed in yet (authorization_pending), then the token came.
    assert oauth_server.token_requests[DEVICE_CODE_GRANT] >= 2
    assert oauth_server.introspect(result["access_token"])["username"] == "alice@example.org"

    # The account is in msal's cache, so the app's next start-up needs no sign-in.
    [account] = app.get_accounts()
    assert account["username"] == "alice@example.org"
    silent = app.acquire_token_silent(SCOPES, account=account)
    assert silent is not None and silent["access_token"] == result["access_token"]
    assert silent["token_source"] == "cache"
    assert oauth_server.token_requests[REFRESH_TOKEN_GRANT] == 0


def test_wait_user_code_and_auto_approve(oauth_server: OAuthServer) -> None:
    # The shape of a product test: the code under test starts the flow, the test finds the code and approves.
    app = msal_public_client(oauth_server)
    flow = app.initiate_device_flow(scopes=SCOPES)
    assert oauth_server.wait_user_code(timeout=1) == flow["user_code"].replace("-", "")
    oauth_server.approve(flow["user_code"].lower(), "bob")  # typed sloppily, as people do
    assert app.acquire_token_by_device_flow(flow)["id_token_claims"]["preferred_username"] == "bob"

    oauth_server.auto_approve = "carol"
    flow = app.initiate_device_flow(scopes=SCOPES)
    assert app.acquire_token_by_device_flow(flow)["id_token_claims"]["preferred_username"] == "carol"


def test_device_flow_denied(oauth_server: OAuthServer) -> None:
    app = msal_public_client(oauth_server)
    flow = app.initiate_device_flow(scopes=SCOPES)
    oauth_server.deny(flow["user_code"])
    assert app.acquire_token_by_device_flow(flow)["error"] == "access_denied"


def test_device_code_expires_and_is_single_use(oauth_server: OAuthServer) -> None:
    oauth_server.device_code_lifetime = 0.5
    flow = msal_public_client(oauth_server).initiate_device_flow(scopes=SCOPES)
    time.sleep(0.6)
    oauth_server.approve(flow["user_code"], "dave")  # too late
    answer = _post_token(oauth_server, grant_type=DEVICE_CODE_GRANT, client_id="callflow-test-client",
                         device_code=flow["device_code"])
    assert (answer.status_code, answer.json()["error"]) == (400, "expired_token")

    oauth_server.device_code_lifetime = 600
    flow = msal_public_client(oauth_server).initiate_device_flow(scopes=SCOPES)
    oauth_server.approve(flow["user_code"], "dave")
    form = {"grant_type": DEVICE_CODE_GRANT, "client_id": "callflow-test-client", "device_code": flow["device_code"]}
    assert "access_token" in _post_token(oauth_server, **form).json()
    assert _post_token(oauth_server, **form).json()["error"] == "invalid_grant"


def test_unknown_client_is_refused_when_client_id_is_set(oauth_server: OAuthServer) -> None:
    oauth_server.client_id = "the-registered-app"
    flow = msal_public_client(oauth_server, client_id="someone-else").initiate_device_flow(scopes=SCOPES)
    assert flow["error"] == "invalid_client"
    assert "user_code" in msal_public_client(oauth_server, "the-registered-app").initiate_device_flow(scopes=SCOPES)


def test_msal_verifies_tls_against_the_test_ca_only(oauth_server: OAuthServer,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the test CA msal (requests) rejects the provider: verification is really on.
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        msal.PublicClientApplication("callflow-test-client", oidc_authority=oauth_server.authority)
    # verify=<CA file> works while the environment names no bundle ...
    msal.PublicClientApplication("callflow-test-client", oidc_authority=oauth_server.authority,
                                 verify=oauth_server.ca_file)
    # ... but requests lets REQUESTS_CA_BUNDLE override the session's verify: the pitfall that
    # msal_public_client() (http_client with trust_env=False) avoids. Set on this project's machines.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        msal.PublicClientApplication("callflow-test-client", oidc_authority=oauth_server.authority,
                                     verify=oauth_server.ca_file)
    assert "user_code" in msal_public_client(oauth_server).initiate_device_flow(scopes=SCOPES)


def test_refresh_grant_rotation_and_revocation(oauth_server: OAuthServer) -> None:
    app = msal_public_client(oauth_server)
    first = _device_flow_login(oauth_server, app, "erin")
    [account] = app.get_accounts()

    refreshed = app.acquire_token_silent(SCOPES, account=account, force_refresh=True)
    assert refreshed is not None and refreshed["token_source"] == "identity_provider"
    assert refreshed["access_token"] != first["access_token"]
    assert refreshed["refresh_token"] != first["refresh_token"]  # rotated
    assert oauth_server.token_requests[REFRESH_TOKEN_GRANT] == 1
    assert oauth_server.introspect(refreshed["access_token"])["active"] is True
    # The rotated-away refresh token is dead (replayed by hand: msal would remember its 400 for 60 s).
    assert _post_token(oauth_server, grant_type="refresh_token", client_id="callflow-test-client",
                       refresh_token=first["refresh_token"]).json()["error"] == "invalid_grant"

    by_rt = app.acquire_token_by_refresh_token(refreshed["refresh_token"], SCOPES)
    assert "access_token" in by_rt, by_rt

    oauth_server.revoke("erin")
    assert oauth_server.introspect(by_rt["access_token"]) == {"active": False}
    after = app.acquire_token_silent_with_error(SCOPES, account=account, force_refresh=True)
    assert after is not None and after["error"] == "invalid_grant"
    # Signing in again works after a revocation.
    assert "access_token" in _device_flow_login(oauth_server, msal_public_client(oauth_server), "erin")


def test_refresh_without_rotation_keeps_the_refresh_token(oauth_server: OAuthServer) -> None:
    oauth_server.rotate_refresh_tokens = False
    first = oauth_server.issue_tokens("frank", scope="openid offline_access mail", client_id="c1")
    again = _post_token(oauth_server, grant_type="refresh_token", client_id="c1",
                        refresh_token=first["refresh_token"], scope="mail").json()
    assert again["refresh_token"] == first["refresh_token"]
    assert again["scope"] == "mail"
    wider = _post_token(oauth_server, grant_type="refresh_token", client_id="c1",
                        refresh_token=first["refresh_token"], scope="mail admin").json()
    assert wider["error"] == "invalid_scope"
    other_client = _post_token(oauth_server, grant_type="refresh_token", client_id="c2",
                               refresh_token=first["refresh_token"]).json()
    assert other_client["error"] == "invalid_grant"


def test_short_lifetime_makes_msal_refresh_on_every_silent_call(oauth_server: OAuthServer) -> None:
    # msal counts an access token with under 5 minutes left as expired: with short lifetimes every
    # acquire_token_silent goes to the token endpoint. Product tests of "token expired" rely on this.
    oauth_server.access_token_lifetime = 60
    app = msal_public_client(oauth_server)
    _device_flow_login(oauth_server, app, "gina")
    [account] = app.get_accounts()
    tokens = {app.acquire_token_silent(SCOPES, account=account)["access_token"] for _ in range(2)}  # type: ignore[index]
    assert len(tokens) == 2
    assert oauth_server.token_requests[REFRESH_TOKEN_GRANT] == 2


def test_introspection_endpoints(oauth_server: OAuthServer) -> None:
    token = oauth_server.issue_tokens("hank")["access_token"]
    plain = requests.Session()
    plain.trust_env = False
    with plain:
        answer = plain.post(oauth_server.plain_introspection_url, data={"token": token}, timeout=10).json()
        assert answer["active"] is True and answer["username"] == "hank" and answer["exp"] > time.time()
        # Tokens are never handed out over the plain listener.
        assert plain.post(oauth_server.plain_introspection_url.replace("introspect", "token"),
                          data={"grant_type": "refresh_token"}, timeout=10).status_code == 404
    with _session(oauth_server) as session:
        assert session.post(oauth_server.introspection_url, data={"token": token}, timeout=10).json()["active"]
        oauth_server.expire(token)
        assert session.post(oauth_server.introspection_url, data={"token": token}, timeout=10).json() == {
            "active": False}
    assert oauth_server.introspections == 3


# ------------------------------------------------------------- authorization code flow (Google installed app)

GOOGLE_SCOPES = ["https://mail.google.com/", "openid", "email"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _id_token_claims(id_token: str) -> dict[str, Any]:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _local_server_login(server: OAuthServer, flow: InstalledAppFlow, username: str,
                        capsys: pytest.CaptureFixture[str]) -> google.oauth2.credentials.Credentials:
    """run_local_server as an app runs it (thread, printed URL, no browser), the test being the browser."""
    port = _free_port()
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(flow.run_local_server(port=port, open_browser=False, timeout_seconds=30))
        except BaseException as e:  # handed to the test thread, which re-raises it
            outcome.append(e)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    printed = ""
    deadline = time.monotonic() + 10
    # The app prints the URL for the user; the loopback listener is already bound by then.
    while (url := server.authorization_url_in(printed)) is None and time.monotonic() < deadline:
        time.sleep(0.02)
        printed += capsys.readouterr().out
    assert url is not None, f"no authorization URL printed: {printed!r}"
    assert parse_qs(urlsplit(url).query)["redirect_uri"] == [f"http://localhost:{port}/"]
    page = server.browse(url, username)
    assert page.status_code == 200 and "flow has completed" in page.text
    thread.join(30)
    assert not thread.is_alive()
    [result] = outcome
    if isinstance(result, BaseException):
        raise result
    return result


def _pasted_redirect_flow(server: OAuthServer, username: str, **kwargs: Any) -> tuple[InstalledAppFlow, str]:
    """authorization_url() for a loopback redirect nobody listens on; returns the flow and the address the
    user's browser ended up at (to be pasted into the app)."""
    flow = installed_app_flow(server, GOOGLE_SCOPES, **kwargs)
    flow.redirect_uri = f"http://127.0.0.1:{_free_port()}/"
    url, _state = flow.authorization_url()
    return flow, server.authorization_response(url, username)


def _as_https(redirect: str) -> str:
    # oauthlib refuses a non-https authorization_response (InsecureTransportError); run_local_server does
    # this same replacement. The token request's redirect_uri stays the session's http one.
    return redirect.replace("http://", "https://", 1)


def test_installed_app_flow_run_local_server_then_refresh(oauth_server: OAuthServer,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    flow = installed_app_flow(oauth_server, GOOGLE_SCOPES)
    creds = _local_server_login(oauth_server, flow, "alice@example.org", capsys)

    assert oauth_server.token_requests == {AUTHORIZATION_CODE_GRANT: 1}
    assert oauth_server.authorization_requests == 1
    assert creds.valid and creds.refresh_token  # access_type=offline: a refresh token
    assert creds.granted_scopes == GOOGLE_SCOPES
    assert oauth_server.introspect(creds.token)["username"] == "alice@example.org"
    claims = _id_token_claims(creds.id_token)
    assert (claims["email"], claims["preferred_username"], claims["aud"]) == (
        "alice@example.org", "alice@example.org", "callflow-test-client")

    # google-auth's refresh, over a session that trusts the test CA only (same REQUESTS_CA_BUNDLE pitfall).
    session = requests.Session()
    session.trust_env = False
    session.verify = oauth_server.ca_file
    old_token, old_refresh = creds.token, creds.refresh_token
    creds.refresh(google.auth.transport.requests.Request(session))
    assert creds.token != old_token and creds.refresh_token != old_refresh  # rotated by default
    assert oauth_server.token_requests[REFRESH_TOKEN_GRANT] == 1
    assert oauth_server.introspect(creds.token)["username"] == "alice@example.org"

    oauth_server.revoke("alice@example.org")
    with pytest.raises(google.auth.exceptions.RefreshError, match="invalid_grant"):
        creds.refresh(google.auth.transport.requests.Request(session))


def test_installed_app_flow_pasted_redirect_with_client_secret(oauth_server: OAuthServer) -> None:
    oauth_server.client_secret = "s3cret"
    flow, redirect = _pasted_redirect_flow(oauth_server, "bob@example.org", client_secret="s3cret")
    assert redirect.startswith(flow.redirect_uri + "?")
    with pytest.raises(oauthlib.oauth2.rfc6749.errors.InsecureTransportError):
        flow.fetch_token(authorization_response=redirect)  # http as pasted: oauthlib's refusal, not ours
    token = flow.fetch_token(authorization_response=_as_https(redirect))
    assert oauth_server.introspect(token["access_token"])["username"] == "bob@example.org"
    assert token["scope"] == GOOGLE_SCOPES and token["expires_in"] == 3600

    # Credentials.refresh sends the secret in the form (fetch_token used HTTP Basic): both are checked.
    session = requests.Session()
    session.trust_env = False
    session.verify = oauth_server.ca_file
    flow.credentials.refresh(google.auth.transport.requests.Request(session))
    assert oauth_server.token_requests == {AUTHORIZATION_CODE_GRANT: 1, REFRESH_TOKEN_GRANT: 1}

    flow, redirect = _pasted_redirect_flow(oauth_server, "bob@example.org", client_secret="wrong")
    with pytest.raises(oauthlib.oauth2.rfc6749.errors.InvalidClientError):
        flow.fetch_token(authorization_response=_as_https(redirect))
    bad = google.oauth2.credentials.Credentials(
        None, refresh_token=oauth_server.refresh_tokens("bob@example.org")[0], token_uri=oauth_server.token_endpoint,
        client_id="callflow-test-client", client_secret="wrong")
    with pytest.raises(google.auth.exceptions.RefreshError, match="invalid_client"):
        bad.refresh(google.auth.transport.requests.Request(session))


def test_online_access_gets_no_refresh_token_and_nonce_is_echoed(oauth_server: OAuthServer) -> None:
    # Like Google: a refresh token only with access_type=offline (InstalledAppFlow's default) or offline_access.
    flow = installed_app_flow(oauth_server, GOOGLE_SCOPES)
    flow.redirect_uri = f"http://127.0.0.1:{_free_port()}/"
    url, _ = flow.authorization_url(access_type="online", nonce="n-0S6_WzA2Mj")
    token = flow.fetch_token(authorization_response=_as_https(oauth_server.authorization_response(url, "gus")))
    assert "refresh_token" not in token and oauth_server.refresh_tokens("gus") == []
    assert _id_token_claims(token["id_token"])["nonce"] == "n-0S6_WzA2Mj"


def test_authorization_code_refusals(oauth_server: OAuthServer) -> None:
    # A wrong PKCE verifier is refused, and the attempt burns the code: the right verifier comes too late.
    flow, redirect = _pasted_redirect_flow(oauth_server, "carol")
    with pytest.raises(oauthlib.oauth2.rfc6749.errors.InvalidGrantError, match="code_verifier"):
        flow.fetch_token(authorization_response=_as_https(redirect), code_verifier="x" * 64)
    with pytest.raises(oauthlib.oauth2.rfc6749.errors.InvalidGrantError, match="already used"):
        flow.fetch_token(authorization_response=_as_https(redirect))

    # A redirect_uri other than the authorization request's.
    flow, redirect = _pasted_redirect_flow(oauth_server, "carol")
    flow.redirect_uri = f"http://127.0.0.1:{_free_port()}/"
    with pytest.raises(oauthlib.oauth2.rfc6749.errors.InvalidGrantError, match="redirect_uri"):
        flow.fetch_token(authorization_response=_as_https(redirect))

    # A replayed code is refused and revokes what it bought (RFC 6749 4.1.2), refreshes included.
    flow, redirect = _pasted_redirect_flow(oauth_server, "carol")
    first = flow.fetch_token(authorization_response=_as_https(redirect))
    with pytest.raises(oauthlib.oauth2.rfc6749.errors.InvalidGrantError, match="already used"):
        flow.fetch_token(authorization_response=_as_https(redirect))
    assert oauth_server.introspect(first["access_token"]) == {"active": False}
    assert oauth_server.refresh_tokens("carol") == []

    # Codes are short-lived.
    oauth_server.authorization_code_lifetime = 0.2
    flow, redirect = _pasted_redirect_flow(oauth_server, "carol")
    time.sleep(0.3)
    with pytest.raises(oauthlib.oauth2.rfc6749.errors.InvalidGrantError, match="expired"):
        flow.fetch_token(authorization_response=_as_https(redirect))
    assert oauth_server.token_requests == {AUTHORIZATION_CODE_GRANT: 6}


def test_authorization_endpoint_refusals(oauth_server: OAuthServer) -> None:
    def redirect_error(flow: InstalledAppFlow, **kwargs: Any) -> dict[str, list[str]]:
        url, state = flow.authorization_url(**kwargs)
        query = parse_qs(urlsplit(oauth_server.authorization_response(url, "dan")).query)
        assert query["state"] == [state]
        return query

    # Not a loopback redirect: the provider must not send the code there, so the browser shows the error.
    for bad in ("https://localhost:8080/", "http://evil.example:8080/", "http://localhost:8080/cb",
                "http://localhost@evil.example/", "urn:ietf:wg:oauth:2.0:oob"):
        flow = installed_app_flow(oauth_server, GOOGLE_SCOPES)
        flow.redirect_uri = bad
        with pytest.raises(OAuthError, match="redirect_uri") as refused:
            oauth_server.authorization_response(flow.authorization_url()[0], "dan")
        assert refused.value.status == 400
    # Without a trailing slash is still a loopback redirect (run_local_server(redirect_uri_trailing_slash=False)).
    flow = installed_app_flow(oauth_server, GOOGLE_SCOPES)
    flow.redirect_uri = "http://localhost:8080"
    assert "code" in redirect_error(flow)

    # PKCE S256 is required; the other faults go back to the app.
    flow = InstalledAppFlow.from_client_config(google_client_config(oauth_server), GOOGLE_SCOPES,
                                               autogenerate_code_verifier=False)
    flow.redirect_uri = "http://127.0.0.1:8080/"
    assert redirect_error(flow)["error"] == ["invalid_request"]
    flow = installed_app_flow(oauth_server, GOOGLE_SCOPES)
    flow.redirect_uri = "http://127.0.0.1:8080/"
    assert redirect_error(flow, code_challenge_method="plain")["error"] == ["invalid_request"]
    implicit = flow.authorization_url()[0].replace("response_type=code", "response_type=token")
    assert parse_qs(urlsplit(oauth_server.authorization_response(implicit, "dan")).query)["error"] == [
        "unsupported_response_type"]

    # The user declines.
    url, state = flow.authorization_url()
    assert parse_qs(urlsplit(oauth_server.authorization_response(url, "dan", consent=False)).query) == {
        "error": ["access_denied"], "error_description": ["the user declined"], "state": [state]}

    # An unknown client when the provider knows its client.
    oauth_server.client_id = "the-registered-app"
    with pytest.raises(OAuthError, match="invalid_client"):
        oauth_server.authorization_response(flow.authorization_url()[0], "dan")
    assert oauth_server.token_requests == {}


def test_authorization_endpoint_without_a_signed_in_user(oauth_server: OAuthServer) -> None:
    flow = installed_app_flow(oauth_server, GOOGLE_SCOPES)
    flow.redirect_uri = "http://127.0.0.1:8080/"
    url, _ = flow.authorization_url()
    with requests.Session() as anonymous:
        anonymous.trust_env = False
        anonymous.verify = oauth_server.ca_file
        page = anonymous.get(url, allow_redirects=False, timeout=10)
        assert page.status_code == 200 and "Sign in" in page.text  # a login page, no code
        oauth_server.auto_approve = "erin"
        redirected = anonymous.get(url, allow_redirects=False, timeout=10)
    assert redirected.status_code == 302
    token = flow.fetch_token(authorization_response=_as_https(redirected.headers["Location"]))
    assert oauth_server.introspect(token["access_token"])["username"] == "erin"


def test_installed_app_flow_verifies_tls_against_the_test_ca_only(oauth_server: OAuthServer,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # The flow's oauth2session.verify alone is overridden by REQUESTS_CA_BUNDLE (set on this project's
    # machines); installed_app_flow() turns trust_env off for that reason.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    flow, redirect = _pasted_redirect_flow(oauth_server, "fay")
    flow.oauth2session.trust_env = True
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        flow.fetch_token(authorization_response=_as_https(redirect))
    flow, redirect = _pasted_redirect_flow(oauth_server, "fay")
    assert "access_token" in flow.fetch_token(authorization_response=_as_https(redirect))


def test_dovecot_accepts_installed_app_flow_token(oauth_server: OAuthServer, oauth_imap_account: ImapAccount,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    oauth_server.access_token_lifetime = 1
    flow = installed_app_flow(oauth_server, GOOGLE_SCOPES)
    creds = _local_server_login(oauth_server, flow, oauth_imap_account.username, capsys)
    with _imap_oauth_login(oauth_imap_account, creds.token) as client:
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
    # Expired, refused; google-auth's refresh gives a token Dovecot takes again.
    time.sleep(1.1)
    _assert_imap_refuses(oauth_imap_account, creds.token)
    session = requests.Session()
    session.trust_env = False
    session.verify = oauth_server.ca_file
    creds.refresh(google.auth.transport.requests.Request(session))
    _imap_oauth_login(oauth_imap_account, creds.token).logout()


# -------------------------------------------------------------------------------------------------- IMAP


def test_dovecot_accepts_msal_token(oauth_server: OAuthServer, oauth_imap_account: ImapAccount) -> None:
    app = msal_public_client(oauth_server)
    token = _device_flow_login(oauth_server, app, oauth_imap_account.username)["access_token"]
    for mechanism, starttls in (("XOAUTH2", False), ("OAUTHBEARER", False), ("XOAUTH2", True)):
        with _imap_oauth_login(oauth_imap_account, token, mechanism=mechanism, starttls=starttls) as client:
            assert client.select_folder("INBOX")[b"EXISTS"] == 0
    # Dovecot asked the provider each time (no caching), so an expiry takes effect at the next login.
    assert oauth_server.introspections == 3
    # The account's password still works, and so do the ImapAccount helpers.
    oauth_imap_account.append("INBOX", b"Subject: hi\r\n\r\nhello\r\n")
    assert oauth_imap_account.count() == 1


def test_dovecot_refuses_expired_revoked_and_foreign_tokens(oauth_server: OAuthServer,
                                                            oauth_dovecot: DovecotServer,
                                                            oauth_imap_account: ImapAccount) -> None:
    other = oauth_dovecot.add_user()
    mine = oauth_server.issue_tokens(oauth_imap_account.username)["access_token"]
    theirs = oauth_server.issue_tokens(other.username)["access_token"]

    _assert_imap_refuses(oauth_imap_account, theirs)  # a token names its user: no crossing over
    _assert_imap_refuses(oauth_imap_account, "not-a-token")
    _imap_oauth_login(oauth_imap_account, mine).logout()

    oauth_server.expire(mine)
    _assert_imap_refuses(oauth_imap_account, mine)
    _assert_imap_refuses(oauth_imap_account, mine, mechanism="OAUTHBEARER")

    fresh = oauth_server.issue_tokens(oauth_imap_account.username)
    _imap_oauth_login(oauth_imap_account, fresh["access_token"]).logout()
    oauth_server.revoke(oauth_imap_account.username)
    _assert_imap_refuses(oauth_imap_account, fresh["access_token"])
    # A token is no password.
    with pytest.raises(LoginError):
        oauth_imap_account.connect(login=False).login(oauth_imap_account.username, fresh["access_token"])


def test_refreshed_token_works_at_dovecot(oauth_server: OAuthServer, oauth_imap_account: ImapAccount) -> None:
    oauth_server.access_token_lifetime = 1
    app = msal_public_client(oauth_server)
    old = _device_flow_login(oauth_server, app, oauth_imap_account.username)["access_token"]
    time.sleep(1.1)
    _assert_imap_refuses(oauth_imap_account, old)
    [account] = app.get_accounts()
    new = app.acquire_token_silent(SCOPES, account=account)
    assert new is not None and new["access_token"] != old
    _imap_oauth_login(oauth_imap_account, new["access_token"]).logout()


def test_password_dovecot_offers_no_oauth(imap_account: ImapAccount) -> None:
    with imap_account.connect(login=False) as client:
        capabilities = client.capabilities()
    assert b"AUTH=PLAIN" in capabilities and b"AUTH=XOAUTH2" not in capabilities


# -------------------------------------------------------------------------------------------------- SMTP


def _message(to: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "callflow@example.org"
    msg["To"] = to
    msg["Subject"] = "token mail"
    msg.set_content("sent with a bearer token\n")
    return msg


def _smtp(server: SmtpServer) -> aiosmtplib.SMTP:
    return aiosmtplib.SMTP(hostname=server.host, port=server.port, start_tls=True, tls_context=server.ssl_context())


def test_smtp_xoauth2(oauth_server: OAuthServer, oauth_smtp_server: SmtpServer) -> None:
    token = oauth_server.issue_tokens("ida@example.org")["access_token"]

    async def send() -> None:
        async with _smtp(oauth_smtp_server) as smtp:
            await smtp.ehlo()  # after STARTTLS aiosmtplib knows the extensions only after a new EHLO
            assert {"xoauth2", "oauthbearer", "plain", "login"} <= set(smtp.server_auth_methods)
            response = await smtp.auth_xoauth2("ida@example.org", token)
            assert response.code == 235
            await smtp.send_message(_message("x@example.org"))

    asyncio.run(send())
    [received] = oauth_smtp_server.wait_for(1)
    assert received.auth_user == "ida@example.org" and received.tls
    assert oauth_smtp_server.logins == 1
    assert oauth_server.introspections == 1


def test_smtp_xoauth2_refusals(oauth_server: OAuthServer, oauth_smtp_server: SmtpServer) -> None:
    token = oauth_server.issue_tokens("jo")["access_token"]
    foreign = oauth_server.issue_tokens("kim")["access_token"]

    async def auth(user: str, tok: str) -> None:
        async with _smtp(oauth_smtp_server) as smtp:
            await smtp.auth_xoauth2(user, tok)

    with pytest.raises(aiosmtplib.SMTPAuthenticationError) as refused:
        asyncio.run(auth("jo", foreign))
    assert refused.value.code == 535
    oauth_server.expire(token)
    with pytest.raises(aiosmtplib.SMTPAuthenticationError, match="535|credentials invalid"):
        asyncio.run(auth("jo", token))
    fresh = oauth_server.issue_tokens("jo")["access_token"]
    asyncio.run(auth("jo", fresh))
    oauth_server.revoke("jo")
    with pytest.raises(aiosmtplib.SMTPAuthenticationError):
        asyncio.run(auth("jo", fresh))
    assert oauth_smtp_server.logins == 1


def test_smtp_error_challenge_and_oauthbearer(oauth_server: OAuthServer, oauth_smtp_server: SmtpServer) -> None:
    token = oauth_server.issue_tokens("lee")["access_token"]

    async def talk() -> None:
        async with _smtp(oauth_smtp_server) as smtp:
            await smtp.ehlo()  # raw commands: aiosmtplib sends no EHLO on its own for them
            bad = base64.b64encode(b"user=lee\x01auth=Bearer nope\x01\x01")
            challenge = await smtp.execute_command(b"AUTH", b"XOAUTH2", bad)
            assert challenge.code == 334
            assert b'"status": "401"' in base64.b64decode(challenge.message)
            assert (await smtp.execute_command(b"")).code == 535
            good = base64.b64encode(b"n,a=lee,\x01auth=Bearer " + token.encode() + b"\x01\x01")
            assert (await smtp.execute_command(b"AUTH", b"OAUTHBEARER", good)).code == 235

    asyncio.run(talk())
    assert oauth_smtp_server.logins == 1


def test_smtp_oauth_is_off_by_default(smtp_server: SmtpServer) -> None:
    async def mechanisms() -> set[str]:
        async with _smtp(smtp_server) as smtp:
            await smtp.ehlo()
            return set(smtp.server_auth_methods)

    mechanisms_offered = asyncio.run(mechanisms())
    assert "plain" in mechanisms_offered and "xoauth2" not in mechanisms_offered

