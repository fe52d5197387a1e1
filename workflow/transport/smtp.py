"""SMTP sending with aiosmtplib: TLS or STARTTLS verified by default, login from env.

callflow's pipeline is synchronous; this class owns one event loop and one connection that
is reused for a run of sends and reopened when the server dropped it.

The point of no return is the final dot: until the message data is handed to the server, a
crash or a failure leaves nothing delivered (RFC 5321 §4.1.1.4: the server acts only on a
complete transaction). ``send`` calls ``on_handover`` right before aiosmtplib writes the data
and its final dot (one write, after the server's 354), so the outbox can tell "never left" from
"may have been delivered". A connection lost after that write, before the server's answer, is
``maybe_delivered``, never a plain failure to retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Callable
from email.message import EmailMessage

import aiosmtplib

from ..config import Smtp
from ..errors import TransportError


def tls_context(ca_file: object | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=str(ca_file))
    return context


class SmtpSendError(TransportError):
    def __init__(
        self, message: str, permanent: bool, refused: list[str] | None = None, maybe_delivered: bool = False
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.refused = refused or []
        self.maybe_delivered = maybe_delivered


_END_OF_DATA = b"\r\n.\r\n"


class _HandoverWatch:
    """Calls back right before the protocol writes the message data with its final dot.

    aiosmtplib's protocol writes the dot-stuffed data and the final ``.\\r\\n`` in one call to
    its ``write``, after the server's 354; no command ends with CRLF.CRLF. The tests check this
    against a real server, so a change in aiosmtplib fails them rather than this guard.
    """

    def __init__(self, client: aiosmtplib.SMTP, on_handover: Callable[[], None]) -> None:
        self.protocol = client.protocol
        self.on_handover = on_handover
        self.handed_over = False

    def __enter__(self) -> _HandoverWatch:
        if self.protocol is not None:
            real_write = self.protocol.write

            def write(data: bytes) -> None:
                if not self.handed_over and data.endswith(_END_OF_DATA):
                    self.on_handover()  # if this raises, the data is not written
                    self.handed_over = True
                real_write(data)

            self.protocol.write = write  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        if self.protocol is not None:
            with contextlib.suppress(AttributeError):
                del self.protocol.write


class SmtpTransport:
    def __init__(self, settings: Smtp, sent_copies: Callable[[str], bool | None] | None = None) -> None:
        self.settings = settings
        # Looks a Message-ID up where the provider keeps copies of submitted mail (sent_folder).
        self.sent_copies = sent_copies
        self.password = settings.password()
        self.loop = asyncio.new_event_loop()
        self.client: aiosmtplib.SMTP | None = None

    def _new_client(self) -> aiosmtplib.SMTP:
        s = self.settings
        context = tls_context(s.ca_file)
        return aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            use_tls=s.security == "tls",
            start_tls=s.security == "starttls",
            tls_context=context if s.security != "none" else None,
            timeout=s.timeout_seconds,
        )

    async def _connect(self) -> aiosmtplib.SMTP:
        client = self._new_client()
        await client.connect()
        if self.settings.username:
            await client.login(self.settings.username, self.password or "")
        return client

    def connect(self) -> None:
        """Open (or reopen) the connection; raises TransportError with a clear reason."""
        try:
            self.client = self.loop.run_until_complete(self._connect())
        except ssl.SSLError as exc:
            raise SmtpSendError(f"smtp: TLS with {self.settings.host} failed: {exc.reason or exc}", False) from None
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise SmtpSendError(f"smtp: login as {self.settings.username} refused: {exc.message}", True) from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise SmtpSendError(
                f"smtp: cannot connect to {self.settings.host}:{self.settings.port}: {exc}", False
            ) from None

    def send(
        self, message: EmailMessage, sender: str, recipients: list[str],
        on_handover: Callable[[], None] | None = None,
    ) -> None:
        if self.client is None or not self.client.is_connected:
            self.connect()
        assert self.client is not None
        watch = _HandoverWatch(self.client, on_handover or (lambda: None))
        try:
            with watch:
                errors, _ = self.loop.run_until_complete(
                    self.client.send_message(message, sender=sender, recipients=recipients)
                )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            refused = [r.recipient for r in exc.recipients]
            text = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
            raise SmtpSendError(f"smtp: recipient refused: {text}", all(c >= 500 for c in codes), refused) from None
        except aiosmtplib.SMTPResponseException as exc:
            # An answer from the server, after the data too: it did not take the mail.
            self._drop()
            raise SmtpSendError(f"smtp: server said {exc.code} {exc.message}", exc.code >= 500) from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            self._drop()
            if watch.handed_over:
                raise SmtpSendError(
                    f"smtp: connection lost after the message was handed over, before the server "
                    f"confirmed it: {exc}", False, maybe_delivered=True,
                ) from None
            raise SmtpSendError(f"smtp: sending failed: {exc}", False) from None
        if errors:
            text = "; ".join(f"{addr}: {resp.code} {resp.message}" for addr, resp in errors.items())
            raise SmtpSendError(f"smtp: recipient refused: {text}", True, list(errors))

    def delivered(self, message_id: str) -> bool | None:
        """SMTP itself cannot say after the fact whether a server kept a message; the provider's
        copy in ``smtp.sent_folder`` can (True when found; otherwise nobody can tell)."""
        return self.sent_copies(message_id) if self.sent_copies is not None else None

    def tidy(self) -> None:
        """An interrupted SMTP transaction leaves nothing on this side."""

    def _drop(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close()
        self.client = None

    def close(self) -> None:
        if self.client is not None and self.client.is_connected:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                self.loop.run_until_complete(self.client.quit())
        self._drop()
        self.loop.close()
