"""``didkit buy --quantity``, ``procure --count`` and ``hold`` / ``holds list|release`` on the sandboxes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from didkit import SearchQuery

if TYPE_CHECKING:
    from conftest import Connected, Invoker

LA = ("--country", "US", "--city", "Los Angeles")


def _didww_number(didkit_cli: Invoker) -> str:
    result = didkit_cli("--sandbox", "--json", "search", *LA, "-p", "didww", "--contains", "213")
    assert result.exit_code == 0, result.stderr
    number: str = json.loads(result.stdout)[0]["number"]
    return number


def test_buy_quantity_is_one_order_for_n_numbers(didkit_cli: Invoker, connected: Connected) -> None:
    result = didkit_cli(
        "--sandbox", "buy", "-p", "didww", "--offer", "1", *LA, "--quantity", "3", "--reference", "q", "--yes"
    )
    assert result.exit_code == 0, result.stderr
    assert "3 of 3 numbers arrived" in result.stdout
    assert len(connected.emulator("didww").purchased_numbers()) == 3


def test_buy_quantity_of_a_specific_number_is_refused(didkit_cli: Invoker, connected: Connected) -> None:
    number = _didww_number(didkit_cli)
    result = didkit_cli(
        "--sandbox", "buy", "-p", "didww", "--number", number, "--quantity", "2", "--reference", "q", "--yes"
    )
    assert result.exit_code == 2
    assert "one specific number" in result.stderr
    assert connected.emulator("didww").purchased_numbers() == []


def test_procure_count_fills_n(didkit_cli: Invoker, connected: Connected) -> None:
    result = didkit_cli("--sandbox", "--json", "procure", *LA, "--reference", "c", "--count", "5")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    bought = sum(len(e.purchased_numbers()) for e in (connected.emulator(n) for n in connected.providers))
    assert bought == 5
    assert sum(len(order["numbers"]) for order in document["orders"]) == 5
    assert document["order"] == document["orders"][0]


def test_hold_then_list_and_release(didkit_cli: Invoker, connected: Connected) -> None:
    number = _didww_number(didkit_cli)
    result = didkit_cli("--sandbox", "--json", "hold", "-p", "didww", "--number", number)
    assert result.exit_code == 0, result.stderr
    held = json.loads(result.stdout)
    assert held["offer"]["number"] == number and held["expires_at"]
    assert connected.emulator("didww").held_numbers() == [number]

    def hold_two(provider: Any) -> None:
        if provider.name == "didww":
            offers = [o for o in provider.search_numbers(SearchQuery(country="US", contains="213")) if o.number]
            for offer in offers[:2]:
                provider.hold(offer)

    connected.on_connect = hold_two
    listed = didkit_cli("--sandbox", "holds", "list")
    assert listed.exit_code == 0, listed.stderr
    assert "2 holds" in listed.stderr and "didww" in listed.stdout
    released = didkit_cli("--sandbox", "--json", "holds", "release", "all", "-p", "didww")
    assert released.exit_code == 0, released.stderr
    assert len(json.loads(released.stdout)["released"]) == 2
    assert connected.emulator("didww").held_numbers() == []
    unknown = didkit_cli("--sandbox", "holds", "release", "nope", "-p", "didww")
    assert unknown.exit_code == 2 and "no hold nope" in unknown.stderr


def test_wavix_cannot_hold(didkit_cli: Invoker) -> None:
    result = didkit_cli("--sandbox", "hold", "-p", "wavix", "--number", "+12135550123")
    assert result.exit_code == 2
    assert "cannot hold" in result.stderr
