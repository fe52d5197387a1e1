"""Fixtures the stage tests share: a complete config written from the SPEC and an empty store,
both in the test's own temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cfg import make_config
from workflow.config import Config
from workflow.store import Store


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "state.json")
