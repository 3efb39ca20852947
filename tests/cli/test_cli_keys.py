"""A malformed API key stops the CLI with one line that does not show it, before any request."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Connected, Invoker
    from typer.testing import Result


@pytest.mark.parametrize("key", ["sk_live_SECRET\x01x", "sk_live_SÉCRET", "sk_live\nSECRET", " \n "])
@pytest.mark.parametrize("carrier", ["wavix", "didww"])
def test_a_malformed_key_in_the_environment(
    didkit_cli: Invoker,
    connected: Connected,
    one_error_line: Callable[[Result], str],
    monkeypatch: pytest.MonkeyPatch,
    carrier: str,
    key: str,
) -> None:
    monkeypatch.setenv(f"{carrier.upper()}_API_KEY", key)
    result = didkit_cli("numbers", "list", "-p", carrier)
    assert result.exit_code == 2
    line = one_error_line(result)
    assert "API key" in line and carrier in line and f"{carrier.upper()}_API_KEY" in line  # says where to look
    assert "SECRET" not in result.stdout + result.stderr and "SÉCRET" not in result.stdout + result.stderr
    assert connected.providers == {}  # refused while connecting: nothing was sent


def test_a_malformed_key_in_the_configuration_file(
    didkit_cli: Invoker, isolated_env: Path, one_error_line: Callable[[Result], str]
) -> None:
    path = isolated_env / "didkit" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[providers.didww]\napi_key = "sk_live_\\u0007SECRET"\n')
    result = didkit_cli("numbers", "list", "-p", "didww")
    assert result.exit_code == 2
    line = one_error_line(result)
    assert "providers.didww" in line and "control character" in line
    assert "SECRET" not in result.stdout + result.stderr
