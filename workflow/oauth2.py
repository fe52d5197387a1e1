"""OAuth2 sign-in for IMAP and SMTP (``msal``): the device code login, the token cache beside the
state file, and access tokens for SASL XOAUTH2, renewed before they expire.

``callflow login`` shows a URL and a code; the organiser opens the URL anywhere (a laptop, a
phone), types the code and signs in as the mailbox; callflow, polling meanwhile, receives the
tokens. msal keeps them in its cache, which this module stores in ``<state file>.oauth2``
(mode 0600) and renews from: an access token lasts about an hour, the refresh token months.

This module must not log, print or put into an error message a token, and must not write the
cache readable by anyone but its owner.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import google.auth.exceptions
import google.auth.jwt
import msal
import requests
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import InstalledAppFlow

from .config import Config, Mailbox, OAuth2, Smtp
from .errors import ConfigError, SignInError
from .private_file import write_private

log = logging.getLogger(__name__)

AGAIN = "run `callflow login` again"
_LOCK = threading.Lock()
TIMEOUT_SECONDS = 30


def cache_path(config: Config) -> Path:
    return config.storage.path.with_name(config.storage.path.name + ".oauth2")


def problems(config: Config) -> list[dict[str, str]]:
    """Sign-ins that stopped working and since when, for the digest and ``check``: {account,
    since, what} (no network, nothing secret)."""
    seen: dict[str, dict[str, str]] = {}
    for server in (config.mailbox, config.smtp):
        sign_in = SignIn.for_server(config, server)
        problem = sign_in.problem() if sign_in is not None else None
        if problem is not None:
            seen.setdefault(problem["account"], problem)
    return list(seen.values())


class SignIn:
    """The sign-in of one mailbox account (``username``) with one app registration."""

    def __init__(self, settings: OAuth2, cache_file: Path, username: str) -> None:
        self.settings = settings
        self.cache_file = cache_file
        self.username = username
        self.scopes = list(settings.scopes or [])
        # What went wrong last (a renewal that failed, a token a server refused), until the next
        # sign-in that works: {account, since, what}. No secret in it.
        self.problem_file = cache_file.with_name(cache_file.name + "-problem")
        self.cache = msal.SerializableTokenCache()
        self._loaded: int | None = None  # the cache file's mtime when it was read
        self._client: msal.PublicClientApplication | None = None

    @property
    def app(self) -> msal.PublicClientApplication:
        """msal's client, made on first use: it looks the sign-in service up over the network."""
        if self._client is None:
            s = self.settings
            where: dict[str, Any]
            if s.provider == "microsoft":
                where = {"authority": f"https://login.microsoftonline.com/{s.tenant}"}
            else:
                where = {"oidc_authority": s.authority}
            try:
                self._client = msal.PublicClientApplication(
                    s.client_id, token_cache=self.cache, http_client=_http(s.ca_file), **where,
                )
            except (ValueError, OSError) as exc:  # discovery failed: unreachable, not an issuer, TLS
                raise SignInError(f"oauth2: cannot reach the sign-in service: {_reason(exc)}") from None
        return self._client

    def _load(self) -> None:
        """Read the cache again when another process (or another SignIn) wrote it since: a
        renewal may have replaced the refresh token."""
        try:
            mtime = self.cache_file.stat().st_mtime_ns
        except FileNotFoundError:
            return
        if mtime != self._loaded:
            self.cache.deserialize(self.cache_file.read_text(encoding="utf-8"))
            self._loaded = mtime

    @classmethod
    def for_server(cls, config: Config, server: Mailbox | Smtp) -> SignIn | None:
        """The sign-in ``server`` (the mailbox or smtp section) uses; None with a password."""
        settings = server.oauth2 or config.oauth2
        if server.auth != "oauth2" or settings is None:
            return None
        kind = GoogleSignIn if settings.provider == "google" else SignIn
        return kind(settings, cache_path(config), server.username or "")

    # -- tokens -------------------------------------------------------------------------------
    def access_token(self, *, renew: bool = False) -> str:
        """An access token for the account, renewed by msal when it is about to expire (or
        with ``renew``: after the server refused the last one)."""
        with _LOCK:  # IMAP and the sender thread may both ask; one renewal at a time
            self._load()
            account = self._account()
            if account is None:
                raise SignInError(f"oauth2: {self.username} is not signed in; run `callflow login`")
            try:
                result = self.app.acquire_token_silent_with_error(self.scopes, account=account, force_refresh=renew)
            except (ValueError, OSError) as exc:
                # The sign-in service could not be reached: a passing trouble, not one to report.
                raise SignInError(f"oauth2: renewing the sign-in of {self.username} failed: {_reason(exc)}") from None
            finally:
                self._save()
        if not result or "access_token" not in result:
            why = (result or {}).get("error", "no token was kept for this account")
            raise self.refused(f"oauth2: the sign-in of {self.username} cannot be renewed ({why}); {AGAIN}")
        return str(result["access_token"])

    def refused(self, what: str) -> SignInError:
        """Record that the sign-in stopped working (for the digest and ``check``); the error to raise."""
        if self.problem() is None:
            record = {"account": self.username, "since": datetime.now(UTC).isoformat(timespec="seconds"),
                      "what": what}
            write_private(self.problem_file, json.dumps(record).encode())
        return SignInError(what)

    def worked(self) -> None:
        """A server took a token: whatever was recorded as wrong is over."""
        with contextlib.suppress(FileNotFoundError):
            self.problem_file.unlink()

    def problem(self) -> dict[str, str] | None:
        try:
            record = json.loads(self.problem_file.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        return record if isinstance(record, dict) and record.get("account") == self.username else None

    def _account(self) -> dict[str, Any] | None:
        # From the cache itself: knowing who is signed in needs no network.
        for account in self.cache.search(msal.TokenCache.CredentialType.ACCOUNT):
            if str(account.get("username", "")).lower() == self.username.lower():
                return account
        return None

    # -- signing in -----------------------------------------------------------------------------
    def login(self, show: Callable[[str], None]) -> dict[str, Any]:
        """The device code flow: ``show`` gets the instructions (a URL and a code); returns
        ``status()`` once the person signed in. Signing in as another account than
        ``username`` is refused."""
        self._load()
        try:
            flow = self.app.initiate_device_flow(scopes=self.scopes)
        except (ValueError, OSError) as exc:
            raise SignInError(f"oauth2: cannot start the sign-in: {_reason(exc)}") from None
        if "user_code" not in flow:
            raise SignInError(f"oauth2: the sign-in service refused to start: {_error(flow)}")
        show(str(flow.get("message") or f"Open {flow['verification_uri']} and enter the code {flow['user_code']}"))
        try:
            result = self.app.acquire_token_by_device_flow(flow)
        except (ValueError, OSError) as exc:
            raise SignInError(f"oauth2: the sign-in failed: {_reason(exc)}") from None
        if "access_token" not in result:
            raise SignInError(f"oauth2: the sign-in failed: {_error(result)}")
        who = (result.get("id_token_claims") or {}).get("preferred_username", "")
        if who and who.lower() != self.username.lower():
            for account in self.app.get_accounts(username=who):
                self.app.remove_account(account)
            self._save()
            raise SignInError(f"oauth2: signed in as {who}, not as the mailbox {self.username}; {AGAIN} as {self.username}")
        self._save()
        self.worked()
        return self.status()

    def status(self) -> dict[str, Any]:
        """Who is signed in, with which scopes, and until when the current access token lasts
        (the refresh token renews it); nothing secret."""
        self._load()
        account = self._account()
        if account is None:
            return {"signed_in": False, "account": self.username}
        tokens = self.cache.search(msal.TokenCache.CredentialType.ACCESS_TOKEN,
                                   query={"home_account_id": account["home_account_id"]})
        latest = max(tokens, key=lambda t: int(t.get("expires_on", 0)), default=None)
        refresh = self.cache.search(msal.TokenCache.CredentialType.REFRESH_TOKEN,
                                    query={"home_account_id": account["home_account_id"]})
        expires = datetime.fromtimestamp(int(latest["expires_on"]), UTC) if latest else None
        return {
            "signed_in": True,
            "account": account.get("username") or self.username,
            "scopes": sorted((latest or {}).get("target", "").split()) or self.scopes,
            "access_token_expires": expires.isoformat() if expires else None,
            "renewable": bool(refresh),
        }

    def _save(self) -> None:
        """The cache, written whole (temp file, 0600, rename) when msal changed it."""
        if not self.cache.has_state_changed:
            return
        write_private(self.cache_file, self.cache.serialize().encode())
        self.cache.has_state_changed = False
        self._loaded = self.cache_file.stat().st_mtime_ns


class GoogleSignIn(SignIn):
    """Google's sign-in (google-auth-oauthlib's flow for installed apps): Google does not allow the
    mail scope in its device code flow, so the browser is sent back to a port on this machine
    (``oauth2.redirect_port``; forwarded over SSH when the browser runs elsewhere). The tokens are
    kept in the same cache file, under a key of callflow's own."""

    KEY = "callflow_google"

    def _endpoints(self) -> dict[str, str]:
        url = f"{(self.settings.authority or '').rstrip('/')}/.well-known/openid-configuration"
        try:
            found = _http(self.settings.ca_file).get(url)
            found.raise_for_status()
            document = found.json()
            return {"auth_uri": document["authorization_endpoint"], "token_uri": document["token_endpoint"]}
        except (OSError, ValueError, KeyError) as exc:
            raise SignInError(f"oauth2: cannot reach the sign-in service: {_reason(exc)}") from None

    def _records(self) -> dict[str, Any]:
        try:
            data = json.loads(self.cache_file.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _record(self) -> dict[str, Any] | None:
        record = self._records().get(self.KEY, {}).get(self.username.lower())
        return record if isinstance(record, dict) else None

    def _keep(self, record: dict[str, Any]) -> None:
        data = self._records()
        data.setdefault(self.KEY, {})[self.username.lower()] = record
        write_private(self.cache_file, json.dumps(data).encode())

    def _credentials(self, record: dict[str, Any]) -> Credentials:
        expiry = datetime.fromisoformat(record["expiry"]) if record.get("expiry") else None
        return Credentials(
            token=record.get("token"), refresh_token=record.get("refresh_token"), token_uri=record["token_uri"],
            client_id=self.settings.client_id, client_secret=self._secret(), scopes=record.get("scopes"),
            expiry=expiry,
        )

    def _secret(self) -> str | None:
        try:
            return self.settings.client_secret()
        except ConfigError as exc:
            raise SignInError(str(exc)) from None

    @staticmethod
    def _as_record(credentials: Any, account: str) -> dict[str, Any]:
        return {"account": account, "token": credentials.token, "refresh_token": credentials.refresh_token,
                "token_uri": credentials.token_uri, "scopes": list(credentials.scopes or []),
                # google-auth keeps expiry as a naive UTC time
                "expiry": credentials.expiry.isoformat() if credentials.expiry else None}

    def access_token(self, *, renew: bool = False) -> str:
        with _LOCK:
            record = self._record()
            if record is None or not record.get("refresh_token"):
                raise SignInError(f"oauth2: {self.username} is not signed in; run `callflow login`")
            credentials = self._credentials(record)
            if renew or not credentials.valid:
                try:
                    credentials.refresh(Request(session=_http(self.settings.ca_file)))
                except google.auth.exceptions.RefreshError as exc:
                    why = _reason(exc).split(":")[0]
                    raise self.refused(
                        f"oauth2: the sign-in of {self.username} cannot be renewed ({why}); {AGAIN}") from None
                except (google.auth.exceptions.TransportError, OSError) as exc:
                    raise SignInError(f"oauth2: renewing the sign-in of {self.username} failed: {_reason(exc)}") from None
                self._keep(self._as_record(credentials, record["account"]))
            return str(credentials.token)

    def login(self, show: Callable[[str], None]) -> dict[str, Any]:
        endpoints = self._endpoints()
        client = {"installed": {"client_id": self.settings.client_id, "client_secret": self._secret(),
                                "redirect_uris": ["http://localhost"], **endpoints}}
        flow = InstalledAppFlow.from_client_config(client, scopes=[*self.scopes, "openid", "email"])
        if self.settings.ca_file is not None:
            flow.oauth2session.trust_env = False
            flow.oauth2session.verify = str(self.settings.ca_file)
        port = self.settings.redirect_port
        prompt = (f"Open this address in a browser and sign in as {self.username}:\n{{url}}\n"
                  f"(If the browser runs on another machine, forward the port first: "
                  f"ssh -L {port}:localhost:{port} <this server>)")
        show(f"Signing in with Google: the browser comes back to port {port} of this machine when you are done.")
        try:
            credentials = flow.run_local_server(
                host="localhost", port=port, open_browser=False, authorization_prompt_message=prompt,
                success_message="callflow is signed in. You can close this page.", timeout_seconds=900,
            )
        except Exception as exc:  # the flow's own errors (denied, timed out, a bad answer) have no common base
            raise SignInError(f"oauth2: the sign-in failed: {_reason(exc)}") from None
        claims = google.auth.jwt.decode(credentials.id_token, verify=False) if credentials.id_token else {}
        who = str(claims.get("email") or "")
        if who.lower() != self.username.lower():
            raise SignInError(f"oauth2: signed in as {who or 'someone unknown'}, not as the mailbox "
                              f"{self.username}; {AGAIN} as {self.username}")
        self._keep(self._as_record(credentials, who))
        self.worked()
        return self.status()

    def status(self) -> dict[str, Any]:
        record = self._record()
        if record is None:
            return {"signed_in": False, "account": self.username}
        expiry = record.get("expiry")
        return {
            "signed_in": True,
            "account": record.get("account") or self.username,
            "scopes": sorted(record.get("scopes") or self.scopes),
            "access_token_expires": f"{expiry}+00:00" if expiry else None,
            "renewable": bool(record.get("refresh_token")),
        }


class _Http(requests.Session):
    """msal's HTTP client: every request with a timeout (msal's own goes with its session)."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def _http(ca_file: Path | None) -> requests.Session:
    session = _Http()
    if ca_file is not None:
        # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's own trust; with a
        # ca_file of our own, the environment (its proxy settings too) is not consulted.
        session.trust_env = False
        session.verify = str(ca_file)
    return session


def _error(result: dict[str, Any]) -> str:
    text = result.get("error_description") or result.get("error") or "no reason given"
    return str(text).splitlines()[0][:200]


def _reason(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]
