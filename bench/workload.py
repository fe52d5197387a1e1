"""The mixed mailbox the benchmarks read: what a contact address gets during a call.

Per ten messages: four survey notifications, two inquiries (one a question), an out-of-office
reply, a list post, a bounce and a plain reply; one message in a thousand carries a 2 MB
attachment (memory must stay bounded). Shared by ``backfill.py`` and ``speed.py``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from email import message_from_bytes, policy

from tests import mails


def bounce(address: str) -> bytes:
    """A mail server's delivery failure for ``address`` (never answered)."""
    return mails.build("Mail Delivery System <MAILER-DAEMON@mx.example.net>", "Undelivered Mail Returned to Sender",
                       f"This is the mail system.\n\n<{address}>: host said: 550 5.1.1 unknown user\n",
                       Auto_Submitted="auto-replied")


def raw_fetch(account, parse: Callable[[bytes], object]) -> tuple[int, float]:
    """(a) of the benchmarks: UID FETCH BODY.PEEK[] of the whole INBOX in batches of 500 and
    ``parse`` of each message; the count and the seconds it took."""
    client = account.connect()
    client.select_folder("INBOX", readonly=True)
    started = time.perf_counter()
    uids = client.search(["ALL"])
    parsed = 0
    for start in range(0, len(uids), 500):
        fetched = client.fetch(uids[start:start + 500], ["BODY.PEEK[]"])
        for data in fetched.values():
            parse(data[b"BODY[]"])
            parsed += 1
    seconds = time.perf_counter() - started
    client.logout()
    return parsed, seconds


def with_attachment(raw: bytes, payload: bytes, filename: str = "cv.pdf") -> bytes:
    msg = message_from_bytes(raw, policy=policy.default)
    msg.add_attachment(payload, maintype="application", subtype="pdf", filename=filename)
    return msg.as_bytes()


def corpus(n: int, start: int = 0) -> list[bytes]:
    """``n`` messages numbered from ``start`` (so two calls give distinct senders)."""
    big = b"%PDF-1.4\n" + os.urandom(2_000_000)
    out = []
    for i in range(start, start + n):
        r = i % 10
        if r in (0, 1, 2, 3):
            out.append(mails.survey(f"p{i}@example.org", f"Person {i}", str(i)))
        elif r in (4, 5):
            out.append(mails.inquiry(f"Q {i} <q{i}@example.net>", question=bool(i % 2)))
        elif r == 6:
            out.append(mails.out_of_office(f"O {i} <o{i}@example.com>"))
        elif r == 7:
            out.append(mails.list_post())
        elif r == 8:
            out.append(bounce(f"gone{i}@example.net"))
        elif i % 1000 == 9:
            out.append(with_attachment(mails.inquiry(f"A {i} <a{i}@example.net>", question=False), big))
        else:
            out.append(mails.inquiry(f"R {i} <r{i}@example.net>", question=False))
    return out
