"""A small OAuth2 / OpenID Connect authorization server for the test suite (no mocks: real HTTP and TLS).

It serves what the ``msal`` library needs for a public client that signs in with the device flow
(RFC 8628) and keeps its session with refresh tokens, plus token introspection (RFC 7662) for the mail
servers that accept those tokens (Dovecot's ``oauth2`` passdb, :class:`tests.servers.SmtpServer`).
It also serves Google-style sign-in for installed apps: the authorization code flow with a loopback
redirect (RFC 8252) and PKCE S256 (RFC 7636), as ``google_auth_oauthlib.flow.InstalledAppFlow`` does it.

Two listeners, both on 127.0.0.1 and ports picked at run time:

- HTTPS (certificate from the test :class:`~tests.servers.CertAuthority`): discovery, device
  authorization, token, introspection. Clients must verify it against ``ca.ca_file`` exactly as they
  would verify a real identity provider.
- plain HTTP: introspection only. Dovecot calls it; a plain loopback URL keeps Dovecot's TLS client
  configuration out of the picture (it is not what is under test).

The test plays the user with :meth:`OAuthServer.approve` / :meth:`OAuthServer.deny` (device flow) or
:meth:`OAuthServer.browse` / :meth:`OAuthServer.authorization_response` (authorization code flow: what the
user's browser does with the authorization URL the app shows) and plays the identity provider's administrator with the knobs (token lifetime, :meth:`expire`, :meth:`revoke`, ...).

msal specifics (read from msal 1.39's source), which decide the URL shapes below:

- ``oidc_authority`` must be an https URL with at least one path segment (``canonicalize``), and the
  discovery document's ``issuer`` must equal it (``has_valid_issuer``): hence ``/<tenant>``.
- discovery needs ``authorization_endpoint`` and ``token_endpoint`` (KeyError otherwise) and
  ``device_authorization_endpoint`` for the device flow.
- msal does not validate the id_token, it only decodes its claims; ``sub`` becomes the account's
  home_account_id (no AAD ``client_info`` here), ``preferred_username`` its username.

google-auth-oauthlib 1.x / requests-oauthlib 2 / google-auth 2 specifics (read from their source):

- ``Flow.fetch_token`` (requests-oauthlib) authenticates the client with HTTP Basic (client_secret_basic,
  id and secret NOT form-encoded first, contrary to RFC 6749 section 2.3.1) and sends no client_id in the
  body, while ``google.oauth2.credentials.Credentials.refresh`` sends client_id and client_secret in the
  body (client_secret_post). The token endpoint accepts both.
- ``run_local_server`` hands ``fetch_token`` the redirect it received with "http" replaced by "https"
  (oauthlib refuses a non-https authorization_response unless OAUTHLIB_INSECURE_TRANSPORT is set); the
  code's redirect_uri check uses the session's ``redirect_uri``, which stays http.
- oauthlib raises ``Warning("Scope has changed ...")`` when the token answer's ``scope`` differs from the
  requested scopes, so the answer repeats the requested scope.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import re
import secrets
import socket
import ssl
import string
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from tests.servers import LOCALHOST, CertAuthority

if TYPE_CHECKING:
    import requests

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_TOKEN_GRANT = "refresh_token"
AUTHORIZATION_CODE_GRANT = "authorization_code"

# The "browser" of browse() tells the authorization endpoint who is signed in with these cookies, as a real
# browser carries the provider's session cookie. A request without them gets the sign-in page.
USER_COOKIE = "callflow_test_user"
CONSENT_COOKIE = "callflow_test_consent"

_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
# RFC 7636 section 4.1: 43-128 characters from the unreserved set; an S256 challenge is 43 base64url chars.
_CODE_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")
_S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")

# RFC 8628 section 6.1: user codes from a small unambiguous alphabet (no vowels, no 0/O/1/I look-alikes).
_USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"


class OAuthError(Exception):
    """An OAuth error response: ``{"error": code, "error_description": ...}`` with an HTTP status."""

    def __init__(self, code: str, description: str = "", status: int = 400) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.status = status


@dataclass
class _DeviceFlow:
    device_code: str
    user_code: str
    client_id: str
    scope: str
    expires_at: float
    username: str | None = None  # set by approve()
    denied: bool = False
    used: bool = False  # a device code is redeemed once (RFC 8628 section 3.5, then invalid_grant)


@dataclass
class _AuthorizationCode:
    username: str
    client_id: str
    redirect_uri: str
    scope: str
    code_challenge: str
    expires_at: float
    offline: bool  # a refresh token only for access_type=offline or scope offline_access, as Google does
    nonce: str | None
    grant: str  # tags every token issued from this code (and its refreshes), for revocation on replay
    used: bool = False


@dataclass
class _AccessToken:
    username: str
    client_id: str
    scope: str
    expires_at: float
    revoked: bool = False
    grant: str = ""


@dataclass
class _RefreshToken:
    username: str
    client_id: str
    scope: str
    revoked: bool = False
    grant: str = ""


@dataclass
class _State:
    flows: dict[str, _DeviceFlow] = field(default_factory=dict)  # by device_code
    user_codes: dict[str, str] = field(default_factory=dict)  # user_code -> device_code
    codes: dict[str, _AuthorizationCode] = field(default_factory=dict)
    access: dict[str, _AccessToken] = field(default_factory=dict)
    refresh: dict[str, _RefreshToken] = field(default_factory=dict)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class OAuthServer:
    """OAuth2/OIDC provider on 127.0.0.1 for tests; starts serving in the constructor.

    Addresses: ``authority`` (pass as msal's ``oidc_authority``; it is also the ``issuer``),
    ``token_endpoint``, ``device_authorization_endpoint``, ``introspection_url`` (HTTPS) and
    ``plain_introspection_url`` (plain HTTP, for Dovecot). ``ca_file`` is the CA to verify TLS with.

    Knobs (plain attributes, change them at any time):

    - ``access_token_lifetime`` (seconds, float allowed; tokens issued afterwards use it). Note that msal
      treats an access token with less than 5 minutes left as expired, so below 300 s every
      ``acquire_token_silent`` goes to the token endpoint with the refresh token.
    - ``rotate_refresh_tokens``: True (default) issues a new refresh token on every refresh and retires
      the old one (it then answers invalid_grant); False hands back the same refresh token.
    - ``interval``: the device-flow polling interval announced to clients (msal sleeps that many whole
      seconds between polls; 0 makes it poll in a tight loop, so keep >= 1).
    - ``device_code_lifetime``: seconds until an unapproved device code answers expired_token.
    - ``auto_approve``: a username; every new device flow is approved as that user at once, and the
      authorization endpoint signs a browser without the user cookie in as that user.
    - ``client_secret``: None (default) accepts any secret or none (a public client); a string makes the
      token endpoint require it for every grant, by HTTP Basic or in the form (401 invalid_client otherwise).
    - ``authorization_code_lifetime``: seconds an authorization code stays redeemable (default 60).
    - ``fail_next``: list of ``(http_status, json_body)``; each token-endpoint request pops the first one
      and answers with it (e.g. ``(503, {"error": "temporarily_unavailable"})``). Beware: msal caches a
      429/5xx answer for 60 s and a 400 answer to an identical request for 60 s (ThrottledHttpClient).

    Counters: ``token_requests`` (Counter by grant_type, failed ones included), ``device_authorizations``,
    ``authorization_requests`` (GETs of the authorization endpoint), ``introspections``. Thread-safe: the HTTP handlers and the test share one lock.
    """

    def __init__(
        self,
        ca: CertAuthority,
        *,
        tenant: str = "callflow-test",
        client_id: str | None = None,
        access_token_lifetime: float = 3600.0,
        rotate_refresh_tokens: bool = True,
        interval: int = 1,
        device_code_lifetime: float = 600.0,
    ) -> None:
        self.ca_file = ca.ca_file
        self.tenant = tenant
        self._defaults = (client_id, access_token_lifetime, rotate_refresh_tokens, interval, device_code_lifetime)
        self._cond = threading.Condition()
        self.reset()
        # id_tokens are HS256-signed with a per-server key: msal does not check the signature, but a real
        # provider signs them, and a client that does check can be given this key.
        self.id_token_key = secrets.token_bytes(32)

        self._tls_context = ca.server_context()
        self._https = _Listener(self, tls=self._tls_context)
        try:
            self._http = _Listener(self, tls=None)
        except BaseException:
            self._https.close()
            raise
        self.host = LOCALHOST
        self.port = self._https.port
        self.plain_port = self._http.port
        self.base_url = f"https://{LOCALHOST}:{self.port}"
        self.authority = f"{self.base_url}/{tenant}"
        self.issuer = self.authority
        self.authorization_endpoint = f"{self.authority}/oauth2/authorize"
        self.device_authorization_endpoint = f"{self.authority}/oauth2/devicecode"
        self.token_endpoint = f"{self.authority}/oauth2/token"
        self.introspection_url = f"{self.authority}/oauth2/introspect"
        self.verification_uri = f"{self.authority}/device"
        self.plain_introspection_url = f"http://{LOCALHOST}:{self.plain_port}/{tenant}/oauth2/introspect"

    # -- lifecycle ----------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every device flow and token, zero the counters and restore the constructor's knobs.

        Lets one server (and the Dovecot configured with its URL) serve a whole session while each test
        starts from a clean provider.
        """
        with self._cond:
            # client_id None accepts every client id (tokens stay bound to the client that obtained them).
            (self.client_id, self.access_token_lifetime, self.rotate_refresh_tokens, self.interval,
             self.device_code_lifetime) = self._defaults
            self.auto_approve: str | None = None
            self.client_secret: str | None = None
            self.authorization_code_lifetime = 60.0
            self.fail_next: list[tuple[int, dict[str, Any]]] = []
            self.token_requests: Counter[str] = Counter()
            self.device_authorizations = 0
            self.authorization_requests = 0
            self.introspections = 0
            self._state = _State()

    def close(self) -> None:
        """Stop both listeners (idempotent)."""
        self._https.close()
        self._http.close()

    def __enter__(self) -> OAuthServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def discovery(self) -> dict[str, Any]:
        """The OpenID Connect discovery document (what ``/.well-known/openid-configuration`` serves)."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.authorization_endpoint,
            "token_endpoint": self.token_endpoint,
            "device_authorization_endpoint": self.device_authorization_endpoint,
            "introspection_endpoint": self.introspection_url,
            "grant_types_supported": [AUTHORIZATION_CODE_GRANT, DEVICE_CODE_GRANT, REFRESH_TOKEN_GRANT],
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["HS256"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "claims_supported": ["iss", "sub", "aud", "exp", "iat", "preferred_username", "email", "name"],
        }

    # -- the test acting as the user --------------------------------------------------------------

    def approve(self, user_code: str, username: str) -> None:
        """The user signs in as ``username`` and consents to the device flow with ``user_code``."""
        with self._cond:
            flow = self._flow_by_user_code(user_code)
            flow.username = username
            self._cond.notify_all()

    def deny(self, user_code: str) -> None:
        """The user declines: the next poll answers access_denied."""
        with self._cond:
            self._flow_by_user_code(user_code).denied = True
            self._cond.notify_all()

    def wait_user_code(self, timeout: float = 10.0) -> str:
        """Block until a device flow waits for the user; return the oldest such ``user_code``.

        For tests where the code under test starts the device flow and shows the code to a person.
        """
        def pending() -> str | None:
            now = time.time()
            for flow in self._state.flows.values():
                if flow.username is None and not flow.denied and flow.expires_at > now:
                    return flow.user_code
            return None

        with self._cond:
            if not self._cond.wait_for(lambda: pending() is not None, timeout):
                raise AssertionError(f"no device flow waited for the user within {timeout}s")
            code = pending()
            assert code is not None
            return code

    def authorization_response(self, authorization_url: str, username: str, *, consent: bool = True) -> str:
        """The user opens ``authorization_url`` in a browser signed in as ``username`` and consents (or
        declines, ``consent=False``); return the redirect address the provider sends the browser to,
        without following it: ``<redirect_uri>?code=...&state=...`` (``?error=access_denied&state=...``
        when declined). For "paste the address from your browser here" flows.

        The authorization request is fetched over HTTPS verified against the test CA, as a browser would.
        A request the provider cannot send back to the app (unknown client, redirect_uri not a loopback
        URL) raises :class:`OAuthError`; other faults come back as ``?error=...`` redirects, as in RFC 6749
        section 4.1.2.1.
        """
        if not authorization_url.startswith(self.authorization_endpoint + "?"):
            raise ValueError(f"not an authorization URL of this server: {authorization_url!r}")
        cookies = {USER_COOKIE: quote(username, safe="")}
        if not consent:
            cookies[CONSENT_COOKIE] = "deny"
        with _client_session(self.ca_file) as browser:
            answer = browser.get(authorization_url, cookies=cookies, allow_redirects=False, timeout=10)
        if answer.status_code != 302:
            body = answer.json()
            raise OAuthError(body["error"], body.get("error_description", ""), answer.status_code)
        return answer.headers["Location"]

    def browse(self, authorization_url: str, username: str, *, consent: bool = True) -> requests.Response:
        """What the user's browser does: open ``authorization_url`` signed in as ``username``, consent (or
        not), and follow the provider's redirect to the app's loopback address (plain http on localhost),
        so an app waiting there (``InstalledAppFlow.run_local_server``) gets its code. Returns the loopback
        server's answer (run_local_server's "you may close this window" page)."""
        location = self.authorization_response(authorization_url, username, consent=consent)
        with _client_session(None) as browser:
            return browser.get(location, allow_redirects=False, timeout=10)

    def authorization_url_in(self, text: str) -> str | None:
        """The first authorization URL of this server in ``text`` (e.g. what an app printed for the user),
        or None."""
        match = re.search(re.escape(self.authorization_endpoint) + r"\?\S+", text)
        return match.group(0) if match else None

    # -- the test acting as the administrator -------------------------------------------------------

    def issue_tokens(self, username: str, scope: str = "openid offline_access", client_id: str = "test-client"
                     ) -> dict[str, Any]:
        """Mint a token response for ``username`` without any flow (for tests of the mail servers alone).

        Same shape as the token endpoint's answer: access_token, refresh_token, id_token, expires_in, ...
        """
        with self._cond:
            return self._issue(username, client_id, scope, refresh_token=None)

    def expire(self, access_token: str) -> None:
        """Make one access token expire now (introspection then answers ``active: false``)."""
        with self._cond:
            self._state.access[access_token].expires_at = time.time() - 1

    def expire_all(self) -> None:
        """Make every access token issued so far expire now; refresh tokens keep working."""
        with self._cond:
            now = time.time()
            for token in self._state.access.values():
                token.expires_at = min(token.expires_at, now - 1)

    def revoke(self, username: str) -> None:
        """Revoke every grant of ``username``: its refresh tokens answer invalid_grant and its access tokens
        become inactive. A new sign-in (device flow) afterwards works and issues new tokens."""
        with self._cond:
            for rt in self._state.refresh.values():
                if rt.username == username:
                    rt.revoked = True
            for at in self._state.access.values():
                if at.username == username:
                    at.revoked = True

    def introspect(self, token: str) -> dict[str, Any]:
        """The RFC 7662 answer for ``token`` (what the introspection endpoints serve), not counted."""
        with self._cond:
            at = self._state.access.get(token)
            now = time.time()
            if at is None or at.revoked or at.expires_at <= now:
                return {"active": False}
            return {
                "active": True,
                "username": at.username,
                "sub": self._sub(at.username),
                "client_id": at.client_id,
                "scope": at.scope,
                "token_type": "Bearer",
                "exp": int(at.expires_at),
                "iss": self.issuer,
            }

    def access_tokens(self, username: str | None = None) -> list[str]:
        """Access tokens issued so far (to ``username`` only, when given), oldest first."""
        with self._cond:
            return [t for t, at in self._state.access.items() if username is None or at.username == username]

    def refresh_tokens(self, username: str | None = None, *, usable: bool = True) -> list[str]:
        """Refresh tokens issued so far, oldest first; by default only those not revoked or rotated away."""
        with self._cond:
            return [
                t for t, rt in self._state.refresh.items()
                if (username is None or rt.username == username) and not (usable and rt.revoked)
            ]

    # -- called from the HTTP threads -------------------------------------------------------------

    def _flow_by_user_code(self, user_code: str) -> _DeviceFlow:
        # People type codes with dashes, spaces and in lower case; accept that like real providers do.
        wanted = "".join(c for c in user_code.upper() if c in string.ascii_uppercase)
        device_code = self._state.user_codes.get(wanted)
        if device_code is None:
            raise KeyError(f"unknown user code {user_code!r}")
        return self._state.flows[device_code]

    def _check_client(self, client_id: str) -> None:
        if not client_id:
            raise OAuthError("invalid_request", "client_id is missing")
        if self.client_id is not None and client_id != self.client_id:
            raise OAuthError("invalid_client", f"unknown client {client_id!r}", status=401)

    def _authenticate_client(self, form: dict[str, str], authorization: str) -> str:
        """The token request's client_id, from HTTP Basic (requests-oauthlib's fetch_token) or the form
        (msal, google-auth's refresh); checks ``client_secret`` when the test set one."""
        client_id, secret = form.get("client_id", ""), form.get("client_secret")
        if authorization.startswith("Basic "):
            try:
                basic_id, _, basic_secret = base64.b64decode(authorization[6:], validate=True).decode().partition(":")
            except ValueError as e:
                raise OAuthError("invalid_client", "malformed Basic credentials", status=401) from e
            # requests-oauthlib does not form-encode them (RFC 6749 2.3.1 says to); undo it if a client did.
            basic_id, basic_secret = unquote(basic_id), unquote(basic_secret)
            if client_id and client_id != basic_id:
                raise OAuthError("invalid_request", "client_id in the body and in Basic differ")
            client_id, secret = basic_id, basic_secret
        self._check_client(client_id)
        if self.client_secret is not None and not (
                secret is not None and hmac.compare_digest(secret.encode(), self.client_secret.encode())):
            raise OAuthError("invalid_client", "client authentication failed", status=401)
        return client_id

    def _authorize(self, query: dict[str, str], cookies: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """The authorization endpoint: (status, headers, body). Errors that cannot go back to the app (bad
        client, bad redirect_uri) answer 400 with a JSON error body for the browser; the rest redirect."""
        with self._cond:
            self.authorization_requests += 1
            client_id = query.get("client_id", "")
            self._check_client(client_id)
            redirect_uri = query.get("redirect_uri", "")
            if not _is_loopback_redirect(redirect_uri):
                raise OAuthError("invalid_request", f"redirect_uri {redirect_uri!r} is not http://localhost:PORT/"
                                 " or http://127.0.0.1:PORT/")
            state = query.get("state", "")

            def back(**params: str) -> tuple[int, dict[str, str], bytes]:
                location = f"{redirect_uri}?{urlencode({**params, 'state': state})}"
                return 302, {"Location": location, "Cache-Control": "no-store"}, b""

            scope = " ".join(query.get("scope", "").split())
            if query.get("response_type") != "code":
                return back(error="unsupported_response_type", error_description="only response_type=code")
            if not state:
                # Not required by RFC 6749, but an installed app without state is open to login CSRF, and
                # InstalledAppFlow always sends one: a product that drops it should notice in tests.
                return back(error="invalid_request", error_description="state is missing")
            if not scope:
                return back(error="invalid_scope", error_description="scope is missing")
            if query.get("code_challenge_method") != "S256":
                # A missing method means "plain" (RFC 7636 4.3), which lets a stolen code be redeemed.
                return back(error="invalid_request", error_description="PKCE with code_challenge_method=S256 "
                            "is required")
            if not _S256_CHALLENGE.fullmatch(query.get("code_challenge", "")):
                return back(error="invalid_request", error_description="code_challenge is not an S256 value")

            username = unquote(cookies[USER_COOKIE]) if USER_COOKIE in cookies else self.auto_approve
            if username is None:
                page = b"<html><body><h1>Sign in</h1><p>(test provider: no user signed in)</p></body></html>"
                return 200, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}, page
            if cookies.get(CONSENT_COOKIE) == "deny":
                return back(error="access_denied", error_description="the user declined")
            code = secrets.token_urlsafe(32)
            self._state.codes[code] = _AuthorizationCode(
                username=username, client_id=client_id, redirect_uri=redirect_uri, scope=scope,
                code_challenge=query["code_challenge"], expires_at=time.time() + self.authorization_code_lifetime,
                offline=query.get("access_type") == "offline" or "offline_access" in scope.split(),
                nonce=query.get("nonce"), grant=secrets.token_hex(8),
            )
            return back(code=code)

    def _device_authorization(self, form: dict[str, str]) -> dict[str, Any]:
        client_id = form.get("client_id", "")
        with self._cond:
            self.device_authorizations += 1
            self._check_client(client_id)
            raw = "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(8))
            flow = _DeviceFlow(
                device_code=secrets.token_urlsafe(32), user_code=raw, client_id=client_id,
                scope=form.get("scope", ""), expires_at=time.time() + self.device_code_lifetime,
                username=self.auto_approve,
            )
            self._state.flows[flow.device_code] = flow
            self._state.user_codes[raw] = flow.device_code
            self._cond.notify_all()
            user_code = f"{raw[:4]}-{raw[4:]}"
            return {
                "device_code": flow.device_code,
                "user_code": user_code,
                "verification_uri": self.verification_uri,
                "verification_uri_complete": f"{self.verification_uri}?user_code={user_code}",
                "expires_in": max(1, int(self.device_code_lifetime)),
                "interval": self.interval,
                "message": f"To sign in, open {self.verification_uri} and enter the code {user_code}.",
            }

    def _token(self, form: dict[str, str], authorization: str = "") -> tuple[int, dict[str, Any]]:
        grant_type = form.get("grant_type", "")
        with self._cond:
            self.token_requests[grant_type] += 1
            if self.fail_next:
                return self.fail_next.pop(0)
            # The grants below compare form["client_id"] with the one their code or token was issued to.
            form = {**form, "client_id": self._authenticate_client(form, authorization)}
            if grant_type == AUTHORIZATION_CODE_GRANT:
                return 200, self._redeem_authorization_code(form)
            if grant_type == DEVICE_CODE_GRANT:
                return 200, self._redeem_device_code(form)
            if grant_type == REFRESH_TOKEN_GRANT:
                return 200, self._redeem_refresh_token(form)
            raise OAuthError("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")

    def _redeem_device_code(self, form: dict[str, str]) -> dict[str, Any]:
        flow = self._state.flows.get(form.get("device_code", ""))
        if flow is None or flow.client_id != form.get("client_id") or flow.used:
            raise OAuthError("invalid_grant", "unknown or already used device_code")
        if flow.denied:
            raise OAuthError("access_denied", "the user declined the sign-in")
        if flow.expires_at <= time.time():
            raise OAuthError("expired_token", "the device code expired before the user signed in")
        if flow.username is None:
            raise OAuthError("authorization_pending", "the user has not signed in yet")
        flow.used = True
        return self._issue(flow.username, flow.client_id, flow.scope, refresh_token=None)

    def _redeem_authorization_code(self, form: dict[str, str]) -> dict[str, Any]:
        code = self._state.codes.get(form.get("code", ""))
        if code is None or code.client_id != form["client_id"]:
            raise OAuthError("invalid_grant", "unknown authorization code")
        if code.used:
            # RFC 6749 4.1.2: a replayed code means it leaked; revoke what it bought (and its refreshes).
            for token in (*self._state.access.values(), *self._state.refresh.values()):
                if token.grant == code.grant:
                    token.revoked = True
            raise OAuthError("invalid_grant", "the authorization code was already used")
        # A failed attempt burns the code too: a real provider gives an attacker one guess, not many.
        code.used = True
        if code.expires_at <= time.time():
            raise OAuthError("invalid_grant", "the authorization code expired")
        if form.get("redirect_uri") != code.redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri differs from the authorization request's")
        verifier = form.get("code_verifier", "")
        if not _CODE_VERIFIER.fullmatch(verifier):
            raise OAuthError("invalid_grant", "code_verifier is missing or malformed")
        if not hmac.compare_digest(_b64url(hashlib.sha256(verifier.encode()).digest()), code.code_challenge):
            raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
        return self._issue(code.username, code.client_id, code.scope, refresh_token=None, offline=code.offline,
                           nonce=code.nonce, grant=code.grant)

    def _redeem_refresh_token(self, form: dict[str, str]) -> dict[str, Any]:
        token = form.get("refresh_token", "")
        rt = self._state.refresh.get(token)
        if rt is None or rt.revoked or rt.client_id != form.get("client_id"):
            raise OAuthError("invalid_grant", "the refresh token is invalid, expired or revoked")
        # A refresh may narrow the scope but never widen it (RFC 6749 section 6).
        wanted = form.get("scope", "").split() or rt.scope.split()
        if not set(wanted) <= set(rt.scope.split()):
            raise OAuthError("invalid_scope", f"scope {' '.join(wanted)!r} exceeds the grant {rt.scope!r}")
        if self.rotate_refresh_tokens:
            rt.revoked = True
            return self._issue(rt.username, rt.client_id, " ".join(wanted), refresh_token=None, grant_scope=rt.scope,
                               grant=rt.grant)
        return self._issue(rt.username, rt.client_id, " ".join(wanted), refresh_token=token, grant_scope=rt.scope,
                           grant=rt.grant)

    def _issue(self, username: str, client_id: str, scope: str, *, refresh_token: str | None,
               grant_scope: str | None = None, offline: bool = True, nonce: str | None = None, grant: str = ""
               ) -> dict[str, Any]:
        now = time.time()
        access_token = secrets.token_urlsafe(32)
        self._state.access[access_token] = _AccessToken(username, client_id, scope, now + self.access_token_lifetime,
                                                        grant=grant)
        if refresh_token is None and offline:
            refresh_token = secrets.token_urlsafe(48)
            self._state.refresh[refresh_token] = _RefreshToken(username, client_id, grant_scope or scope, grant=grant)
        answer = {
            "access_token": access_token,
            "token_type": "Bearer",
            # An int as RFC 6749 wants; at least 1 so that a sub-second lifetime is not read as "none".
            "expires_in": max(1, int(self.access_token_lifetime)),
            "refresh_token": refresh_token,
            "scope": scope,
            "id_token": self._id_token(username, client_id, now, nonce),
        }
        if refresh_token is None:
            del answer["refresh_token"]
        return answer

    def _sub(self, username: str) -> str:
        # Stable per user and server, like a real provider's subject identifier.
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.issuer}#{username}"))

    def _id_token(self, username: str, client_id: str, now: float, nonce: str | None = None) -> str:
        header = {"alg": "HS256", "typ": "JWT"}
        claims = {
            "iss": self.issuer,
            "sub": self._sub(username),
            "oid": self._sub(username),
            "aud": client_id,
            "iat": int(now),
            "nbf": int(now),
            "exp": int(now + 3600),
            "preferred_username": username,
            "email": username,
            "email_verified": True,
            "name": username,
        }
        if nonce is not None:
            claims["nonce"] = nonce  # OIDC core 3.1.2.1: echoed so the client can tie the token to its request
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        signature = hmac.new(self.id_token_key, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64url(signature)}"

    def _introspect_request(self, token: str) -> dict[str, Any]:
        with self._cond:
            self.introspections += 1
        return self.introspect(token)


