"""The layering the README describes, checked on every run: Qt only in `gui` and `app`, SQL
only in `store`, and cli > app > gui > services > store > core (the contracts live in
pyproject.toml under [tool.importlinter])."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=600)


def test_import_contracts_hold():
    result = _run("-c", "import sys; from importlinter.cli import lint_imports; "
                        "sys.exit(lint_imports(no_cache=True, no_logo=True))")
    assert "BROKEN" not in result.stdout and result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("KEPT") >= 6, result.stdout  # none was dropped from the configuration


def test_ruff_finds_nothing():
    """The rules chosen in [tool.ruff] (E, F, W, B, UP, SIM, RUF at 120 columns) hold everywhere."""
    result = _run("-m", "ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_no_type_error():
    """The packages listed in [tool.mypy] `files` type-check cleanly."""
    result = _run("-m", "mypy", "--cache-dir", "/dev/null" if sys.platform != "win32" else "nul")
    assert result.returncode == 0 and "Success" in result.stdout, result.stdout + result.stderr
