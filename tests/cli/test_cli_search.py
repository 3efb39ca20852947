"""``didkit search``: one table across providers, cheapest first, progress off stdout."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import Connected, Invoker
    from typer.testing import Result


LA = ("--country", "US", "--city", "Los Angeles")


def _cost(offer: dict[str, Any]) -> Decimal:
    setup = Decimal(offer["setup_price"]["amount"]) if offer["setup_price"] else Decimal(0)
    return setup + 12 * Decimal(offer["monthly_price"]["amount"])


def test_search_table(didkit_cli: Invoker) -> None:
    result = didkit_cli("--sandbox", "search", *LA)
    assert result.exit_code == 0, result.stderr
    header = result.stdout.splitlines()
    assert any(all(word in line for word in ("provider", "number", "setup", "monthly")) for line in header)
    assert "wavix" in result.stdout
    assert "didww" in result.stdout
    assert "any in Los Angeles" in result.stdout  # a DIDWW "any number from this group" offer
    assert "+1213" in result.stdout  # a specific Wavix number


def test_search_json_is_cheapest_first_with_domain_fields(didkit_cli: Invoker) -> None:
    result = didkit_cli("--sandbox", "--json", "search", *LA)
    assert result.exit_code == 0, result.stderr
    offers = json.loads(result.stdout)
    assert offers
    first = offers[0]
    for field in ("provider", "number", "city", "number_type", "setup_price", "monthly_price", "requires_documents"):
        assert field in first
    assert set(first["monthly_price"]) == {"amount", "currency"}
    assert isinstance(first["monthly_price"]["amount"], str)
    costs = [_cost(offer) for offer in offers if offer["monthly_price"]]
    assert costs == sorted(costs)


def test_search_offer_positions_are_per_provider(didkit_cli: Invoker) -> None:
    result = didkit_cli("--sandbox", "--json", "search", *LA)
    offers = json.loads(result.stdout)
    for provider in {offer["provider"] for offer in offers}:
        positions = [offer["offer"] for offer in offers if offer["provider"] == provider]
        assert positions == list(range(1, len(positions) + 1))


def test_search_filters(didkit_cli: Invoker) -> None:
    result = didkit_cli(
        "--sandbox", "--json", "search", "--country", "US", "--sms", "--type", "local", "--limit", "2", "-p", "wavix"
    )
    assert result.exit_code == 0, result.stderr
    offers = json.loads(result.stdout)
    assert 0 < len(offers) <= 2
    assert all(o["provider"] == "wavix" and "sms" in o["capabilities"] for o in offers)


def test_global_provider_option(didkit_cli: Invoker) -> None:
    result = didkit_cli("--sandbox", "--json", "-p", "didww", "search", *LA)
    assert result.exit_code == 0, result.stderr
    assert {offer["provider"] for offer in json.loads(result.stdout)} == {"didww"}


def test_progress_goes_to_stderr_not_stdout(didkit_cli: Invoker) -> None:
    table = didkit_cli("--sandbox", "search", *LA)
    assert "offers in" in table.stderr
    assert "offers in" not in table.stdout

    machine = didkit_cli("--sandbox", "--json", "search", *LA)
    json.loads(machine.stdout)  # nothing but JSON on stdout


def test_a_failing_provider_gets_a_warning_line(didkit_cli: Invoker, connected: Connected) -> None:
    def break_didww(provider: Any) -> None:
        if provider.name == "didww":
            provider.emulator.faults.inject("*", status=401, times=None)

    connected.on_connect = break_didww
    result = didkit_cli("--sandbox", "--json", "search", *LA)
    assert result.exit_code == 0
    offers = json.loads(result.stdout)
    assert offers
    assert {offer["provider"] for offer in offers} == {"wavix"}
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1
    assert warnings[0].startswith("warning: didww:")


def test_every_provider_failing_fails(
    didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str]
) -> None:
    connected.on_connect = lambda provider: provider.emulator.faults.inject("*", status=401, times=None)
    result = didkit_cli("--sandbox", "search", *LA)
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "wavix:" in line and "didww:" in line  # one line naming each failure


def test_no_offers(didkit_cli: Invoker) -> None:
    result = didkit_cli("--sandbox", "--json", "search", *LA, "--contains", "9999999")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == []


# -- places a carrier does not know: one answer, whatever the command -----------------------------------


def test_an_unknown_region_fails_search_and_coverage_alike(
    didkit_cli: Invoker, one_error_line: Callable[[Result], str]
) -> None:
    lines = []
    for command in (("search",), ("coverage", "cities")):
        result = didkit_cli("--sandbox", *command, "--country", "US", "--region", "Narnia")
        assert result.exit_code == 2, (command, result.stderr)
        line = one_error_line(result)
        assert "wavix: no region 'Narnia' in US" in line and "didww: no region 'Narnia' in US" in line
        lines.append(line)
    assert lines[0] == lines[1]
    for command in (("search",), ("coverage", "cities")):
        alone = didkit_cli("--sandbox", *command, "-p", "didww", "--country", "US", "--region", "Narnia")
        assert alone.exit_code == 2
        assert one_error_line(alone).startswith("error: didww: no region 'Narnia' in US")
    bought = didkit_cli("--sandbox", "procure", "--country", "US", "--region", "Narnia", "--reference", "r", "--yes")
    assert bought.exit_code == 2
    assert "no region 'Narnia' in US" in one_error_line(bought)


def test_an_unknown_city_fails_with_the_close_matches(
    didkit_cli: Invoker, one_error_line: Callable[[Result], str]
) -> None:
    result = didkit_cli("--sandbox", "search", "--country", "US", "--city", "Los Angelos")
    assert result.exit_code == 2
    line = one_error_line(result)
    assert "didww: no city 'Los Angelos' in US (did you mean 'Los Angeles'?)" in line
    assert "wavix: no city 'Los Angelos' in US (did you mean 'LOS ANGELES, CA'?)" in line


def test_a_region_only_one_carrier_knows_warns_about_the_other(didkit_cli: Invoker) -> None:
    regions = json.loads(didkit_cli("--sandbox", "--json", "coverage", "regions", "--country", "US").stdout)
    texas = next(r["id"] for r in regions if r["provider"] == "wavix" and r["name"] == "Texas")  # Wavix's own id
    for command in (("search",), ("coverage", "cities")):
        result = didkit_cli("--sandbox", "--json", *command, "--country", "US", "--region", texas)
        assert result.exit_code == 0, result.stderr
        assert {item["provider"] for item in json.loads(result.stdout)} == {"wavix"}
        warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
        assert warnings == [f"warning: didww: no region '{texas}' in US (6 regions known there, none close)"]


def test_bad_query_is_rejected_before_any_request(
    didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str]
) -> None:
    result = didkit_cli("--sandbox", "search", "--country", "US", "--prefix", "21x")
    assert result.exit_code == 2
    assert "prefix" in one_error_line(result)
    assert all(not provider.emulator.requests for provider in connected.providers.values())


def test_search_warns_when_a_provider_search_is_degraded(didkit_cli: Invoker, connected: Any) -> None:
    def deny(provider: Any) -> None:
        if provider.name == "didww":
            provider.emulator.deny_available_dids()

    connected.on_connect = deny
    result = didkit_cli("--sandbox", "search", "--country", "US", "--city", "Los Angeles", "--prefix", "213")
    assert result.exit_code == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "may not list specific numbers" in line]
    assert line.startswith("warning: didww: ")
    assert "wavix" not in line
