"""`callflow init`: a new organiser's starting point works at once, end to end through the CLI."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests import mails
from tests.maildir import outgoing, recipients
from workflow import config as config_mod
from workflow.cli import main
from workflow.config import SURVEY_TRUST_WARNING

NOW = "2031-05-01T09:00"  # init's placeholder dates count from here


def test_init_writes_a_starter_that_checks_and_runs_right_away(tmp_path: Path, capsys) -> None:
    call = tmp_path / "call"
    assert main(["--now", NOW, "init", str(call)]) == 0
    out = capsys.readouterr().out
    config_path = call / "config.yaml"
    assert f"wrote {config_path}" in out and f"callflow --config {config_path} check" in out

    text = config_path.read_text(encoding="utf-8")
    assert text.count("REPLACE") >= 10  # the placeholders an organiser replaces are marked
    cfg = config_mod.load(config_path)
    assert cfg.mailbox.backend == "maildir" and cfg.smtp.backend == "maildir"
    # Placeholder dates lie ahead: survey open four weeks, sessions two weeks after it closes.
    assert cfg.event.deadline.isoformat().startswith("2031-05-29T23:59:59")
    assert [s.start.isoformat() for s in cfg.event.sessions] == ["2031-06-12T13:30:00+02:00",
                                                                   "2031-06-13T13:30:00+02:00"]
    for maildir in (call / "mail", call / "mail" / ".Processed", call / "mail" / ".Quarantine", call / "outgoing"):
        assert all((maildir / sub).is_dir() for sub in ("new", "cur", "tmp")), maildir

    assert main(["--config", str(config_path), "--now", NOW, "check"]) == 0
    checked = capsys.readouterr()
    assert "config ok" in checked.out and "mailbox ok: Maildir" in checked.out and "smtp ok: Maildir" in checked.out
    # The event lies ahead; the one warning is the starter's survey trust, until the organiser
    # sets up authentication (the starter's comments say how).
    assert checked.err.splitlines() == [f"config warning: {SURVEY_TRUST_WARNING}"]

    # Mail delivered into the inbox is read and answered by the next pass.
    contact = cfg.contact.email
    (call / "mail" / "new" / "1.inquiry").write_bytes(mails.inquiry(to=contact, date="Thu, 01 May 2031 08:00:00 +0200"))
    (call / "mail" / "new" / "2.survey").write_bytes(
        mails.survey("jonas.peeters@example.org", "Jonas Peeters", to=contact, date="Thu, 01 May 2031 08:30:00 +0200"))
    assert main(["--config", str(config_path), "--now", NOW, "run", "--once"]) == 0
    assert "handled 2 message(s)" in capsys.readouterr().out
    answered = sorted(recipients(call))
    assert answered == ["jonas.peeters@example.org", "maria.keller@example.net"]
    assert all(m["From"].addresses[0].addr_spec == contact for m in outgoing(call))


def test_init_writes_into_the_current_directory_by_default(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    capsys.readouterr()
    assert main(["--config", "config.yaml", "check"]) == 0  # the real clock: the dates are still ahead
    assert capsys.readouterr().err.splitlines() == [f"config warning: {SURVEY_TRUST_WARNING}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "mail", "outgoing"]


def test_init_refuses_to_overwrite_a_config_unless_forced(tmp_path: Path, capsys) -> None:
    config_path = tmp_path / "config.yaml"
    config_path.write_text("# the organiser's own config\n", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == (f"callflow: error: init: {config_path} already exists; edit it, or use --force to replace it "
                   "(the old one is then kept as config.yaml.bak)\n")
    assert config_path.read_text(encoding="utf-8") == "# the organiser's own config\n"
    assert not (tmp_path / "mail").exists()

    # --force replaces it, and keeps what was there: nothing an organiser wrote is lost.
    assert main(["init", "--force", str(tmp_path)]) == 0
    assert f"kept the previous config as {tmp_path / 'config.yaml.bak'}" in capsys.readouterr().out
    assert (tmp_path / "config.yaml.bak").read_text(encoding="utf-8") == "# the organiser's own config\n"
    starter = config_path.read_text(encoding="utf-8")
    config_mod.load(config_path)
    assert main(["init", "--force", str(tmp_path)]) == 0
    assert (tmp_path / "config.yaml.bak").read_text(encoding="utf-8") == "# the organiser's own config\n"
    assert (tmp_path / "config.yaml.bak.2").read_text(encoding="utf-8") == starter


def test_init_is_told_where_by_its_directory_not_by_config(tmp_path: Path, capsys) -> None:
    assert main(["--config", str(tmp_path / "call" / "config.yaml"), "init"]) == 2
    assert capsys.readouterr().err == (f"callflow: error: init: writes DIR/config.yaml; name the directory "
                                       f"(callflow init {tmp_path / 'call'}), not --config\n")
    assert not (tmp_path / "call").exists()


def test_init_into_a_path_that_is_a_file_is_one_line(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x", encoding="utf-8")
    assert main(["init", str(blocker)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"callflow: error: init: cannot write {blocker / 'config.yaml'}: ") and err.count("\n") == 1


def test_the_starter_explains_every_section(tmp_path: Path, capsys) -> None:
    assert main(["--now", NOW, "init", str(tmp_path)]) == 0
    text = (tmp_path / "config.yaml").read_text(encoding="utf-8")
    written = yaml.safe_load(text)
    commented = {line[2:].split(":", 1)[0] for line in text.splitlines() if line.startswith("# ") and ":" in line}
    for section in config_mod.Config.model_fields:
        if section == "source":
            continue  # set by callflow, not a key
        assert section in written or section in commented, section
    # Each section written out is introduced by a comment line.
    lines = text.splitlines()
    for section in written:
        at = lines.index(f"{section}:")
        assert lines[at - 1].startswith("#"), section
