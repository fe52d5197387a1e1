"""What the outbox unit tests send with: a render that makes a small mail per entry, and the base
of their fake transports, which send one mail at a time like the Maildir transport does."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from workflow.outgoing import Delivery, OutgoingMail, deliver_one_by_one

SENDER = "contact@callflow.example.org"


def render(entry: dict[str, Any]) -> OutgoingMail:
    data = f"To: {entry['to']}\nMessage-ID: {entry['message_id']}\n\nHello.\n".encode()
    return OutgoingMail(entry["id"], entry["message_id"], SENDER, (entry["to"],), data)


def mail(to: str = "ana@example.net", message_id: str = "<1@callflow.example.org>", outbox_id: int = 1) -> OutgoingMail:
    data = f"From: {SENDER}\nTo: {to}\nSubject: Hello\nMessage-ID: {message_id}\n\nHello Ana.\n".encode()
    return OutgoingMail(outbox_id, message_id, SENDER, (to,), data)


class OneByOne:
    """A fake transport: subclasses define ``send(mail, on_handover)``, raising when not delivered."""

    send: Callable[[OutgoingMail, Callable[[Sequence[OutgoingMail]], None]], None]

    def deliver(self, mails: Iterable[OutgoingMail], on_handover: Callable[[Sequence[OutgoingMail]], None],
                on_result: Callable[[Delivery], None]) -> None:
        deliver_one_by_one(self.send, mails, on_handover, on_result)

    def delivered(self, message_id: str) -> bool | None:
        return None  # like SMTP: cannot tell

    def tidy(self) -> None:
        pass

    def close(self) -> None:
        pass
