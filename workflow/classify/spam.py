"""Spam: trust the verdict the receiving mail server already wrote into the headers.

SpamAssassin (``X-Spam-Flag: YES``, ``X-Spam-Status: Yes, score=…``), rspamd (``X-Spam: Yes``,
``X-Rspamd-Action: add header|rewrite subject|reject``) and Microsoft (``X-MS-Exchange-
Organization-SCL`` ≥ 5) all mark spam this way. The header *values* are read, not their
presence: ordinary mail carries ``X-Spam-Status: No`` too.
"""

from __future__ import annotations

import re

from ..parse import ParsedMail

_YES = re.compile(r"^\s*yes\b", re.IGNORECASE)
_RSPAMD_SPAM_ACTIONS = ("add header", "rewrite subject", "reject", "soft reject")


def spam_reason(mail: ParsedMail) -> str | None:
    for name in ("X-Spam-Flag", "X-Spam-Status", "X-Spam"):
        value = mail.header(name)
        if value and _YES.match(value):
            return f"{name}: {value[:40]}"
    action = mail.header("X-Rspamd-Action").strip().lower()
    if action in _RSPAMD_SPAM_ACTIONS:
        return f"X-Rspamd-Action: {action}"
    scl = mail.header("X-MS-Exchange-Organization-SCL").strip()
    if scl.lstrip("-").isdigit() and int(scl) >= 5:
        return f"X-MS-Exchange-Organization-SCL: {scl}"
    return None
