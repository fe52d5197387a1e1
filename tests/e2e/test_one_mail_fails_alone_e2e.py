"""Whatever one message does, it costs that message alone — from a real Dovecot too: a MIME tree
too deep to read in the middle of a batch is quarantined whole, and the rest is answered once."""

from __future__ import annotations

from pathlib import Path

from tests import mails
from tests.cfg import NOW, server_config
from workflow.cli import main


def test_dovecot_a_deep_tree_in_the_middle_of_a_batch(tmp_path: Path, env) -> None:
    account, smtp = env
    cfg = server_config(tmp_path, account, smtp)
    account.append_many("INBOX", [raw for _, raw in mails.batch_with_a_deep_tree()])
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0

    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == [
        "ines@example.org", "jonas@example.org", "maria@example.net"]
    assert account.count("Quarantine") == 1 and account.count("Processed") == 4
    assert account.count("INBOX") == 0
    assert b"boundary=\"b999\"" in account.fetch_all("Quarantine")[0]  # kept whole, never truncated
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    assert len(smtp.messages) == 3
