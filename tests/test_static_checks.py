"""Static checks run with the tests, so CI enforces them: Ruff with its security rules (S)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean_including_the_security_rules():
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run(  # noqa: S603 — a fixed command on the project's own files
        [str(ruff), "check", "--no-cache", "advocate", "tests"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_security_rules_are_selected():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "S" in config["tool"]["ruff"]["lint"]["select"]
