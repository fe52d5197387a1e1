"""Config errors are one clear line naming the key, and exit 2 at the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cfg import base_config, write_config
from workflow import config as config_mod
from workflow.cli import main
from workflow.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def test_shipped_config_describes_the_reference_meeting() -> None:
    cfg = config_mod.load(REPO / "config.yaml")
    assert cfg.event.timezone == "Europe/Brussels"
    assert [s.start.isoformat() for s in cfg.event.sessions] == [
        "2022-03-24T13:30:00+01:00", "2022-03-25T13:30:00+01:00"]
    # A date deadline means the end of that day in the event's timezone.
    assert cfg.event.deadline.isoformat().startswith("2022-03-10T23:59:59")
    assert cfg.mailbox.backend == "maildir" and cfg.smtp.backend == "maildir"
    assert cfg.storage.path == REPO / "var" / "state.json"
    assert (cfg.templates_dir / "ack_inquiry.txt.j2").is_file()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["mailbox"].update(colour="blue"), "mailbox.colour: unknown key"),
        (lambda d: d["mailbox"].update(backend="imap", host="imap.example.org", port="abc"), "mailbox.port"),
        (lambda d: d["event"].update(timezone="Europe/Brussel"), "event.timezone: unknown timezone 'Europe/Brussel'"),
        (lambda d: d["event"].pop("capacity"), "event.capacity: required key is missing"),
        (lambda d: d["event"].update(capacity=0), "event.capacity"),
        (lambda d: d["digest"].update(time="8 am"), "digest.time: expected HH:MM"),
        (lambda d: d["contact"].update(address="not an address"), "contact.address"),
        (lambda d: d["mailbox"].update(processed_folder="inbox"), "mailbox: mailbox.processed_folder must differ"),
        (lambda d: d["smtp"].update(backend="smtp", host="smtp.example.org", security="none"),
         "security: none is refused for non-loopback host"),
        (lambda d: d["survey"].update(require_authentication=True),
         "commands: trusted_authserv_ids is required by survey.require_authentication"),
        (lambda d: d["smtp"].update(first_contact_per_hour=0), "smtp.first_contact_per_hour"),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, change, expected: str) -> None:
    data = base_config(tmp_path)
    change(data)
    path = write_config(tmp_path, data)
    with pytest.raises(ConfigError) as err:
        config_mod.load(path)
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message
    assert expected in message


def test_security_none_allowed_on_loopback(tmp_path: Path) -> None:
    data = base_config(tmp_path)
    data["smtp"] = {"backend": "smtp", "host": "127.0.0.1", "port": 2525, "security": "none"}
    assert config_mod.load(write_config(tmp_path, data)).smtp.security == "none"


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
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["--config", str(path), "--now", "yesterday", "status"]) == 2
    assert "--now: not an ISO datetime" in capsys.readouterr().err


def test_relative_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    data = base_config(tmp_path)
    data["storage"] = {"path": "state/db.json"}
    cfg = config_mod.load(write_config(tmp_path, data))
    assert cfg.storage.path == tmp_path.resolve() / "state" / "db.json"


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
    assert main(["--config", str(write_config(tmp_path, data)), "check"]) == 0  # a warning, not a failure
    captured = capsys.readouterr()
    assert "config ok" in captured.out
    warnings = [line for line in captured.err.splitlines() if line.startswith("config warning:")]
    assert len(warnings) == 1 and "survey.require_authentication" in warnings[0]

    data["survey"]["require_authentication"] = True
    data["commands"] = {"trusted_authserv_ids": ["mx.callflow.example.org"]}
    assert main(["--config", str(write_config(tmp_path, data)), "check"]) == 0
    assert "warning" not in capsys.readouterr().err

    data["survey"] = {"senders": []}
    assert main(["--config", str(write_config(tmp_path, data)), "check"]) == 0
    assert "warning" not in capsys.readouterr().err
