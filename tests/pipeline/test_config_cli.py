"""The config at the CLI: a config error is one plain line and exit 2, `callflow check` reports an
invalid config (or language file) as a finding and warns about what is allowed but unwise. The
config's own validation is tested in tests/unit/config/test_config.py."""

from __future__ import annotations

from pathlib import Path

from tests.cfg import NOW, base_config, write_config
from workflow.cli import main
from workflow.config import shipped_languages_dir


def _language_copy(tmp_path: Path, code: str = "de") -> Path:
    folder = tmp_path / "languages"
    folder.mkdir(exist_ok=True)
    (folder / f"{code}.yaml").write_text((shipped_languages_dir() / f"{code}.yaml").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    return folder / f"{code}.yaml"


def test_check_warns_when_the_event_is_over_and_still_passes(tmp_path: Path, capsys) -> None:
    data = base_config(tmp_path)
    data["survey"]["require_authentication"] = True  # (its own warning is tested below)
    data["commands"] = {"trusted_authserv_ids": ["mx.callflow.example.org"]}
    path = write_config(tmp_path, data)
    assert main(["--config", str(path), "--now", "2022-03-25T16:31", "check"]) == 0
    captured = capsys.readouterr()
    assert "config ok" in captured.out
    assert captured.err == ("config warning: event.sessions: the last session ended 2022-03-25 16:30 "
                            "(Europe/Brussels); this config describes an event that is over\n")
    # During the last session the event is not over yet.
    assert main(["--config", str(path), "--now", "2022-03-25T16:29", "check"]) == 0
    assert capsys.readouterr().err == ""
    # Without --now the real clock decides: the reference meeting of 2022 is over.
    assert main(["--config", str(path), "check"]) == 0
    assert "describes an event that is over" in capsys.readouterr().err


def test_missing_password_variable_is_a_config_error_at_the_cli(tmp_path: Path, monkeypatch, capsys) -> None:
    data = base_config(tmp_path)
    data["mailbox"] = {"backend": "imap", "host": "127.0.0.1", "port": 1, "security": "tls",
                       "username": "u", "password_env": "CALLFLOW_TEST_NO_SUCH_VAR"}
    monkeypatch.delenv("CALLFLOW_TEST_NO_SUCH_VAR", raising=False)
    path = write_config(tmp_path, data)
    assert main(["--config", str(path), "run", "--once"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "callflow: error: mailbox.password_env: environment variable CALLFLOW_TEST_NO_SUCH_VAR is not set"


def test_invalid_yaml_and_missing_file(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text("event: [unclosed\n", encoding="utf-8")
    assert main(["--config", str(bad), "status"]) == 2
    assert "invalid YAML" in capsys.readouterr().err
    assert main(["--config", str(tmp_path / "nope.yaml"), "status"]) == 2
    assert "config file not found" in capsys.readouterr().err


def test_config_from_environment_variable(tmp_path: Path, monkeypatch, capsys) -> None:
    path = write_config(tmp_path, base_config(tmp_path))
    monkeypatch.setenv("CALLFLOW_CONFIG", str(path))
    assert main(["status", "--json"]) == 0
    assert '"capacity": 3' in capsys.readouterr().out


def test_unknown_command_and_bad_now(tmp_path: Path, capsys) -> None:
    path = write_config(tmp_path, base_config(tmp_path))
    assert main(["--config", str(path), "frobnicate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("callflow: error: unknown command 'frobnicate' (choose from run, demo, init, check, ")
    assert err.count("\n") == 1 and "callflow: error: callflow" not in err
    assert main(["--config", str(path), "--now", "yesterday", "status"]) == 2
    assert "--now: not an ISO datetime" in capsys.readouterr().err


def test_check_reports_an_invalid_config_as_a_finding(tmp_path: Path, capsys) -> None:
    data = base_config(tmp_path)
    data["event"]["timezone"] = "Mars/Olympus"
    path = write_config(tmp_path, data)
    assert main(["--config", str(path), "check"]) == 1
    assert "config FAILED" in capsys.readouterr().err
    good = write_config(tmp_path, base_config(tmp_path))
    assert main(["--config", str(good), "check"]) == 0
    out = capsys.readouterr().out
    assert "config ok" in out and "mailbox ok: Maildir" in out and "smtp ok: Maildir" in out


def test_global_options_may_also_follow_the_command(tmp_path: Path, capsys) -> None:
    path = write_config(tmp_path, base_config(tmp_path))
    assert main(["status", "--json", "--config", str(path), "--now", "2022-03-01T10:00"]) == 0
    assert '"capacity": 3' in capsys.readouterr().out


def test_check_warns_when_survey_senders_are_trusted_without_authentication(tmp_path: Path, capsys) -> None:
    data = base_config(tmp_path)  # survey.senders set, require_authentication off
    # At NOW, before the event (an event that is over has its own warning).
    assert main(["--config", str(write_config(tmp_path, data)), *NOW, "check"]) == 0  # a warning, not a failure
    captured = capsys.readouterr()
    assert "config ok" in captured.out
    warnings = [line for line in captured.err.splitlines() if line.startswith("config warning:")]
    assert len(warnings) == 1 and "survey.require_authentication" in warnings[0]

    data["survey"]["require_authentication"] = True
    data["commands"] = {"trusted_authserv_ids": ["mx.callflow.example.org"]}
    assert main(["--config", str(write_config(tmp_path, data)), *NOW, "check"]) == 0
    assert "warning" not in capsys.readouterr().err

    data["survey"] = {"senders": []}
    assert main(["--config", str(write_config(tmp_path, data)), *NOW, "check"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_check_validates_the_languages_in_paths_languages(tmp_path: Path, capsys) -> None:
    path = _language_copy(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("\nnegation:", "\nnegatoin:", 1), encoding="utf-8")
    data = base_config(tmp_path)
    data["paths"] = {"languages": str(path.parent)}
    assert main(["--config", str(write_config(tmp_path, data)), *NOW, "check"]) == 1
    assert "de.yaml: negatoin: unknown key — did you mean 'negation'?" in capsys.readouterr().err
