"""pytest plugin used by scripts/test.sh: any skipped test (or skipped module) fails the run.

The integration tests must run against real servers in CI; a test that quietly skips because Dovecot or
a package is missing would let a broken setup pass. Loaded only with ``-p tests.forbid_skips`` so a
developer can still skip locally. Expected failures (xfail) are not skips and stay allowed.
"""

from __future__ import annotations

import pytest

_skipped: list[str] = []


def _record(report: pytest.CollectReport | pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _skipped.append(f"{report.nodeid}: {reason}")


def pytest_collectreport(report: pytest.CollectReport) -> None:
    _record(report)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _record(report)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _skipped:
        terminalreporter.section("skipped tests are not allowed (tests/forbid_skips.py)", red=True)
        for line in _skipped:
            terminalreporter.write_line(line)
