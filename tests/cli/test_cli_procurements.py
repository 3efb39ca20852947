"""The CLI and the procurement ledger: one reference buys once across runs and processes;
``didkit procurements list|show|forget``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from conftest import Invoker

from didkit.ledger import Intent, new_holder, open_ledger

LA = ("--country", "US", "--city", "Los Angeles")


def _emulator(name: str) -> Any:
    (point,) = [ep for ep in entry_points(group="didkit.emulators") if ep.name == name]
    if name == "didww":
        return point.load()(seed=0, order_pending_polls=0)  # orders complete at once: no polling pause
    return point.load()(seed=0)


@pytest.fixture(scope="module")
def _servers() -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    emulators = {name: _emulator(name) for name in ("wavix", "didww")}
    running = {name: emulator.serve(port=0) for name, emulator in emulators.items()}
    try:
        yield emulators, {"wavix": running["wavix"].url, "didww": running["didww"].url + "/v3"}
    finally:
        for server in running.values():
            server.close()


@pytest.fixture
def served(
    _servers: tuple[dict[str, Any], dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """Both emulators served on loopback (fresh books), and a config file pointing every run at
    them: a carrier whose books outlive each CLI run."""
    emulators, urls = _servers
    for emulator in emulators.values():
        emulator.reset()
    config = tmp_path / "config.toml"
    config.write_text("".join(f'[providers.{name}]\napi_key = "k"\nbase_url = "{url}"\n' for name, url in urls.items()))
    monkeypatch.setenv("DIDKIT_CONFIG", str(config))
    return emulators


def _bought(result: Any) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [did["number"] for did in json.loads(result.stdout)["order"]["numbers"]]


@pytest.mark.parametrize("carrier", ["wavix", "didww"])
def test_two_runs_with_one_reference_buy_once(didkit_cli: Invoker, served: dict[str, Any], carrier: str) -> None:
    args = ("--json", "-p", carrier, "procure", *LA, "--reference", "same-ref-99", "--yes")
    first = _bought(didkit_cli(*args))
    second = _bought(didkit_cli(*args))
    assert first == second and len(first) == 1
    assert served[carrier].purchased_numbers() == first  # the carrier's own books: one purchase


@pytest.mark.parametrize("carrier", ["wavix", "didww"])
def test_buy_with_a_reference_buys_once(didkit_cli: Invoker, served: dict[str, Any], carrier: str) -> None:
    args = ("--json", "buy", "-p", carrier, *LA, "--offer", "1", "--reference", "buy-ref", "--yes")
    first = didkit_cli(*args)
    assert first.exit_code == 0, first.stderr
    second = didkit_cli(*args[:-5], "--offer", "2", "--reference", "buy-ref", "--yes")
    assert second.exit_code == 0, second.stderr
    assert json.loads(first.stdout)["id"] == json.loads(second.stdout)["id"]
    assert len(served[carrier].purchased_numbers()) == 1


def test_two_processes_with_one_reference_buy_once(served: dict[str, Any], tmp_path: Path) -> None:
    env = dict(os.environ, DIDKIT_LEDGER=str(tmp_path / "shared.sqlite3"))
    env.pop("WAVIX_API_KEY", None)
    env.pop("DIDWW_API_KEY", None)
    command = [sys.executable, "-m", "didkit.cli", "--json", "procure", *LA, "--reference", "proc-ref", "--yes"]
    numbers = []
    for carrier in ("wavix", "didww"):
        for _ in range(2):
            done = subprocess.run(
                [*command[:3], "-p", carrier, *command[3:]], capture_output=True, text=True, env=env, timeout=60
            )
            assert done.returncode == 0, done.stderr
            numbers.append(json.loads(done.stdout)["order"]["numbers"][0]["number"])
        env["DIDKIT_LEDGER"] = str(tmp_path / "second.sqlite3")
    assert numbers[0] == numbers[1] and numbers[2] == numbers[3]
    assert served["wavix"].purchased_numbers() == [numbers[0]]
    assert served["didww"].purchased_numbers() == [numbers[2]]


def test_list_show_and_forget(didkit_cli: Invoker, served: dict[str, Any]) -> None:
    bought = _bought(didkit_cli("--json", "-p", "wavix", "procure", *LA, "--reference", "listed", "--yes"))
    ledger = open_ledger()
    holder = new_holder()
    ledger.claim("stuck", holder)
    offer = ledger.get("listed").intent.offer
    ledger.record_intent("stuck", holder, Intent("wavix", offer, 1, ledger.now()))
    ledger.record_outcome("stuck", holder, "unknown", note="checkout timed out")
    ledger.release("stuck", holder)

    listed = didkit_cli("procurements", "list")
    assert listed.exit_code == 0, listed.stderr
    lines = [line for line in listed.stdout.splitlines() if "listed" in line or "stuck" in line]
    assert [("stuck" in line, "listed" in line) for line in lines] == [(True, False), (False, True)]
    assert "UNRESOLVED" in lines[0] and f"is {offer.number} among the wavix account's numbers?" in listed.stdout
    assert bought[0] in lines[1]
    assert "1 unresolved" in listed.stderr

    as_json = json.loads(didkit_cli("--json", "procurements", "list").stdout)
    assert [(e["reference"], e["state"], e["unresolved"]) for e in as_json] == [
        ("stuck", "unknown", True),
        ("listed", "bought", False),
    ]
    shown = didkit_cli("procurements", "show", "listed")
    assert shown.exit_code == 0 and bought[0] in shown.stdout and "purchased" in shown.stdout

    declined = didkit_cli("procurements", "forget", "stuck", input="n\n")
    assert declined.exit_code == 1 and "among the wavix account's numbers" in declined.stderr
    assert open_ledger().get("stuck") is not None
    accepted = didkit_cli("procurements", "forget", "stuck", input="y\n")
    assert accepted.exit_code == 0 and open_ledger().get("stuck") is None
    assert didkit_cli("procurements", "forget", "listed", "--yes").exit_code == 0
    assert open_ledger().entries() == []
    missing = didkit_cli("procurements", "show", "nope")
    assert missing.exit_code == 2 and "no procurement under reference 'nope'" in missing.stderr


def test_an_unreachable_ledger_is_one_clear_line(
    didkit_cli: Invoker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("DIDKIT_LEDGER", str(tmp_path / "file" / "ledger.sqlite3"))
    result = didkit_cli("--sandbox", "-p", "wavix", "procure", *LA, "--reference", "r", "--yes")
    assert result.exit_code == 1
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert "unreachable" in line and "nothing was bought" in line
    assert "Traceback" not in result.stderr


def test_sandbox_runs_keep_a_ledger_of_their_own(
    didkit_cli: Invoker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DIDKIT_LEDGER")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    args = ("--sandbox", "--json", "-p", "wavix", "procure", *LA, "--reference", "order-1", "--yes")
    first = _bought(didkit_cli(*args))
    assert _bought(didkit_cli(*args)) == first  # a fresh emulator world, and still bought once
    folder = tmp_path / "state" / "didkit"
    assert sorted(p.name for p in folder.glob("*.sqlite3")) == ["procurements-sandbox.sqlite3"]
    assert json.loads(didkit_cli("--json", "procurements", "list").stdout) == []
    sandboxed = json.loads(didkit_cli("--sandbox", "--json", "procurements", "list").stdout)
    assert [(e["reference"], e["numbers"]) for e in sandboxed] == [("order-1", first)]


def test_one_ledger_for_both_never_lets_a_sandbox_purchase_answer_for_a_real_one(
    didkit_cli: Invoker, served: dict[str, Any]
) -> None:
    """$DIDKIT_LEDGER names one file for every run: a reference bought from the sandbox is
    refused by a run on carriers (here the served emulators, which didkit takes for carriers)."""
    sandboxed = ("--sandbox", "--json", "-p", "wavix", "procure", *LA, "--reference", "shared-ref", "--yes")
    first = _bought(didkit_cli(*sandboxed))
    listed = json.loads(didkit_cli("--json", "procurements", "list").stdout)
    assert [(e["reference"], e["sandbox"]) for e in listed] == [("shared-ref", True)]
    assert "bought (sandbox)" in didkit_cli("procurements", "list").stdout

    real = didkit_cli("-p", "wavix", "procure", *LA, "--reference", "shared-ref", "--yes")
    assert real.exit_code == 2
    line = real.stderr.strip().splitlines()[-1]
    assert "'shared-ref' was procured from the sandbox" in line and "another reference" in line
    assert served["wavix"].purchased_numbers() == []  # nothing bought, nothing answered with make-believe
    assert first  # the sandbox run did buy (in its own emulator)
