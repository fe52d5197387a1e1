"""Whatever one message does in parse, classify or decide, it costs that message alone.

It is quarantined with the reason, its half-made changes are undone, and the rest of its batch
is handled in the same pass — inline and in worker processes, on the Maildir default. Parse's
own part is in tests/unit/parse/test_parse_fails_alone.py, the same batch from a real Dovecot in
tests/e2e/test_one_mail_fails_alone_e2e.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests import mails
from tests.cfg import base_config, write_config
from tests.maildir import World, deliver, outgoing, recipients
from workflow import understand as understand_mod
from workflow.cli import main
from workflow.decide import Decider
from workflow.store import Store


def test_classify_reports_a_deep_tree_as_unparseable(tmp_path: Path, capsys) -> None:
    cfg = write_config(tmp_path, base_config(tmp_path))
    deep = tmp_path / "deep.eml"
    deep.write_bytes(mails.deep_mime(1000))
    fine = tmp_path / "fine.eml"
    fine.write_bytes(mails.inquiry())
    capsys.readouterr()
    assert main(["--config", str(cfg), "classify", str(deep), str(fine), "--json"]) == 0
    first, second = json.loads(capsys.readouterr().out)
    assert first["kind"] == "unparseable" and first["reply_allowed"] is False
    assert "nested deeper" in first["reason"]
    assert second["kind"] == "applicant_message"


# -- the pipeline -------------------------------------------------------------------------------
def test_maildir_a_deep_tree_in_the_middle_of_a_batch(tmp_path: Path) -> None:
    w = World(tmp_path)
    inbox = tmp_path / "mail"
    for name, raw in mails.batch_with_a_deep_tree():
        deliver(inbox, name, raw)
    w.run()

    assert sorted(recipients(tmp_path)) == [
        "ines@example.org", "jonas@example.org", "maria@example.net"]
    quarantined = os.listdir(inbox / ".Quarantine" / "cur")
    assert [n.split(":")[0] for n in quarantined] == ["3.c"]
    assert os.listdir(inbox / "new") == []
    record = next(m for m in Store(tmp_path / "state.json").messages if m["kind"] == "unparseable")
    assert record["disposition"] == "quarantine" and "nested deeper" in record["reason"]
    # A second pass finds nothing to do and sends nothing again.
    w.run()
    assert len(outgoing(tmp_path)) == 3


def _large_batch(inbox: Path) -> None:
    # More than the parallel threshold, with hostile mail spread through it.
    for i in range(80):
        if i % 25 == 5:
            raw = mails.deep_mime(1000, sender=f"Deep {i} <deep{i}@example.net>")
        else:
            raw = mails.inquiry(f"P{i} <p{i}@example.org>", question=False)
        deliver(inbox, f"{1000 + i}.m{i}", raw)


def _outcome(tmp: Path) -> tuple[list[str], list[str]]:
    store = Store(tmp / "state.json")
    sent = sorted(e["to"] for e in store.outbox)
    quarantined = sorted(n.split(":")[0] for n in os.listdir(tmp / "mail" / ".Quarantine" / "cur"))
    return sent, quarantined


def test_worker_processes_and_inline_handling_agree_on_hostile_mail(tmp_path: Path) -> None:
    outcomes = []
    for workers in (1, 2):
        tmp = tmp_path / f"w{workers}"
        tmp.mkdir()
        w = World(tmp, mailbox={"workers": workers})
        _large_batch(tmp / "mail")
        w.run()
        outcomes.append(_outcome(tmp))
    assert outcomes[0] == outcomes[1]
    sent, quarantined = outcomes[0]
    assert len(sent) == 77 and quarantined == ["1005.m5", "1030.m30", "1055.m55"]


def _die_on_marker(chunk: list[bytes]):
    """A worker task that kills its worker process when it meets a marked message."""
    if any(b"KILL-THE-WORKER" in data for data in chunk):
        os._exit(3)
    return understand_mod._understand_chunk_impl(chunk)


def test_a_worker_that_dies_costs_nothing(tmp_path: Path, monkeypatch, caplog) -> None:
    monkeypatch.setattr(understand_mod, "_understand_chunk_impl", understand_mod._understand_chunk, raising=False)
    monkeypatch.setattr(understand_mod, "_understand_chunk", _die_on_marker)
    w = World(tmp_path, mailbox={"workers": 2})
    inbox = tmp_path / "mail"
    for i in range(100):
        body = "KILL-THE-WORKER" if i == 40 else ""
        deliver(inbox, f"{1000 + i}.m{i}", mails.build(
            f"P{i} <p{i}@example.org>", "Working group meeting", f"I would like to take part.\n{body}\n"))
    w.run()
    sent = sorted(e["to"] for e in Store(tmp_path / "state.json").outbox)
    assert sent == sorted(f"p{i}@example.org" for i in range(100))
    assert os.listdir(inbox / "new") == []
    died = [r for r in caplog.records if "ended unexpectedly" in r.getMessage()]
    assert len(died) == 1  # the marked message really killed its worker


def _pass_around_a_boom(tmp: Path) -> Path:
    """One pass over three inquiries, the middle one (b@example.org) with the subject BOOM; the inbox."""
    w = World(tmp)
    inbox = tmp / "mail"
    deliver(inbox, "1.a", mails.inquiry("A <a@example.org>", question=False))
    deliver(inbox, "2.b", mails.build("B <b@example.org>", "BOOM", "I would like to take part.\n"))
    deliver(inbox, "3.c", mails.inquiry("C <c@example.org>", question=False))
    w.run()
    return inbox


def test_a_failing_classifier_quarantines_that_mail_only(tmp_path: Path, monkeypatch) -> None:
    real = understand_mod.classify

    def fragile(mail, ctx):
        if "BOOM" in mail.subject:
            raise KeyError("a classifier bug")
        return real(mail, ctx)

    monkeypatch.setattr(understand_mod, "classify", fragile)
    inbox = _pass_around_a_boom(tmp_path)
    assert sorted(recipients(tmp_path)) == ["a@example.org", "c@example.org"]
    assert [n.split(":")[0] for n in os.listdir(inbox / ".Quarantine" / "cur")] == ["2.b"]
    record = next(m for m in Store(tmp_path / "state.json").messages if m["rule"] == "internal-error")
    assert "KeyError" in record["reason"]


def test_a_failing_decision_leaves_no_half_made_change(tmp_path: Path, monkeypatch) -> None:
    real = Decider.decide

    def decide_then_fail(self, mail, cls):
        decision = real(self, mail, cls)  # records the applicant and queues an answer …
        if "BOOM" in mail.subject:
            self.store.meta["outbox_seq"] = 999
            raise RuntimeError("… and then fails")
        return decision

    monkeypatch.setattr(Decider, "decide", decide_then_fail)
    inbox = _pass_around_a_boom(tmp_path)

    store = Store(tmp_path / "state.json")
    assert store.applicants.get("b@example.org") is None  # undone, not half-made
    assert sorted(e["to"] for e in store.outbox) == ["a@example.org", "c@example.org"]
    assert sorted(e["id"] for e in store.outbox) == [1, 2]
    assert [n.split(":")[0] for n in os.listdir(inbox / ".Quarantine" / "cur")] == ["2.b"]
    assert any("RuntimeError" in (m["reason"] or "") for m in store.messages)
