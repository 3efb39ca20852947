"""``python -m didkit.cli`` as a real process: streams, exit statuses, start-up, ``sandbox serve``."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import httpx
import pytest


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "didkit.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env if env is not None else dict(os.environ),
    )


def test_json_numbers_list() -> None:
    done = run("--sandbox", "--json", "numbers", "list")
    assert done.returncode == 0, done.stderr
    dids = json.loads(done.stdout)
    assert {did["provider"] for did in dids} == {"wavix", "didww"}
    assert "Traceback" not in done.stderr


def test_search_progress_stays_on_stderr() -> None:
    done = run("--sandbox", "search", "--country", "US", "--city", "Los Angeles")
    assert done.returncode == 0, done.stderr
    assert "offers in" in done.stderr
    assert "offers in" not in done.stdout
    assert "monthly" in done.stdout

    machine = run("--sandbox", "--json", "search", "--country", "US", "--city", "Los Angeles")
    assert isinstance(json.loads(machine.stdout), list)


@pytest.mark.parametrize(
    "args",
    [
        ("--sandbox", "search", "--country", "ZZ"),
        ("--sandbox", "numbers", "route", "+13105550100", "--sip", "not a uri"),
        ("--sandbox", "-p", "nope", "numbers", "list"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: tuple[str, ...]) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")


def test_missing_key_exits_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("WAVIX_API_KEY", "DIDWW_API_KEY", "DIDKIT_CONFIG")}
    env["XDG_CONFIG_HOME"] = str(tmp_path)
    done = run("numbers", "list", env=env)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1


def test_declining_buys_nothing() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "didkit.cli", "--sandbox", "buy", "-p", "wavix", "--offer", "1", "--country", "US",
         "--reference", "r-1"],
        input="n\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "nothing was bought" in done.stderr
    assert "order" not in done.stdout


def test_help_loads_nothing_heavy() -> None:
    probe = (
        "import sys; from didkit.cli import app; "
        "from typer.main import get_command; "
        "code = get_command(app).main(['--help'], prog_name='didkit', standalone_mode=False); "
        "heavy = sorted(m for m in ('didkit.broker', 'didkit_wavix', 'didkit_didww', 'phonenumbers', 'httpx') "
        "if m in sys.modules); "
        "print(repr((code, heavy)), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "(0, [])"

    help_run = run("--help")  # its start-up time is measured by benchmarks/bench_startup.py, not here
    assert help_run.returncode == 0
    assert "search" in help_run.stdout


def _wait_for(url: str, headers: dict[str, str], deadline: float) -> httpx.Response:
    while True:
        try:
            return httpx.get(url, headers=headers, timeout=1.0)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.mark.parametrize(
    ("provider", "path", "headers"),
    [
        ("wavix", "/v1/profile/countries", {"Authorization": "Bearer any"}),
        ("didww", "/countries", {"Api-Key": "any", "Accept": "application/vnd.api+json"}),
    ],
)
def test_sandbox_serve_answers_on_loopback(provider: str, path: str, headers: dict[str, str]) -> None:
    # Port 0: the system picks a free port (a port picked here first could be taken by a parallel
    # test before the server binds it); the server prints the one it got.
    process = subprocess.Popen(
        [sys.executable, "-m", "didkit.cli", "sandbox", "serve", "--provider", provider, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        served = re.fullmatch(r"http://127\.0\.0\.1:(\d+)" + ("/v3" if provider == "didww" else ""), base_url)
        assert served, base_url
        port = int(served.group(1))
        assert port > 0
        state = _wait_for(f"http://127.0.0.1:{port}/_sandbox/state", {}, time.monotonic() + 5)
        assert state.json()["name"] == provider
        answer = httpx.get(base_url + path, headers=headers, timeout=2.0)
        assert answer.status_code < 500
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=5)
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 0


def test_sandbox_serve_port_in_use() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run("sandbox", "serve", "--provider", "wavix", "--port", str(port), timeout=10)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: cannot listen")


@pytest.fixture
def served_wavix() -> Iterator[str]:
    (point,) = [ep for ep in entry_points(group="didkit.emulators") if ep.name == "wavix"]
    emulator: Any = point.load()(seed=0)
    served = emulator.serve(port=0)
    try:
        yield str(served.url)
    finally:
        served.close()


def test_config_file_points_at_a_served_emulator(served_wavix: str, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[providers.wavix]\napi_key = "from-the-config-file"\nbase_url = "{served_wavix}"\n')
    env = {k: v for k, v in os.environ.items() if k not in ("WAVIX_API_KEY", "DIDWW_API_KEY")}
    env["DIDKIT_CONFIG"] = str(config)

    done = run("--json", "numbers", "list", env=env)  # no --sandbox, no -p: wavix is the one with a key

    assert done.returncode == 0, done.stderr
    dids = json.loads(done.stdout)
    assert dids
    assert {did["provider"] for did in dids} == {"wavix"}
    assert "from-the-config-file" not in done.stdout + done.stderr


def test_sandbox_serve_json_first_line() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "didkit.cli", "--json", "sandbox", "serve", "--provider", "didww", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        document = json.loads(process.stdout.readline())
        assert document["provider"] == "didww"
        assert document["base_url"] == f"http://127.0.0.1:{document['port']}/v3"
        assert document["seed"] == 0
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=5)
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 0


def test_python_dash_m_didkit_is_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "didkit", "--sandbox", "--json", "providers"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert {entry["provider"] for entry in json.loads(done.stdout)} == {"wavix", "didww"}
    usage = subprocess.run([sys.executable, "-m", "didkit", "--help"], capture_output=True, text=True, timeout=60)
    assert usage.stdout.startswith("Usage: didkit ")
