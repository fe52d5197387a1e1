"""The ``oauth2`` config section: the app registration a hosted mailbox signs in with.

Only what the config file says and what its values must mean; signing in is ``oauth2.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# What a hosted mailbox needs for IMAP and SMTP (msal adds offline_access, openid and profile).
DEFAULT_SCOPES: dict[str, list[str]] = {
    "microsoft": ["https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send"],
}


class OAuth2(BaseModel):
    """The app registration callflow signs in with (`callflow login`; device code flow)."""

    model_config = ConfigDict(extra="forbid")  # as every config section: an unknown key is a typo

    provider: Literal["microsoft", "generic"]
    client_id: str = Field(min_length=1)
    # microsoft: your directory (tenant) id or domain; "organizations" lets any work account sign in.
    tenant: str = "organizations"
    # generic: the OpenID Connect issuer; its /.well-known/openid-configuration names the endpoints.
    authority: str | None = None
    scopes: list[str] | None = None
    # Trust added for the sign-in server's TLS certificate (verification is always on).
    ca_file: Path | None = None

    @field_validator("provider", mode="before")
    @classmethod
    def _built(cls, value: object) -> object:
        if value == "google":
            raise ValueError(
                "provider google is not built yet (Google allows the mail scope only through a browser on "
                "the same machine, not the device code flow); see the README"
            )
        return value

    @model_validator(mode="after")
    def _complete(self) -> OAuth2:
        if self.provider == "generic":
            if not self.authority or not self.authority.startswith("https://"):
                raise ValueError("authority (an https:// OpenID Connect issuer) is required for provider generic")
            if not self.scopes:
                raise ValueError("scopes are required for provider generic")
        if self.scopes is None:
            self.scopes = list(DEFAULT_SCOPES[self.provider])
        return self
