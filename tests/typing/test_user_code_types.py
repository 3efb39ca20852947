"""User code type-checks under ``mypy --strict`` (and runs): sandbox providers expose ``.emulator``,
providers close (``close``/``aclose``/context managers), and the testing fixtures are typed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import user_code  # this folder is on sys.path (pytest rootdir-relative "prepend" imports)

from didkit.testing import SandboxFactory, SandboxNumberProvider

HERE = Path(__file__).parent


def test_user_code_passes_mypy_strict(tmp_path: Path) -> None:
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--cache-dir",
            str(tmp_path / "cache"),
            str(HERE / "user_code.py"),
        ],
        cwd=tmp_path,  # away from the checkout: didkit is found as users find it, installed with py.typed
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success" in done.stdout


def test_user_code_runs() -> None:
    bought, name, countries = user_code.run_all()
    assert len(bought) == 2 and bought[0] == bought[1]
    assert name == "didww"
    assert countries > 0


def test_fixtures_have_the_documented_types(
    didkit_sandbox: SandboxFactory, wavix_sandbox: SandboxNumberProvider
) -> None:
    assert user_code.fixtures_as_a_user_annotates_them(didkit_sandbox, wavix_sandbox)
