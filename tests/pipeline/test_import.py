"""`callflow import`: survey exports become applications, idempotently, by response ID."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from tests.cfg import base_config, write_config
from tests.maildir import outgoing
from workflow.cli import main


def eusurvey_xlsx(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Working group meeting: expression of interest"])
    sheet.append(["Export date: 2022-03-11"])
    sheet.append([])
    sheet.append(["Contribution ID", "Name", "Email address", "Organisation", "Why do you want to take part?"])
    for row in rows:
        sheet.append([*row, "I lead a\nprobation team"])
    book.save(path)


def run(args: list[str], capsys) -> str:
    capsys.readouterr()
    assert main(args) == 0
    return capsys.readouterr().out


def test_xlsx_import_is_idempotent_and_a_longer_export_adds_only_new(tmp_path: Path, capsys) -> None:
    cfg = write_config(tmp_path, base_config(tmp_path))
    base = ["--config", str(cfg), "--now", "2022-03-05T10:00"]
    export = tmp_path / "export.xlsx"
    people = [("c-1", "Ana Silva", "ana@example.org", "Probation PT"), ("c-2", "Bo Lind", "BO@example.se", "Exit SE")]
    eusurvey_xlsx(export, people)
    out = run([*base, "import", str(export)], capsys)
    assert "2 row(s): 2 new, 0 updated, 0 unchanged, 0 skipped; 2 acknowledgement(s) queued" in out
    out = run([*base, "import", str(export)], capsys)
    assert "0 new, 0 updated, 2 unchanged" in out

    eusurvey_xlsx(export, [*people, ("c-3", "Cy Wong", "not-an-address", "X"), ("c-4", "Di Ek", "di@example.org", "Y")])
    capsys.readouterr()
    assert main([*base, "import", str(export)]) == 0
    captured = capsys.readouterr()
    assert "1 new, 0 updated, 2 unchanged, 1 skipped" in captured.out
    assert "export.xlsx row 7" in captured.err and "not a valid address" in captured.err

    rows = json.loads(run([*base, "applicants", "--json"], capsys))
    assert sorted(r["email"] for r in rows) == ["ana@example.org", "bo@example.se", "di@example.org"]
    ana = next(r for r in rows if r["email"] == "ana@example.org")
    assert ana["state"] == "applied" and ana["fields"]["organisation"] == "Probation PT"
    assert ana["extra"]["Why do you want to take part?"] == "I lead a\nprobation team"

    # The acknowledgements go to the applicants, once each.
    run([*base, "outbox", "send"], capsys)
    assert len(outgoing(tmp_path)) == 3


def test_csv_import_dry_run_and_late_submissions(tmp_path: Path, capsys) -> None:
    cfg = write_config(tmp_path, base_config(tmp_path))
    base = ["--config", str(cfg), "--now", "2022-03-12T10:00"]
    export = tmp_path / "responses.csv"
    export.write_text(
        "Response ID;Full name;E-mail;Date submitted\n"
        "17;Eva Nowak;eva@example.pl;2022-03-09 18:00\n"
        "18;Finn Berg;finn@example.no;2022-03-11 09:00\n",
        encoding="utf-8",
    )
    out = run([*base, "import", "--dry-run", str(export)], capsys)
    assert out.startswith("would import") and "2 new" in out
    assert json.loads(run([*base, "applicants", "--json"], capsys)) == []
    run([*base, "import", "--no-ack", str(export)], capsys)
    rows = {r["email"]: r for r in json.loads(run([*base, "applicants", "--json"], capsys))}
    assert "late" not in rows["eva@example.pl"]["flags"]
    assert "late" in rows["finn@example.no"]["flags"]
    assert json.loads(run([*base, "outbox", "list", "--json"], capsys)) == []


def test_import_errors_are_one_line(tmp_path: Path, capsys) -> None:
    cfg = write_config(tmp_path, base_config(tmp_path))
    assert main(["--config", str(cfg), "import", str(tmp_path / "missing.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "export.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    assert main(["--config", str(cfg), "import", str(bad)]) == 2
    assert "unsupported export type" in capsys.readouterr().err
