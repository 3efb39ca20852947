"""``didkit numbers``: list, show, route, set, release."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Connected, Invoker
    from typer.testing import Result


def _owned(didkit_cli: Invoker) -> list[dict[str, Any]]:
    result = didkit_cli("--sandbox", "--json", "numbers", "list")
    assert result.exit_code == 0, result.stderr
    dids: list[dict[str, Any]] = json.loads(result.stdout)
    return dids


def _first(didkit_cli: Invoker, provider: str) -> str:
    number: str = next(did["number"] for did in _owned(didkit_cli) if did["provider"] == provider)
    return number


def test_list_shows_every_provider_in_one_table(didkit_cli: Invoker) -> None:
    numbers = {did["number"]: did["provider"] for did in _owned(didkit_cli)}
    result = didkit_cli("--sandbox", "numbers", "list")
    assert result.exit_code == 0, result.stderr
    assert set(numbers.values()) == {"wavix", "didww"}
    for number in numbers:
        assert number in result.stdout


def test_list_json_fields(didkit_cli: Invoker) -> None:
    did = _owned(didkit_cli)[0]
    for field in ("id", "provider", "number", "status", "destinations", "monthly_price", "expires_at", "label"):
        assert field in did
    assert did["number"].startswith("+")
    assert "raw" not in did


def test_list_one_provider(didkit_cli: Invoker) -> None:
    result = didkit_cli("--sandbox", "--json", "numbers", "list", "-p", "didww")
    assert {did["provider"] for did in json.loads(result.stdout)} == {"didww"}


@pytest.mark.parametrize("provider", ["wavix", "didww"])
def test_show_finds_the_owner(didkit_cli: Invoker, provider: str) -> None:
    number = _first(didkit_cli, provider)
    table = didkit_cli("--sandbox", "numbers", "show", number)
    as_json = didkit_cli("--sandbox", "--json", "numbers", "show", number)
    assert table.exit_code == 0, table.stderr
    assert number in table.stdout
    assert provider in table.stdout
    assert json.loads(as_json.stdout)["provider"] == provider


def test_show_unknown_number(didkit_cli: Invoker, one_error_line: Callable[[Result], str]) -> None:
    result = didkit_cli("--sandbox", "numbers", "show", "+12025550143")
    assert result.exit_code == 1
    assert "+12025550143" in one_error_line(result)


@pytest.mark.parametrize("provider", ["wavix", "didww"])
def test_route_keeps_the_order_given_across_kinds(didkit_cli: Invoker, provider: str) -> None:
    number = _first(didkit_cli, provider)
    result = didkit_cli(
        "--sandbox", "--json", "numbers", "route", number,
        "--pstn", "+14155550100", "--sip", "sip:pbx@example.com", "--sip=sip:backup@example.net",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    destinations = sorted(json.loads(result.stdout)["destinations"], key=lambda d: d["priority"])
    assert [(d["kind"], d["priority"]) for d in destinations] == [("pstn", 1), ("sip_uri", 2), ("sip_uri", 3)]
    assert destinations[0]["target"] == "+14155550100"
    assert destinations[1]["target"] == "sip:pbx@example.com"
    assert destinations[2]["target"] == "sip:backup@example.net"


def test_route_table(didkit_cli: Invoker) -> None:
    number = _first(didkit_cli, "wavix")
    result = didkit_cli("--sandbox", "numbers", "route", number, "--sip", "sip:pbx@example.com")
    assert result.exit_code == 0, result.stderr
    assert "sip:pbx@example.com" in result.stdout


@pytest.mark.parametrize(
    "option",
    [("--sip", "http://example.com"), ("--pstn", "+1555"), ("--sip", "sip:pbx@")],
)
def test_route_rejects_bad_destinations_before_any_request(
    didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str], option: tuple[str, str]
) -> None:
    result = didkit_cli("--sandbox", "numbers", "route", "+13105550100", "--sip", "sip:ok@example.com", *option)
    assert result.exit_code == 2
    one_error_line(result)
    assert connected.providers == {}


def test_route_needs_a_destination(didkit_cli: Invoker, one_error_line: Callable[[Result], str]) -> None:
    result = didkit_cli("--sandbox", "numbers", "route", "+13105550100")
    assert result.exit_code == 2
    one_error_line(result)


def test_set_label_on_didww(didkit_cli: Invoker) -> None:
    number = _first(didkit_cli, "didww")
    result = didkit_cli("--sandbox", "--json", "numbers", "set", number, "--label", "night line")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["label"] == "night line"


def test_set_label_on_wavix_is_unsupported(didkit_cli: Invoker, one_error_line: Callable[[Result], str]) -> None:
    number = _first(didkit_cli, "wavix")
    result = didkit_cli("--sandbox", "numbers", "set", number, "--label", "night line")
    assert result.exit_code == 2
    assert "label" in one_error_line(result).lower()


def test_set_sms_webhook_on_wavix(didkit_cli: Invoker) -> None:
    number = _first(didkit_cli, "wavix")
    result = didkit_cli("--sandbox", "--json", "numbers", "set", number, "--sms-webhook", "https://example.com/sms")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["messaging"] == [
        {"kind": "webhook", "target": "https://example.com/sms", "priority": 1}
    ]


def test_set_needs_a_change(didkit_cli: Invoker, one_error_line: Callable[[Result], str]) -> None:
    result = didkit_cli("--sandbox", "numbers", "set", "+13105550100")
    assert result.exit_code == 2
    one_error_line(result)


def test_set_bad_webhook(didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str]) -> None:
    result = didkit_cli("--sandbox", "numbers", "set", "+13105550100", "--sms-webhook", "ftp://example.com")
    assert result.exit_code == 2
    one_error_line(result)
    assert connected.providers == {}


def test_release_asks_and_no_keeps_the_number(
    didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str]
) -> None:
    number = _first(didkit_cli, "wavix")
    result = didkit_cli("--sandbox", "numbers", "release", number, input="n\n")
    assert result.exit_code == 1
    assert "nothing was released" in one_error_line(result)
    assert number in connected.emulator("wavix").owned_numbers()


def test_release_wavix_at_once(didkit_cli: Invoker, connected: Connected) -> None:
    number = _first(didkit_cli, "wavix")
    result = didkit_cli("--sandbox", "numbers", "release", number, "--yes")
    assert result.exit_code == 0, result.stderr
    assert f"released {number}" in result.stdout
    assert number not in connected.emulator("wavix").owned_numbers()


def test_release_didww_stops_renewal(didkit_cli: Invoker) -> None:
    number = _first(didkit_cli, "didww")
    result = didkit_cli("--sandbox", "--json", "numbers", "release", number)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["number"] == number
    assert document["immediate"] is False


def test_list_filters_mean_the_same_on_every_provider(didkit_cli: Invoker) -> None:
    every = _owned(didkit_cli)
    result = didkit_cli(
        "--sandbox", "--json", "numbers", "list", "--country", "us", "--status", "active", "--capability", "sms"
    )
    assert result.exit_code == 0, result.stderr
    got = json.loads(result.stdout)
    expected = [
        d["number"] for d in every if d["country"] == "US" and d["status"] == "active" and "sms" in d["capabilities"]
    ]
    assert [d["number"] for d in got] == expected
    assert {d["provider"] for d in got} == {"wavix", "didww"}
    contains = json.loads(didkit_cli("--sandbox", "--json", "numbers", "list", "--contains", "1212").stdout)
    assert contains and all(d["number"].startswith("+1212") for d in contains)


def test_list_carrier_filters_need_one_provider(didkit_cli: Invoker, one_error_line: Callable[[Result], str]) -> None:
    result = didkit_cli("--sandbox", "numbers", "list", "--filter", "label_present=true")
    assert result.exit_code == 2
    assert "--provider" in one_error_line(result)
    ok = didkit_cli("--sandbox", "--json", "numbers", "list", "-p", "wavix", "--filter", "label_present=true")
    assert ok.exit_code == 0, ok.stderr
    assert [d["label"] for d in json.loads(ok.stdout)] and all(d["label"] for d in json.loads(ok.stdout))
    bad = didkit_cli("--sandbox", "numbers", "list", "-p", "wavix", "--filter", "colour=blue")
    assert bad.exit_code == 2
    assert "label_present" in one_error_line(bad)  # names the known filters


@pytest.mark.parametrize("args", [["--status", "sleeping"], ["--country", "USA"], ["--filter", "nameless"]])
def test_list_bad_filters_exit_2(
    didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str], args: list[str]
) -> None:
    result = didkit_cli("--sandbox", "numbers", "list", *args)
    assert result.exit_code == 2
    one_error_line(result)
    assert connected.providers == {}


def test_set_renewal_fields_and_clear_label_on_didww(didkit_cli: Invoker) -> None:
    number = _first(didkit_cli, "didww")
    result = didkit_cli(
        "--sandbox", "--json", "numbers", "set", number, "--no-auto-renew", "--field", "capacity_limit=4",
        "--clear-label",
    )
    assert result.exit_code == 0, result.stderr
    did = json.loads(result.stdout)
    assert (did["auto_renew"], did["label"], did["status"]) == (False, None, "releasing")


def test_set_carrier_field_on_wavix(didkit_cli: Invoker, one_error_line: Callable[[Result], str]) -> None:
    number = _first(didkit_cli, "wavix")
    ok = didkit_cli("--sandbox", "numbers", "set", number, "--field", "call_recording_enabled=true")
    assert ok.exit_code == 0, ok.stderr
    renew = didkit_cli("--sandbox", "numbers", "set", number, "--auto-renew")
    assert renew.exit_code == 2
    assert "renewal" in one_error_line(renew)


def test_route_to_a_url_is_refused_where_the_carrier_cannot(
    didkit_cli: Invoker, one_error_line: Callable[[Result], str]
) -> None:
    number = _first(didkit_cli, "didww")
    result = didkit_cli("--sandbox", "numbers", "route", number, "--url", "https://calls.example.com/voice")
    assert result.exit_code == 2
    assert "url" in one_error_line(result)
