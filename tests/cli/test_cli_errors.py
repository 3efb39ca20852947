"""Errors: one line on stderr, exit status 2 for bad input, 1 for carrier failures, no traceback
unless -v; configuration and keys."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Connected, Invoker
    from typer.testing import Result

BAD_INPUT = [
    ("--sandbox", "search", "--country", "XX"),
    ("--sandbox", "search", "--country", "USA"),
    ("--sandbox", "search", "--country", "US", "--contains", "12a"),
    ("--sandbox", "search", "--country", "US", "--limit", "0"),
    ("--sandbox", "search", "--country", "US", "--type", "satellite"),
    ("--sandbox", "search"),
    ("--sandbox", "numbers", "show", "12345"),
    ("--sandbox", "numbers", "show", "not-a-number"),
    ("--sandbox", "-p", "nope", "numbers", "list"),
    ("--sandbox", "numbers", "list", "-p", "nope"),
    ("--sandbox", "nonsense"),
    ("--sandbox", "procure", "--country", "US", "--reference", "r", "--strategy", "random"),
    ("--sandbox", "sandbox", "serve", "--provider", "nope", "--port", "0"),
]


@pytest.mark.parametrize("args", BAD_INPUT, ids=lambda args: " ".join(args[1:]))
def test_bad_input_is_one_line_and_status_2(
    didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str], args: tuple[str, ...]
) -> None:
    result = didkit_cli(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    one_error_line(result)
    assert result.stdout == ""
    assert all(not provider.emulator.requests for provider in connected.providers.values())


def test_missing_key_outside_the_sandbox(didkit_cli: Invoker, one_error_line: Callable[[Result], str]) -> None:
    result = didkit_cli("-p", "wavix", "numbers", "list")
    assert result.exit_code == 2
    line = one_error_line(result)
    assert "WAVIX_API_KEY" in line
    assert "--sandbox" in line


def test_no_provider_configured(didkit_cli: Invoker, one_error_line: Callable[[Result], str]) -> None:
    result = didkit_cli("search", "--country", "US")
    assert result.exit_code == 2
    assert "no provider has an API key" in one_error_line(result)


def test_carrier_failure_is_status_1(
    didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str]
) -> None:
    connected.on_connect = lambda provider: provider.emulator.faults.inject("*", status=403, times=None)
    result = didkit_cli("--sandbox", "numbers", "list", "-p", "wavix")
    assert result.exit_code == 1
    assert one_error_line(result).startswith("error: wavix:")


def test_verbose_shows_the_traceback_and_debug_logs(didkit_cli: Invoker, connected: Connected) -> None:
    connected.on_connect = lambda provider: provider.emulator.faults.inject("*", status=403, times=None)
    result = didkit_cli("--sandbox", "-v", "numbers", "list", "-p", "wavix")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert "AuthenticationError" in result.stderr
    assert "DEBUG didkit" in result.stderr
    assert "sandbox-key" not in result.stderr  # the engine redacts the key in logs


def test_an_unexpected_exception_is_one_line(
    didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str]
) -> None:
    def explode(provider: Any) -> None:
        raise RuntimeError("boom")

    connected.on_connect = explode
    result = didkit_cli("--sandbox", "numbers", "list", "-p", "wavix")
    assert result.exit_code == 1
    assert "internal error" in one_error_line(result)


def _write_config(config_home: Path, text: str) -> Path:
    path = config_home / "didkit" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_malformed_config_file(
    didkit_cli: Invoker, isolated_env: Path, one_error_line: Callable[[Result], str]
) -> None:
    _write_config(isolated_env, "[providers.wavix\napi_key = 'k'\n")
    result = didkit_cli("numbers", "list")
    assert result.exit_code == 2
    assert "TOML" in one_error_line(result)


def test_config_file_named_by_env_must_exist(
    didkit_cli: Invoker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, one_error_line: Callable[[Result], str]
) -> None:
    monkeypatch.setenv("DIDKIT_CONFIG", str(tmp_path / "missing.toml"))
    result = didkit_cli("numbers", "list")
    assert result.exit_code == 2
    assert "missing.toml" in one_error_line(result)


def test_sandbox_ignores_a_broken_config_file(didkit_cli: Invoker, isolated_env: Path) -> None:
    _write_config(isolated_env, "not toml at all [")
    result = didkit_cli("--sandbox", "--json", "numbers", "list", "-p", "wavix")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)


def test_key_from_config_is_reported_never_printed(
    didkit_cli: Invoker, isolated_env: Path, connected: Connected
) -> None:
    # a config key selects the provider; the CLI connects (no request is made for 'providers')
    _write_config(isolated_env, '[providers.didww]\napi_key = "didww-secret-789"\ntimeout = 5\n')
    result = didkit_cli("--json", "providers", "-p", "didww")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["key_source"] == "config"
    assert "didww-secret-789" not in result.stdout + result.stderr
