"""`callflow classify FILE… --json`: what the classify stage makes of mail files, printed in the
SPEC's shape, without touching the state."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests import paths
from tests import robot_notices as notices
from tests.cfg import base_config, write_config
from workflow.cli import main

DATA = paths.DATA / "classify"


def _first_labelled() -> str:
    with open(DATA / "labels.tsv", encoding="utf-8") as fh:
        return next(csv.DictReader(fh, delimiter="\t"))["file"]


def test_classify_cli_json_shape(tmp_path: Path, capsys) -> None:
    cfg = write_config(tmp_path, base_config(tmp_path))
    files = [str(DATA / "auto-sieve-vacation-rfc3834.eml"), str(DATA / _first_labelled())]
    assert main(["--config", str(cfg), "classify", "--json", *files]) == 0
    out = json.loads(capsys.readouterr().out)
    assert isinstance(out, list) and len(out) == 2
    for obj in out:
        assert {"file", "kind", "automatic", "reply_allowed", "intent", "applicant", "bounced_recipients",
                "rule"} <= set(obj)
        assert set(obj["applicant"]) == {"email", "name"}
    assert out[0]["kind"] == "auto_reply" and out[0]["reply_allowed"] is False and out[0]["automatic"] is True
    assert not (tmp_path / "state.json").exists()  # no state touched
    assert main(["--config", str(cfg), "classify", str(tmp_path / "missing.eml")]) == 2


def test_classify_json_for_prose_bounces_and_list_notices(tmp_path: Path, capsys) -> None:
    cfg = write_config(tmp_path, base_config(tmp_path))
    chosen = [notices.PROSE_BOUNCES[1], notices.LIST_NOTICES[0], notices.NEWSLETTERS[1], notices.PEOPLE[0]]
    files = []
    for index, sample in enumerate(chosen):
        path = tmp_path / f"{index}.eml"
        path.write_bytes(sample.raw)
        files.append(str(path))
    assert main(["--config", str(cfg), "classify", "--json", *files]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(o["kind"], o["reply_allowed"]) for o in out] == [
        ("bounce", False), ("list", False), ("list", False), ("applicant_message", True)
    ]
    assert out[0]["bounced_recipients"] == ["lena.vogel@example.de"]
