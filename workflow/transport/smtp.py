"""SMTP sending with aiosmtplib: TLS or STARTTLS verified by default, login from env.

callflow's pipeline is synchronous; this class owns one event loop and up to
``smtp.connections`` connections, kept open for the next run of sends and reopened when the
server dropped one. Several connections let the server take one mail while the next is rendered
and sent on another (aiosmtplib does not pipeline commands on one connection).

The point of no return is the final dot: until the message data is handed to the server, a
crash or a failure leaves nothing delivered (RFC 5321 §4.1.1.4: the server acts only on a
complete transaction). The write of the data and its final dot (one write, after the server's
354) is held back until ``on_handover`` has recorded the mail, so the outbox can tell "never
left" from "may have been delivered"; the fsync runs beside the event loop, and mails reaching
that point meanwhile are recorded together with the next one. A connection lost after that write, before the server's answer, is
``maybe_delivered``, never a plain failure to retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiosmtplib

from ..config import Smtp
from ..errors import SignInError, TransportError
from ..oauth2 import AGAIN, SignIn
from ..outgoing import Delivery, Handoff, OnHandover, OnResult, OutgoingMail


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


class _HandoverGroup:
    """Group commit of handovers. ``on_handover`` (the journal's write and fsync) runs in a
    thread, so the other connections go on meanwhile; the mails that reach their final dot while
    one group is being recorded wait and are recorded together next. Then each one's data is
    written."""

    def __init__(self, loop: asyncio.AbstractEventLoop, on_handover: OnHandover) -> None:
        self.loop = loop
        self.on_handover = on_handover
        self.waiting: list[tuple[OutgoingMail, Callable[[], None], Callable[[Exception], None]]] = []
        self.recording: asyncio.Task[None] | None = None
        self.interrupted: BaseException | None = None  # what stopped a recording beyond an error

    def add(self, mail: OutgoingMail, proceed: Callable[[], None], refuse: Callable[[Exception], None]) -> None:
        self.waiting.append((mail, proceed, refuse))
        if self.recording is None:
            self.recording = self.loop.create_task(self._record())

    async def _record(self) -> None:
        try:
            while self.waiting:
                group, self.waiting = self.waiting, []
                try:
                    await self.loop.run_in_executor(None, self.on_handover, [mail for mail, _, _ in group])
                except BaseException as exc:  # the journal cannot record it: the data must not leave
                    for _, _, refuse in group:
                        refuse(exc if isinstance(exc, Exception) else RuntimeError(repr(exc)))
                    if not isinstance(exc, Exception):
                        self.interrupted = exc
                    continue
                for _, proceed, _ in group:
                    proceed()
        finally:
            self.recording = None


class _HandoverWatch:
    """Holds back the write of the message data with its final dot until the handover is recorded.

    aiosmtplib's protocol writes the dot-stuffed data and the final ``.\\r\\n`` in one call to
    its ``write``, after the server's 354; no command ends with CRLF.CRLF. The tests check this
    against a real server, so a change in aiosmtplib fails them rather than this guard. Until
    the write is released nothing of the data has left, and the protocol is waiting for the
    server's answer to it, so holding it back a moment changes nothing else.
    """

    def __init__(self, client: aiosmtplib.SMTP, mail: OutgoingMail, group: _HandoverGroup) -> None:
        self.protocol = client.protocol
        self.mail = mail
        self.group = group
        self.armed = True
        self.handed_over = False
        self.refused: Exception | None = None  # why the handover could not be recorded

    def __enter__(self) -> _HandoverWatch:
        protocol = self.protocol
        if protocol is not None:
            real_write = protocol.write

            def proceed(data: bytes) -> None:
                try:
                    real_write(data)
                except Exception as exc:  # the connection went meanwhile: nothing of the data left
                    self.refused = exc
                else:
                    self.handed_over = True

            def refuse(exc: Exception) -> None:
                self.refused = exc
                if protocol.transport is not None:
                    protocol.transport.abort()  # ends the wait for an answer to data never sent

            def write(data: bytes) -> None:
                if self.armed and data.endswith(_END_OF_DATA):
                    self.armed = False
                    self.group.add(self.mail, lambda: proceed(data), refuse)
                    return
                real_write(data)

            protocol.write = write  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        if self.protocol is not None:
            with contextlib.suppress(AttributeError):
                del self.protocol.write


class SmtpTransport:
    """Sends over up to ``smtp.connections`` connections at once, kept open for reuse."""

    def __init__(
        self, settings: Smtp, sent_copies: Callable[[str], bool | None] | None = None, sign_in: SignIn | None = None,
    ) -> None:
        self.settings = settings
        self.sign_in = sign_in  # with auth: oauth2
        # Looks a Message-ID up where the provider keeps copies of submitted mail (sent_folder).
        self.sent_copies = sent_copies
        self.password = settings.password()
        self.loop = asyncio.new_event_loop()
        self.idle: list[aiosmtplib.SMTP] = []  # open connections between runs of sends
        # Takes the next mail from the caller's iterator, which may wait for the caller to
        # offer more (a send run beside an intake pass): one thread, so the connections take in
        # turn, and the event loop goes on meanwhile.
        self.taker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callflow-smtp-take")

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
        """A new connection, logged in; raises SmtpSendError with a clear reason."""
        client = self._new_client()
        try:
            await client.connect()
            if self.sign_in is not None:
                await self._oauth2_login(client)
            elif self.settings.username:
                await client.login(self.settings.username, self.password or "")
        except SignInError as exc:
            client.close()
            raise SmtpSendError(f"smtp: {exc}", False) from None
        except ssl.SSLError as exc:
            client.close()
            raise SmtpSendError(f"smtp: TLS with {self.settings.host} failed: {exc.reason or exc}", False) from None
        except aiosmtplib.SMTPAuthenticationError as exc:  # a password refused (a token: SignInError)
            client.close()
            raise SmtpSendError(f"smtp: login as {self.settings.username} refused: {exc.message}", True) from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            client.close()
            raise SmtpSendError(
                f"smtp: cannot connect to {self.settings.host}:{self.settings.port}: {exc}", False
            ) from None
        return client

    async def _oauth2_login(self, client: aiosmtplib.SMTP) -> None:
        """AUTH XOAUTH2; when the server refuses the token, once more with a renewed one. The
        token is fetched beside the event loop: a renewal is a request to the sign-in service."""
        assert self.sign_in is not None
        user = self.settings.username or ""
        token = await self.loop.run_in_executor(None, self.sign_in.access_token)
        sign_in = self.sign_in
        try:
            await client.auth_xoauth2(user, token)
        except aiosmtplib.SMTPAuthenticationError:
            token = await self.loop.run_in_executor(None, lambda: sign_in.access_token(renew=True))
            try:
                await client.auth_xoauth2(user, token)
            except aiosmtplib.SMTPAuthenticationError:
                raise sign_in.refused(
                    f"{self.settings.host} refused the OAuth2 sign-in of {user}; {AGAIN}") from None
        sign_in.worked()

    def connect(self) -> None:
        """Open a connection (kept for the next sends); raises SmtpSendError with a clear reason."""
        self.idle.append(self.loop.run_until_complete(self._connect()))

    async def _client(self) -> aiosmtplib.SMTP:
        while self.idle:
            client = self.idle.pop()
            if client.is_connected:
                return client
        return await self._connect()

    def deliver(
        self,
        mails: Iterable[OutgoingMail],
        on_handover: OnHandover,
        on_result: OnResult,
    ) -> None:
        """Send over up to ``smtp.connections`` connections at once. When a connection cannot
        be made, that mail fails (to be retried) and no further mail is taken: the rest waits
        for a later pass instead of each failing the same way."""
        self.loop.run_until_complete(self._deliver(iter(mails), on_handover, on_result))

    async def _deliver(
        self, mails: Iterator[OutgoingMail], on_handover: OnHandover,
        on_result: OnResult,
    ) -> None:
        group = _HandoverGroup(self.loop, on_handover)
        unreachable: list[SmtpSendError] = []
        # The loop reads the kept connections' sockets only while it runs: one turn takes in a
        # close the server sent since the last run (its idle timeout, a restart), so a dead
        # connection is replaced first instead of failing its next mail into a retry.
        await asyncio.sleep(0)

        def take() -> OutgoingMail | None:
            return None if unreachable else next(mails, None)

        def take_now() -> Any:
            # From a hand-off, without the thread hop while mail is waiting in it.
            return mails.take_now() if isinstance(mails, Handoff) else Handoff.NOTHING_YET

        async def one_connection() -> None:
            client: aiosmtplib.SMTP | None = None
            try:
                while not unreachable:
                    mail = take_now()
                    if mail is Handoff.NOTHING_YET:
                        mail = await self.loop.run_in_executor(self.taker, take)
                    if mail is None:
                        return
                    if unreachable:  # taken while another connection found the server gone
                        on_result(Delivery(mail, unreachable[0]))
                        return
                    if client is None:
                        try:
                            client = await self._client()
                        except SmtpSendError as exc:
                            unreachable.append(exc)
                            on_result(Delivery(mail, exc))
                            return
                    delivery = await self._send(client, mail, group)
                    if delivery.error is not None and not client.is_connected:
                        client = None
                    on_result(delivery)
            finally:
                if client is not None and client.is_connected:
                    self.idle.append(client)

        await asyncio.gather(*(one_connection() for _ in range(self.settings.connections)))
        if group.interrupted is not None:
            raise group.interrupted

    async def _send(self, client: aiosmtplib.SMTP, mail: OutgoingMail, group: _HandoverGroup) -> Delivery:
        watch = _HandoverWatch(client, mail, group)
        try:
            with watch:
                errors, _ = await client.sendmail(mail.sender, list(mail.recipients), mail.data)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            refused = [r.recipient for r in exc.recipients]
            text = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
            return Delivery(mail, SmtpSendError(
                f"smtp: recipient refused: {text}", all(c >= 500 for c in codes), refused))
        except aiosmtplib.SMTPResponseException as exc:
            # An answer from the server, after the data too: it did not take the mail.
            _drop(client)
            return Delivery(mail, SmtpSendError(f"smtp: server said {exc.code} {exc.message}", exc.code >= 500))
        except (aiosmtplib.SMTPException, OSError) as exc:
            _drop(client)
            if watch.refused is not None:
                return Delivery(mail, SmtpSendError(f"smtp: not sent, the handover could not be recorded: "
                                                    f"{watch.refused}", False))
            if watch.handed_over:
                return Delivery(mail, SmtpSendError(
                    f"smtp: connection lost after the message was handed over, before the server "
                    f"confirmed it: {exc}", False, maybe_delivered=True,
                ), handed_over=True)
            return Delivery(mail, SmtpSendError(f"smtp: sending failed: {exc}", False))
        except Exception as exc:  # this one mail cannot be written out: a bug, or text no mail can carry
            _drop(client)
            return Delivery(mail, exc, handed_over=watch.handed_over)
        if errors:
            text = "; ".join(f"{addr}: {resp.code} {resp.message}" for addr, resp in errors.items())
            return Delivery(mail, SmtpSendError(f"smtp: recipient refused: {text}", True, list(errors)),
                            handed_over=True)
        return Delivery(mail, None, handed_over=True)

    def delivered(self, message_id: str) -> bool | None:
        """SMTP itself cannot say after the fact whether a server kept a message; the provider's
        copy in ``smtp.sent_folder`` can (True when found; otherwise nobody can tell)."""
        return self.sent_copies(message_id) if self.sent_copies is not None else None

    def tidy(self) -> None:
        """An interrupted SMTP transaction leaves nothing on this side."""

    def close(self) -> None:
        idle, self.idle = self.idle, []
        for client in idle:
            if client.is_connected:
                with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                    self.loop.run_until_complete(client.quit())
            _drop(client)
        self.loop.close()
        self.taker.shutdown()


def _drop(client: aiosmtplib.SMTP) -> None:
    with contextlib.suppress(Exception):
        client.close()
