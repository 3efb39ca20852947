"""Fixtures of the CLI tests: an isolated environment, an in-process runner, and a hook on the
providers a command connects (to inspect or break their emulators)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner, Result

from didkit.cli import app
from didkit.cli._core import State


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No keys, no configuration file: tests see only what they set up."""
    for name in ("WAVIX_API_KEY", "DIDWW_API_KEY", "DIDKIT_CONFIG", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    config_home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    return config_home


@pytest.fixture(scope="session", autouse=True)
def _one_click_command() -> Iterator[None]:
    """typer's runner rebuilds the click command from the app on every invoke (about 15 ms, some
    250 times a run); the app does not change during the tests, so it is built once."""
    import typer.testing

    command = get_command(app)
    build = typer.testing._get_command

    def cached(typer_app: typer.Typer) -> Any:
        return command if typer_app is app else build(typer_app)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", cached)  # raises if typer renames it: then drop this
        yield


class Invoker:
    """Runs ``didkit`` in-process and returns the result (stdout and stderr apart)."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, columns: int | None = None) -> Result:
        """``columns``: the terminal width (``COLUMNS``), as rich reads it."""
        env = {"COLUMNS": str(columns)} if columns is not None else None
        return self.runner.invoke(app, list(args), input=input, env=env)


@pytest.fixture
def didkit_cli() -> Invoker:
    return Invoker()


class Connected:
    """Every provider a command connected, by name; ``on_connect`` runs on each right after."""

    def __init__(self) -> None:
        self.providers: dict[str, Any] = {}
        self.on_connect: Callable[[Any], None] | None = None

    def emulator(self, name: str) -> Any:
        return self.providers[name].emulator


@pytest.fixture
def connected(monkeypatch: pytest.MonkeyPatch) -> Connected:
    record = Connected()
    original = State.connect

    def connect(self: State, name: str) -> Any:
        fresh = name not in self._connected
        provider = original(self, name)
        if fresh:
            record.providers[name] = provider
            if record.on_connect is not None:
                record.on_connect(provider)
        return provider

    monkeypatch.setattr(State, "connect", connect)
    return record


@pytest.fixture
def one_error_line() -> Callable[[Result], str]:
    return _one_error_line


def _one_error_line(result: Result) -> str:
    """The single ``error:`` line a failing command printed (and that there is no traceback)."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]
