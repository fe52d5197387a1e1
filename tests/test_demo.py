"""`callflow demo` on the shipped config: the quick start a new user runs first."""

from __future__ import annotations

from pathlib import Path

from workflow.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_demo_tours_the_pipeline_and_leaves_nothing_behind(tmp_path: Path, capsys) -> None:
    keep = tmp_path / "demo"
    assert main(["--config", str(REPO / "config.yaml"), "demo", "--keep", str(keep)]) == 0
    out = capsys.readouterr().out
    assert "handled 4, 1 duplicate" in out
    assert "inquired   1" in out and "applied    1" in out
    assert "To: Maria Keller <maria.keller@example.net>" in out
    assert "To: Jonas Peeters <jonas.peeters@example.org>" in out
    assert "p.devries@example.com" not in out.split("Answers written")[1].split("daily digest")[0]
    assert "The organisers' daily digest" in out and "NEEDS ATTENTION" in out
    assert (keep / "state.json").is_file() and len(list((keep / "outgoing" / "new").iterdir())) == 4
    # Without --keep the temporary directory is removed again.
    assert main(["--config", str(REPO / "config.yaml"), "demo"]) == 0
    tmp_dir = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("callflow demo in "))
    assert not Path(tmp_dir.removeprefix("callflow demo in ")).exists()
