"""`callflow demo` on the shipped config: the quick start a new user runs first."""

from __future__ import annotations

from pathlib import Path

from tests.maildir import outgoing
from tests.paths import REPO
from workflow import config as config_mod
from workflow.cli import main


def test_demo_tours_the_pipeline_and_leaves_nothing_behind(tmp_path: Path, capsys) -> None:
    keep = tmp_path / "demo"
    assert main(["--config", str(REPO / "config.yaml"), "demo", "--keep", str(keep)]) == 0
    out = capsys.readouterr().out
    assert "inquired   1" in out and "applied    1" in out
    assert "To: Maria Keller <maria.keller@example.net>" in out
    assert "To: Jonas Peeters <jonas.peeters@example.org>" in out
    assert "p.devries@example.com" not in out.split("Answers written")[1].split("daily digest")[0]
    assert "The organisers' daily digest" in out and "NEEDS ATTENTION" in out
    assert (keep / "state.json").is_file()
    # The summary adds up: five mails dropped in, one of them delivered twice; two answers
    # queued; four mails sent — those two answers and one digest per organiser.
    assert ("read 5 mails (1 of them a second delivery, acted on once); queued 2 answers; "
            "sent 4 mails: 2 answers and 2 digests (one per organiser).") in out
    sent = outgoing(keep)
    digests = [m for m in sent if str(m["Subject"]).startswith("Digest")]
    assert len(sent) == 4 and len(digests) == 2
    assert sorted(m["To"].addresses[0].addr_spec for m in digests) == [
        "anna.organiser@example.org", "ben.organiser@example.org"]
    # Without --keep the temporary directory is removed again.
    assert main(["--config", str(REPO / "config.yaml"), "demo"]) == 0
    tmp_dir = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("callflow demo in "))
    assert not Path(tmp_dir.removeprefix("callflow demo in ")).exists()


def test_demo_works_from_any_directory(tmp_path: Path, monkeypatch, capsys) -> None:
    # No config.yaml here and none named: the tour runs on the example shipped with callflow.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CALLFLOW_CONFIG", raising=False)
    assert main(["demo", "--keep", "tour"]) == 0
    out = capsys.readouterr().out
    assert "One pass at 2022-03-01T12:00:00+01:00: read 5 mails" in out
    written = config_mod.load(tmp_path / "tour" / "config.yaml")
    assert written.event.name == config_mod.load(REPO / "config.yaml").event.name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tour"]  # nothing written beside it


def test_demo_tours_another_event_when_asked(tmp_path: Path, capsys) -> None:
    # An organiser's own config (here the starter `init` writes) is toured nine days before its deadline.
    assert main(["--now", "2031-05-01T09:00", "init", str(tmp_path / "call")]) == 0
    capsys.readouterr()
    assert main(["--config", str(tmp_path / "call" / "config.yaml"), "demo", "--keep", str(tmp_path / "tour")]) == 0
    out = capsys.readouterr().out
    assert "One pass at 2031-05-20T12:00:00+02:00: read 5 mails" in out  # deadline 2031-05-29
    assert "queued 2 answers; sent 3 mails: 2 answers and 1 digest (one per organiser)." in out
