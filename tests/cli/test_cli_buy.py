"""``didkit buy`` and ``didkit procure``: show, confirm, buy, report."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conftest import Connected, Invoker
    from typer.testing import Result

LA = ("--country", "US", "--city", "Los Angeles")


def _wavix_offers(didkit_cli: Invoker) -> list[dict[str, Any]]:
    result = didkit_cli("--sandbox", "--json", "search", *LA, "-p", "wavix")
    assert result.exit_code == 0, result.stderr
    offers: list[dict[str, Any]] = json.loads(result.stdout)
    return offers


def test_buy_offer_with_yes(didkit_cli: Invoker, connected: Connected) -> None:
    expected = _wavix_offers(didkit_cli)[1]
    result = didkit_cli("--sandbox", "buy", "-p", "wavix", "--offer", "2", *LA, "--reference", "r-1", "--yes")
    assert result.exit_code == 0, result.stderr
    assert expected["number"] in result.stdout
    assert "completed" in result.stdout
    assert connected.emulator("wavix").purchased_numbers() == [expected["number"]]


def test_buy_offer_json_prints_the_order(didkit_cli: Invoker, connected: Connected) -> None:
    result = didkit_cli("--sandbox", "--json", "buy", "-p", "wavix", "--offer", "1", *LA, "--reference", "r-1")
    assert result.exit_code == 0, result.stderr
    order = json.loads(result.stdout)  # --json never asks: nothing but the order on stdout
    assert order["provider"] == "wavix"
    assert order["status"] == "completed"
    assert order["numbers"][0]["number"] in connected.emulator("wavix").owned_numbers()
    assert set(order["total"]) == {"amount", "currency"}


def test_buy_specific_number(didkit_cli: Invoker, connected: Connected) -> None:
    number = _wavix_offers(didkit_cli)[3]["number"]
    result = didkit_cli("--sandbox", "--json", "buy", "-p", "wavix", "--number", number, "--reference", "r-2")
    assert result.exit_code == 0, result.stderr
    assert [did["number"] for did in json.loads(result.stdout)["numbers"]] == [number]
    assert connected.emulator("wavix").purchased_numbers() == [number]


def test_buy_asks_and_no_buys_nothing(
    didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str]
) -> None:
    result = didkit_cli("--sandbox", "buy", "-p", "wavix", "--offer", "1", *LA, "--reference", "r-3", input="n\n")
    assert result.exit_code == 1
    assert "Buy " in result.stderr
    assert "nothing was bought" in one_error_line(result)
    assert connected.emulator("wavix").purchased_numbers() == []


def test_buy_asks_and_yes_buys(didkit_cli: Invoker, connected: Connected) -> None:
    result = didkit_cli("--sandbox", "buy", "-p", "wavix", "--offer", "1", *LA, "--reference", "r-3", input="y\n")
    assert result.exit_code == 0, result.stderr
    assert len(connected.emulator("wavix").purchased_numbers()) == 1


def test_buy_from_didww_any_number_offer(didkit_cli: Invoker, connected: Connected) -> None:
    result = didkit_cli("--sandbox", "--json", "buy", "-p", "didww", "--offer", "1", *LA, "--reference", "r-4")
    assert result.exit_code == 0, result.stderr
    order = json.loads(result.stdout)
    assert order["reference"] == "r-4"
    assert order["numbers"][0]["number"] in connected.emulator("didww").owned_numbers()


def test_buy_offer_out_of_range(didkit_cli: Invoker, one_error_line: Callable[[Result], str]) -> None:
    result = didkit_cli("--sandbox", "buy", "-p", "wavix", "--offer", "999", *LA, "--reference", "r", "--yes")
    assert result.exit_code == 2
    assert "--offer 999" in one_error_line(result)


def test_buy_needs_number_or_offer(didkit_cli: Invoker, one_error_line: Callable[[Result], str]) -> None:
    neither = didkit_cli("--sandbox", "buy", "-p", "wavix", "--reference", "r")
    both = didkit_cli("--sandbox", "buy", "-p", "wavix", "--number", "+12135550100", "--offer", "1", "--reference", "r")
    assert neither.exit_code == both.exit_code == 2
    one_error_line(neither)
    one_error_line(both)


def test_buy_unavailable_number(
    didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str]
) -> None:
    result = didkit_cli("--sandbox", "buy", "-p", "wavix", "--number", "+12025550143", "--reference", "r", "--yes")
    assert result.exit_code == 1
    assert "not available" in one_error_line(result)
    assert connected.emulator("wavix").purchased_numbers() == []


def test_buy_malformed_number_sends_nothing(
    didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str]
) -> None:
    result = didkit_cli("--sandbox", "buy", "-p", "wavix", "--number", "+1 nope", "--reference", "r", "--yes")
    assert result.exit_code == 2
    one_error_line(result)
    assert connected.providers == {}


def test_procure_with_yes_shows_order_and_attempts(didkit_cli: Invoker, connected: Connected) -> None:
    result = didkit_cli("--sandbox", "procure", *LA, "-p", "wavix", "--reference", "p-1", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "purchased" in result.stdout
    assert "completed" in result.stdout
    assert len(connected.emulator("wavix").purchased_numbers()) == 1


def test_procure_json(didkit_cli: Invoker, connected: Connected) -> None:
    result = didkit_cli("--sandbox", "--json", "procure", *LA, "-p", "wavix", "--reference", "p-2")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["reference"] == "p-2"
    assert document["order"]["provider"] == "wavix"
    assert [attempt["outcome"] for attempt in document["attempts"]] == ["purchased"]
    assert document["attempts"][0]["offer"]["provider"] == "wavix"


def test_procure_fails_over_and_records_every_attempt(didkit_cli: Invoker, connected: Connected) -> None:
    def break_wavix_checkout(provider: Any) -> None:
        if provider.name == "wavix":
            provider.emulator.faults.inject("POST /v1/buy/cart/checkout", status=400, message="Number is not available")

    connected.on_connect = break_wavix_checkout
    result = didkit_cli(
        "--sandbox", "--json", "procure", *LA, "--strategy", "in_order", "-p", "wavix", "-p", "didww",
        "--reference", "p-3",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    attempts = json.loads(result.stdout)["attempts"]
    assert attempts[0]["provider"] == "wavix"
    assert attempts[0]["outcome"] == "failed"
    assert attempts[0]["error"]["message"]
    assert attempts[-1]["outcome"] == "purchased"
    purchased = sum(len(p.emulator.purchased_numbers()) for p in connected.providers.values())
    assert purchased == 1


def test_procure_asks_and_no_buys_nothing(
    didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str]
) -> None:
    result = didkit_cli("--sandbox", "procure", *LA, "--reference", "p-4", input="n\n")
    assert result.exit_code == 1
    assert "procure tries these offers" in result.stdout
    assert "nothing was bought" in one_error_line(result)
    assert all(p.emulator.purchased_numbers() == [] for p in connected.providers.values())


def test_procure_max_monthly_too_low(didkit_cli: Invoker, one_error_line: Callable[[Result], str]) -> None:
    result = didkit_cli("--sandbox", "procure", *LA, "--max-monthly", "0.01", "--reference", "p-5", "--yes")
    assert result.exit_code == 1
    one_error_line(result)


def test_procure_bad_price(didkit_cli: Invoker, one_error_line: Callable[[Result], str]) -> None:
    result = didkit_cli("--sandbox", "procure", *LA, "--max-monthly", "cheap", "--reference", "p-6", "--yes")
    assert result.exit_code == 2
    assert "--max-monthly" in one_error_line(result)


class _PricedProvider:
    """A provider with fixed offers in one currency, that records what it was asked to buy."""

    def __init__(self, name: str, currency: str, offers: list[tuple[str, str]]) -> None:
        from didkit import AvailableNumber, Money

        self.name = name
        self.offers = [
            AvailableNumber(
                provider=name,
                number=number,
                country="US" if number.startswith("+1") else "GB",
                setup_price=Money("0", currency),
                monthly_price=Money(monthly, currency),
            )
            for number, monthly in offers
        ]
        self.bought: list[str | None] = []

    def search_numbers(self, query: Any) -> Any:
        return iter(self.offers)

    def purchase(self, offer: Any, *, reference: str | None = None, wait: float = 60.0) -> Any:
        from didkit import DID, Order, OrderStatus

        self.bought.append(offer.number)
        did = DID(id="1", provider=self.name, number=offer.number)
        return Order(id="o-1", provider=self.name, status=OrderStatus.COMPLETED, reference=reference, numbers=(did,))


def test_the_procure_preview_is_the_order_procure_buys_in(
    didkit_cli: Invoker, monkeypatch: Any, one_error_line: Callable[[Result], str]
) -> None:
    """Offers in two currencies and a bare price cap: the preview lists what the broker tries first."""
    from didkit.cli._core import State

    usd = _PricedProvider("usd", "USD", [("+12135550101", "0.50"), ("+12135550102", "5"), ("+12135550103", "6")])
    gbp = _PricedProvider("gbp", "GBP", [("+442071234567", "0.80"), ("+442071234568", "0.90")])
    monkeypatch.setattr(State, "connect_all", lambda self, override=None: [usd, gbp])
    monkeypatch.setenv("COLUMNS", "200")
    args = ("procure", "--country", "US", "--max-monthly", "1.00", "--reference", "p-two-currencies")

    preview = didkit_cli(*args, input="n\n")
    assert preview.exit_code == 1
    assert "nothing was bought" in one_error_line(preview)
    shown = sorted(
        ("+442071234567", "+442071234568", "+12135550101"), key=lambda number: preview.stdout.index(number)
    )
    assert "+12135550102" not in preview.stdout  # over the cap

    bought = didkit_cli("--json", *args)
    assert bought.exit_code == 0, bought.stderr
    assert gbp.bought + usd.bought == [shown[0]]
    assert shown == ["+442071234567", "+442071234568", "+12135550101"]
