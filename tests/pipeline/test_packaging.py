"""The wheel is what an organiser installs: built by the real build backend, unpacked outside the
repository and run from a directory with no config.yaml, it must carry everything callflow needs —
templates, rules, the example config (the repository's own config.yaml, not a copy) and the starter."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.paths import REPO
from workflow import config as config_mod

SOURCES = ("pyproject.toml", "README.md", "config.yaml", "workflow", "templates", "mailbox_rules", "languages")


def _run(args: list[str], cwd: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CALLFLOW_CONFIG", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)  # ahead of the editable install: the unpacked wheel is imported
    return subprocess.run([sys.executable, "-m", "workflow", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=240)


def test_an_installed_wheel_tours_initialises_and_checks_from_anywhere(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(REPO / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
                            str(source)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("callflow-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    # The example ships as the very file at the top of the repository.
    assert (site / "workflow" / "example" / "config.yaml").read_bytes() == (REPO / "config.yaml").read_bytes()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    demo = _run(["demo"], elsewhere, site)
    assert demo.returncode == 0, demo.stderr
    assert "read 5 mails (1 of them a second delivery, acted on once); queued 2 answers" in demo.stdout
    assert list(elsewhere.iterdir()) == []

    assert _run(["init", "call"], elsewhere, site).returncode == 0
    check = _run(["--config", "call/config.yaml", "check"], elsewhere, site)
    assert check.returncode == 0, check.stderr
    # Rules (and templates) came from the installed package, not from this checkout.
    assert f"rules in {site.resolve() / 'workflow' / 'mailbox_rules'}" in check.stdout
    once = _run(["--config", "call/config.yaml", "run", "--once"], elsewhere, site)
    assert once.returncode == 0 and "handled 0 message(s)" in once.stdout, once.stderr


def test_in_a_checkout_the_example_is_the_top_level_config() -> None:
    assert config_mod.example_config() == REPO / "config.yaml"
    assert not list((REPO / "workflow").rglob("config.yaml"))  # no second copy to drift
