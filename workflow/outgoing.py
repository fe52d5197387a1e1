"""One mail ready to leave, and what became of it: the plain data between outbox and transport.

The renderer makes the bytes once; a transport only moves them (SMTP, or a file in a Maildir)
and reports each mail's outcome. Nothing here knows templates, the state or a server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class OutgoingMail:
    key: str  # the outbox entry's idempotency key: what the send journal records
    message_id: str
    sender: str  # envelope sender
    recipients: tuple[str, ...]  # envelope recipients
    data: bytes  # the whole message (RFC 5322, LF line ends; a transport adapts them)


@dataclass
class Delivery:
    """The outcome of handing one mail to a transport."""

    mail: OutgoingMail
    error: Exception | None = None  # None: delivered (the server took it, or the file is in new/)
    handed_over: bool = False  # the point of no return was passed: it may have been delivered

    @property
    def delivered(self) -> bool:
        return self.error is None


# What a transport calls: before mails pass their point of no return (it may raise: then they
# are not sent), and with each mail's outcome.
OnHandover = Callable[[Sequence[OutgoingMail]], None]
OnResult = Callable[[Delivery], None]


def deliver_one_by_one(
    send: Callable[[OutgoingMail, OnHandover], None],
    mails: Iterable[OutgoingMail],
    on_handover: OnHandover,
    on_result: OnResult,
) -> None:
    """``Transport.deliver`` for a transport that sends one mail at a time with ``send(mail,
    on_handover)``, which raises when the mail was not delivered."""
    for mail in mails:
        handed_over: list[bool] = []

        def handover(group: Sequence[OutgoingMail], handed_over: list[bool] = handed_over) -> None:
            on_handover(group)
            handed_over.append(True)

        try:
            send(mail, handover)
        except Exception as exc:  # reported for this mail alone; the next one is sent as usual
            on_result(Delivery(mail, exc, handed_over=bool(handed_over)))
        else:
            on_result(Delivery(mail, None, handed_over=True))
