"""Progress on stderr while a command waits: a spinner saying what it waits for, only on a
terminal and never with --json; and one carrier that is down does not block the others."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

import pytest
from rich.console import Console

from didkit.cli import _output

if TYPE_CHECKING:
    from conftest import Connected, Invoker

LA = ("--country", "US", "--city", "Los Angeles")


class Terminal:
    """stderr as a terminal; ``said``: every message the spinner line showed, in order (the
    spinner redraws at its own pace, so the messages are taken as they are given to it)."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.messages: list[str] = []

    def console(self) -> Console:
        return Console(file=self.buffer, force_terminal=True, force_interactive=True, width=200, color_system=None)

    @property
    def said(self) -> str:
        return "\n".join(self.messages)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    screen = Terminal()
    monkeypatch.setattr(_output, "err", screen.console)
    enter, update = _output.Activity.__enter__, _output.Activity.update

    def entering(self: _output.Activity) -> _output.Activity:
        entered = enter(self)
        if self.live:
            screen.messages.append(self.message)
        return entered

    def updating(self: _output.Activity, message: str) -> None:
        update(self, message)
        if self.live:
            screen.messages.append(message)

    monkeypatch.setattr(_output.Activity, "__enter__", entering)
    monkeypatch.setattr(_output.Activity, "update", updating)
    return screen


def test_buy_says_it_waits_for_the_asynchronous_order(didkit_cli: Invoker, terminal: Terminal) -> None:
    result = didkit_cli(
        "--sandbox", "buy", "-p", "didww", "--offer", "1", *LA, "--reference", "progress-b-1", "--yes", "--wait", "60"
    )
    assert result.exit_code == 0, result.stderr
    assert "Searching didww…" in terminal.said
    assert "Buying any in Los Angeles from didww (an asynchronous order: waiting up to 60 s" in terminal.said


def test_buy_by_number_says_it_looks_for_the_number(didkit_cli: Invoker, terminal: Terminal) -> None:
    offers = json.loads(didkit_cli("--sandbox", "--json", "search", *LA, "-p", "wavix", "--limit", "1").stdout)
    number = offers[0]["number"]
    result = didkit_cli("--sandbox", "buy", "-p", "wavix", "--number", number, "--reference", "progress-b-2", "--yes")
    assert result.exit_code == 0, result.stderr
    assert f"Looking for {number} at wavix…" in terminal.said
    assert f"Buying {number} from wavix…" in terminal.said


def test_procure_says_what_it_buys_after_the_search(
    didkit_cli: Invoker, connected: Connected, terminal: Terminal
) -> None:
    def break_wavix_checkout(provider: Any) -> None:
        if provider.name == "wavix":
            provider.emulator.faults.inject("POST /v1/buy/cart/checkout", status=400, message="Number is not available")

    connected.on_connect = break_wavix_checkout
    result = didkit_cli(
        "--sandbox", "procure", *LA, "--strategy", "in_order", "-p", "wavix", "-p", "didww",
        "--reference", "progress-p-1", "--yes",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    said = terminal.said
    assert "Searching wavix, didww…" in said
    assert "Ranking the offers of wavix, didww…" in said
    buying = [line for line in said.splitlines() if line.startswith("Buying")]
    assert len(buying) == 2
    first = buying[0].split()[1]
    assert buying[0] == f"Buying {first} from wavix…"
    assert buying[1].endswith(f"from wavix ({first} from wavix failed: NumberUnavailableError)…")  # says what failed
    assert said.index("Ranking") < said.index("Buying")


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (("numbers", "list"), "Listing numbers on didww, wavix…"),
        (("coverage", "countries"), "Listing countries on didww, wavix…"),
        (("coverage", "regions", "--country", "US"), "Listing regions of US on didww, wavix…"),
        (("coverage", "cities", "--country", "US"), "Listing cities of US on didww, wavix…"),
    ],
)
def test_listing_commands_show_who_they_wait_for(
    didkit_cli: Invoker, terminal: Terminal, command: tuple[str, ...], message: str
) -> None:
    result = didkit_cli("--sandbox", *command)
    assert result.exit_code == 0, result.stderr
    assert message in terminal.said
    assert "answered)" in terminal.said
    assert message in terminal.buffer.getvalue()  # drawn on the terminal