def _is_loopback_redirect(uri: str) -> bool:
    """RFC 8252 section 7.3: http on a loopback host, any port, path "/" (or none); nothing else."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    host = parts.netloc.rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc
    return (parts.scheme == "http" and host in _LOOPBACK_HOSTS and parts.path in ("", "/")
            and not parts.query and not parts.fragment and "@" not in parts.netloc)


def _client_session(ca_file: str | None) -> requests.Session:
    """A requests session like a browser's: verifies TLS against ``ca_file`` only, whatever
    REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE say, and ignores proxy variables (trust_env off: loopback only)."""
    import requests  # imported here so that tests not about OAuth do not need requests installed

    session = requests.Session()
    session.trust_env = False
    if ca_file is not None:
        session.verify = ca_file
    return session


# ---------------------------------------------------------------------------------------------- HTTP side


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # Each request has its own thread; close() must not wait for a client that keeps its socket open.
    block_on_close = False

    def __init__(self, oauth: OAuthServer, tls: ssl.SSLContext | None) -> None:
        self.oauth = oauth
        self.tls = tls
        super().__init__((LOCALHOST, 0), _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs here, in the request's own thread: done in the accept loop, one client
        # that never completes it would stall every other client.
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(10.0)
        # wrap_socket detaches the plain socket, which is all that shutdown_request() will close later: the
        # TLS socket is ours to close.
        tls_sock = self.tls.wrap_socket(request, server_side=True)
        try:
            super().finish_request(tls_sock, client_address)
        finally:
            with contextlib.suppress(OSError):
                tls_sock.shutdown(socket.SHUT_WR)
            tls_sock.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that does not trust the test CA aborts the handshake; that is a test's expected outcome
        # (and the client reports it), not a server fault worth a traceback.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ssl.SSLError, ConnectionError, socket.timeout)):
            return
        super().handle_error(request, client_address)


class _Listener:
    def __init__(self, oauth: OAuthServer, tls: ssl.SSLContext | None) -> None:
        self.server = _HTTPServer(oauth, tls)
        self.port: int = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"oauth-{'https' if tls else 'http'}-{self.port}", daemon=True,
        )
        self.thread.start()
        self._closed = False

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    # One request per connection (HTTP/1.0 style): no idle keep-alive connections outlive close().
    protocol_version = "HTTP/1.0"
    timeout = 10.0
    server_version = "callflow-test-oauth/1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # pytest shows stderr of failing tests; per-request lines would drown the useful output

    @property
    def _oauth(self) -> OAuthServer:
        return self.server.oauth

    def _route(self) -> str:
        # Paths are served relative to the tenant, as msal derives nothing else from the authority.
        path = urlsplit(self.path).path
        prefix = f"/{self._oauth.tenant}"
        return path[len(prefix):] if path.startswith(prefix + "/") else ""

    def _send_json(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")  # RFC 6749 section 5.1
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    def do_GET(self) -> None:
        route = self._route()
        plain = self.server.tls is None
        if route == "/.well-known/openid-configuration" and not plain:
            self._send_json(200, self._oauth.discovery())
        elif route == "/oauth2/authorize" and not plain:
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query, keep_blank_values=True).items()}
            cookies = {name: morsel.value for name, morsel in SimpleCookie(self.headers.get("Cookie", "")).items()}
            try:
                status, headers, body = self._oauth._authorize(query, cookies)
            except OAuthError as e:
                # Not redirected (RFC 6749 4.1.2.1): the browser shows the error; JSON so tests can read it.
                self._send_json(e.status, {"error": e.code, "error_description": e.description})
                return
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif route == "/oauth2/introspect":
            # Dovecot's introspection_mode = get appends the token to the URL; accepted for completeness.
            query = parse_qs(urlsplit(self.path).query)
            self._send_json(200, self._oauth._introspect_request((query.get("token") or [""])[0]))
        else:
            self._send_json(404, {"error": "not_found", "error_description": self.path})

    def do_POST(self) -> None:
        route = self._route()
        plain = self.server.tls is None
        try:
            form = self._form()
            if route == "/oauth2/introspect":
                token = form.get("token", "")
                auth = self.headers.get("Authorization", "")
                if not token and auth.startswith("Bearer "):
                    token = auth[len("Bearer "):]  # introspection_mode = auth
                self._send_json(200, self._oauth._introspect_request(token))
            elif plain:
                # The plain listener exists for introspection only; tokens never travel unencrypted.
                self._send_json(404, {"error": "not_found", "error_description": self.path})
            elif route == "/oauth2/devicecode":
                self._send_json(200, self._oauth._device_authorization(form))
            elif route == "/oauth2/token":
                status, body = self._oauth._token(form, self.headers.get("Authorization", ""))
                self._send_json(status, body)
            else:
                self._send_json(404, {"error": "not_found", "error_description": self.path})
        except OAuthError as e:
            headers = {"WWW-Authenticate": "Basic"} if e.status == 401 else None
            self._send_json(e.status, {"error": e.code, "error_description": e.description}, headers)


def msal_public_client(server: OAuthServer, client_id: str = "callflow-test-client", **kwargs: Any) -> Any:
    """An ``msal.PublicClientApplication`` for ``server`` that verifies TLS against the test CA only.

    ``verify=ca_file`` alone is NOT enough: msal hands it to a ``requests.Session``, and requests lets the
    environment variables REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's ``verify`` (requests'
    merge_environment_settings; both are set on this project's machines). So the session is built here with
    ``trust_env = False`` (which also ignores proxy variables: right for loopback) and passed as
    ``http_client``. Extra keyword arguments go to PublicClientApplication (e.g. ``token_cache``).
    """
    import msal  # imported here so that tests not about OAuth do not need msal installed
    import requests

    session = requests.Session()
    session.trust_env = False
    session.verify = server.ca_file
    return msal.PublicClientApplication(client_id, oidc_authority=server.authority, http_client=session, **kwargs)


def google_client_config(server: OAuthServer, client_id: str = "callflow-test-client", client_secret: str = ""
                         ) -> dict[str, Any]:
    """A Google "installed app" client secrets document for ``server`` (what ``client_secret.json`` holds).

    ``client_secret`` must be present even for a public client: ``Flow.fetch_token`` reads
    ``client_config["client_secret"]`` (KeyError otherwise) and google Credentials.refresh refuses None.
    """
    return {"installed": {
        "client_id": client_id,
        "client_secret": client_secret,
        "auth_uri": server.authorization_endpoint,
        "token_uri": server.token_endpoint,
        "redirect_uris": ["http://localhost", "http://127.0.0.1"],
    }}


def installed_app_flow(server: OAuthServer, scopes: list[str], client_id: str = "callflow-test-client",
                       client_secret: str = "") -> Any:
    """A ``google_auth_oauthlib.flow.InstalledAppFlow`` for ``server`` that verifies TLS against the test CA.

    Same pitfall as :func:`msal_public_client`: the flow's ``oauth2session`` is a ``requests.Session``, and
    with ``trust_env`` on, REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE replace a session-level ``verify``. So
    ``trust_env = False`` and ``verify = ca_file`` on it. Refreshing the resulting credentials needs the same
    care: ``creds.refresh(google.auth.transport.requests.Request(session))`` with such a session.
    """
    from google_auth_oauthlib.flow import InstalledAppFlow  # only the Google sign-in tests need it

    flow = InstalledAppFlow.from_client_config(google_client_config(server, client_id, client_secret), scopes)
    flow.oauth2session.trust_env = False
    flow.oauth2session.verify = server.ca_file
    return flow
