"""The ``oauth2`` config section: the app registration a hosted mailbox signs in with.

Only what the config file says and what its values must mean; signing in is ``oauth2.py``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import ConfigError

# What a hosted mailbox needs for IMAP and SMTP (msal adds offline_access, openid and profile;
# for Google, callflow adds openid and email, to know who signed in).
DEFAULT_SCOPES: dict[str, list[str]] = {
    "microsoft": ["https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send"],
    "google": ["https://mail.google.com/"],
}
GOOGLE = "https://accounts.google.com"


class OAuth2(BaseModel):
    """The app registration callflow signs in with (`callflow login`; device code flow)."""

    model_config = ConfigDict(extra="forbid")  # as every config section: an unknown key is a typo

    provider: Literal["microsoft", "google", "generic"]
    client_id: str = Field(min_length=1)
    # google: the OAuth client's secret, from this environment variable (Google calls an installed
    # app's secret not confidential; callflow keeps it out of the config all the same).
    client_secret_env: str | None = None
    # google: the port on this machine the browser is sent back to after signing in (forward it
    # over SSH when the browser runs elsewhere).
    redirect_port: int = Field(default=8765, gt=0, lt=65536)
    # microsoft: your directory (tenant) id or domain; "organizations" lets any work account sign in.
    tenant: str = "organizations"
    # generic: the OpenID Connect issuer; its /.well-known/openid-configuration names the endpoints
    # (google: Google's own, unless set).
    authority: str | None = None
    scopes: list[str] | None = None
    # Trust added for the sign-in server's TLS certificate (verification is always on).
    ca_file: Path | None = None

    @model_validator(mode="after")
    def _complete(self) -> OAuth2:
        if self.provider == "generic":
            if not self.authority or not self.authority.startswith("https://"):
                raise ValueError("authority (an https:// OpenID Connect issuer) is required for provider generic")
            if not self.scopes:
                raise ValueError("scopes are required for provider generic")
        if self.provider == "google":
            if not self.client_secret_env:
                raise ValueError("client_secret_env (the environment variable with the OAuth client's secret) "
                                 "is required for provider google")
            self.authority = self.authority or GOOGLE
        if self.scopes is None:
            self.scopes = list(DEFAULT_SCOPES[self.provider])
        return self

    def client_secret(self) -> str | None:
        return env_secret("oauth2.client_secret_env", self.client_secret_env)


def env_secret(key: str, variable: str | None) -> str | None:
    """A secret from the environment variable the config names at ``key`` (secrets never live
    in the config file); None when it names none."""
    if not variable:
        return None
    value = os.environ.get(variable)
    if value is None:
        raise ConfigError(f"{key}: environment variable {variable} is not set")
    return value