def test_numbers_show_says_it_looks_for_the_number(didkit_cli: Invoker, terminal: Terminal) -> None:
    number = json.loads(didkit_cli("--sandbox", "--json", "numbers", "list").stdout)[0]["number"]
    result = didkit_cli("--sandbox", "numbers", "show", number)
    assert result.exit_code == 0, result.stderr
    assert f"Looking for {number} on didww, wavix…" in terminal.said


@pytest.mark.parametrize(
    "command",
    [
        ("search", *LA),
        ("numbers", "list"),
        ("coverage", "countries"),
        ("procure", *LA, "--reference", "progress-p-2"),
        ("buy", "-p", "didww", "--offer", "1", *LA, "--reference", "progress-b-3"),
    ],
)
def test_no_spinner_in_json_mode(didkit_cli: Invoker, terminal: Terminal, command: tuple[str, ...]) -> None:
    result = didkit_cli("--sandbox", "--json", *command)
    assert result.exit_code == 0, result.stderr
    json.loads(result.stdout)
    assert terminal.said == ""
    assert terminal.buffer.getvalue() == ""


def test_no_spinner_off_a_terminal(didkit_cli: Invoker) -> None:
    result = didkit_cli("--sandbox", "numbers", "list")
    assert result.exit_code == 0
    assert "Listing" not in result.stderr
    search = didkit_cli("--sandbox", "search", *LA, "-p", "didww", "--limit", "1")
    assert "didww: 1 offer in" in search.stderr  # one line per provider instead, in good English


def test_numbers_show_answers_when_another_carrier_is_down(didkit_cli: Invoker, connected: Connected) -> None:
    wavix_number = next(
        did["number"]
        for did in json.loads(didkit_cli("--sandbox", "--json", "numbers", "list").stdout)
        if did["provider"] == "wavix"
    )

    def cut_didww(provider: Any) -> None:
        if provider.name == "didww":
            provider.emulator.faults.inject("*", drop=True, times=None)

    connected.on_connect = cut_didww
    result = didkit_cli("--sandbox", "numbers", "show", wavix_number)
    assert result.exit_code == 0, result.stderr
    assert wavix_number in result.stdout
    assert "warning: didww:" in result.stderr

    missing = didkit_cli("--sandbox", "numbers", "show", "+12025550199")
    assert missing.exit_code == 1
    assert "+12025550199 is not owned on wavix (didww could not be asked)" in missing.stderr


def test_numbers_route_works_when_another_carrier_is_down(didkit_cli: Invoker, connected: Connected) -> None:
    wavix_number = next(
        did["number"]
        for did in json.loads(didkit_cli("--sandbox", "--json", "numbers", "list").stdout)
        if did["provider"] == "wavix"
    )

    def break_didww(provider: Any) -> None:
        if provider.name == "didww":
            provider.emulator.faults.inject("*", status=503, times=None)

    connected.on_connect = break_didww
    result = didkit_cli("--sandbox", "--json", "numbers", "route", wavix_number, "--sip", "sip:pbx@example.com")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["destinations"][0]["target"] == "sip:pbx@example.com"


def test_procure_narrates_reconciliation_calls(terminal: Terminal) -> None:
    from didkit.cli._search import _Narrator
    from didkit.testing import sandbox_provider

    with sandbox_provider("wavix") as wavix, _output.Activity("Searching…") as activity:
        narrated = _Narrator(activity, "ref-9").watch(wavix)
        owned = wavix.emulator.owned_numbers()[0]
        assert narrated.get_number(owned).number == owned
        assert narrated.name == "wavix" and narrated.capabilities is wavix.capabilities  # the rest passes through
    assert terminal.messages == ["Searching…", "Reconciling reference ref-9 with wavix…"]
