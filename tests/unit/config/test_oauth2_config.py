"""The sign-in settings (``mailbox.auth`` / ``smtp.auth: oauth2`` and the ``oauth2`` section) and
what ``SignIn`` knows without the network: who is signed in, and that its cache is private.
Sign-in, renewal and refusal against real servers: tests/e2e/test_oauth2_e2e.py."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.cfg import base_config, write_config
from workflow import config as config_mod
from workflow.errors import ConfigError, SignInError
from workflow.oauth2 import GoogleSignIn, SignIn, cache_path

IMAP = {"backend": "imap", "host": "outlook.office365.com", "username": "contact@org.example", "auth": "oauth2"}
SMTP = {"backend": "smtp", "host": "smtp.office365.com", "security": "starttls", "username": "contact@org.example",
        "auth": "oauth2"}


def load(tmp_path: Path, **sections: Any) -> config_mod.Config:
    data = base_config(tmp_path)
    data.update(sections)
    return config_mod.load(write_config(tmp_path, data))


def error(tmp_path: Path, **sections: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, **sections)
    return str(caught.value)


def test_password_stays_the_default(tmp_path: Path) -> None:
    config = load(tmp_path)
    assert config.mailbox.auth == config.smtp.auth == "password" and config.oauth2 is None


def test_microsoft_gets_the_imap_and_smtp_scopes(tmp_path: Path) -> None:
    config = load(tmp_path, mailbox=IMAP, smtp=SMTP, oauth2={"provider": "microsoft", "client_id": "app-id",
                                                            "tenant": "org.example"})
    assert config.oauth2 is not None and config.oauth2.tenant == "org.example"
    assert config.oauth2.scopes == ["https://outlook.office.com/IMAP.AccessAsUser.All",
                                    "https://outlook.office.com/SMTP.Send"]
    sign_in = SignIn.for_server(config, config.mailbox)
    assert sign_in is not None and sign_in.username == "contact@org.example"
    assert sign_in.cache_file == cache_path(config) == config.storage.path.with_name("state.json.oauth2")


def test_google_signs_in_at_google_with_the_mail_scope(tmp_path: Path) -> None:
    config = load(tmp_path, mailbox=IMAP, oauth2={"provider": "google", "client_id": "c.apps.googleusercontent.com",
                                                   "client_secret_env": "CALLFLOW_GOOGLE_SECRET"})
    assert config.oauth2 is not None
    assert config.oauth2.authority == "https://accounts.google.com" and config.oauth2.scopes == ["https://mail.google.com/"]
    sign_in = SignIn.for_server(config, config.mailbox)
    assert isinstance(sign_in, GoogleSignIn) and sign_in.status() == {"signed_in": False, "account": IMAP["username"]}
    with pytest.raises(SignInError, match="is not signed in; run `callflow login`"):
        sign_in.access_token()


def test_a_server_may_bring_its_own_app_registration(tmp_path: Path) -> None:
    own = {"provider": "generic", "client_id": "c", "authority": "https://login.example.net/realm",
           "scopes": ["mail"]}
    config = load(tmp_path, mailbox={**IMAP, "oauth2": own})
    sign_in = SignIn.for_server(config, config.mailbox)
    assert sign_in is not None and sign_in.settings.authority == own["authority"]
    assert SignIn.for_server(config, config.smtp) is None  # the Maildir outbox signs in with nothing


@pytest.mark.parametrize(("sections", "expected"), [
    ({"mailbox": IMAP}, "oauth2: required by mailbox.auth: oauth2"),
    ({"mailbox": {**IMAP, "username": None}, "oauth2": {"provider": "microsoft", "client_id": "c"}},
     "mailbox.username (the mailbox's address) is required for auth: oauth2"),
    ({"mailbox": IMAP, "oauth2": {"provider": "google", "client_id": "c"}},
     "client_secret_env (the environment variable with the OAuth client's secret) is required for provider google"),
    ({"mailbox": IMAP, "oauth2": {"provider": "generic", "client_id": "c", "scopes": ["x"]}},
     "authority (an https:// OpenID Connect issuer) is required"),
    ({"mailbox": IMAP, "oauth2": {"provider": "generic", "client_id": "c", "authority": "https://a.example"}},
     "scopes are required for provider generic"),
    ({"mailbox": IMAP, "oauth2": {"provider": "microsoft", "client_id": ""}}, "oauth2.client_id"),
    ({"mailbox": IMAP, "oauth2": {"provider": "microsoft", "client_id": "c", "secret": "x"}}, "oauth2.secret"),
    ({"mailbox": {**IMAP, "auth": "token"}}, "mailbox.auth"),
    ({"mailbox": IMAP, "oauth2": {"provider": "microsoft", "client_id": "c", "ca_file": "missing.pem"}},
     "oauth2.ca_file: file"),
])
def test_sign_in_settings_errors_name_the_key(tmp_path: Path, sections: dict[str, Any], expected: str) -> None:
    assert expected in error(tmp_path, **sections)


def test_nobody_signed_in_is_said_without_the_network(tmp_path: Path) -> None:
    config = load(tmp_path, mailbox=IMAP, oauth2={"provider": "microsoft", "client_id": "c"})
    sign_in = SignIn.for_server(config, config.mailbox)
    assert sign_in is not None
    assert sign_in.status() == {"signed_in": False, "account": "contact@org.example"}
    with pytest.raises(SignInError, match="contact@org.example is not signed in; run `callflow login`"):
        sign_in.access_token()


def test_the_cache_is_written_for_its_owner_only(tmp_path: Path) -> None:
    config = load(tmp_path, mailbox=IMAP, oauth2={"provider": "microsoft", "client_id": "c"})
    sign_in = SignIn.for_server(config, config.mailbox)
    assert sign_in is not None
    sign_in.cache.has_state_changed = True
    sign_in._save()
    mode = stat.S_IMODE(sign_in.cache_file.stat().st_mode)
    assert mode == 0o600 and json.loads(sign_in.cache_file.read_text(encoding="utf-8")) is not None
