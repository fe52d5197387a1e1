"""One mail ready to leave, and what became of it: the plain data between outbox and transport.

The renderer makes the bytes once; a transport only moves them (SMTP, or a file in a Maildir)
and reports each mail's outcome. Nothing here knows templates, the state or a server.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class OutgoingMail:
    outbox_id: int  # the outbox entry's id: what the send journal records (a key may change, an id never)
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


class Handoff:
    """Mails handed from one thread to a transport working in another, as the iterator the
    transport takes them from (it waits for the next one). Several connections may take from
    it at once; the end is seen by every one of them. ``take_now`` takes without waiting."""

    NOTHING_YET = object()

    def __init__(self) -> None:
        self._mails: queue.SimpleQueue[OutgoingMail | None] = queue.SimpleQueue()
        self.saw_end = False  # a taker reached the end (not: the transport stopped taking before it)

    def put(self, mail: OutgoingMail) -> None:
        self._mails.put(mail)

    def end(self) -> None:
        self._mails.put(None)

    def __iter__(self) -> Iterator[OutgoingMail]:
        return self

    def __next__(self) -> OutgoingMail:
        mail = self._taken(self._mails.get())
        if mail is None:
            raise StopIteration
        return mail

    def take_now(self) -> OutgoingMail | None | object:
        """The next mail, None at the end, or ``NOTHING_YET``."""
        try:
            return self._taken(self._mails.get_nowait())
        except queue.Empty:
            return self.NOTHING_YET

    def _taken(self, mail: OutgoingMail | None) -> OutgoingMail | None:
        if mail is None:
            self.saw_end = True
            self._mails.put(None)  # for the other takers
        return mail

    def left_over(self) -> list[OutgoingMail]:
        """Once no transport takes any more: the mails nobody took."""
        left = []
        while True:
            try:
                mail = self._mails.get_nowait()
            except queue.Empty:
                return left
            if mail is not None:
                left.append(mail)
