"""``didkit numbers route-sms``: inbound SMS to webhooks, on every carrier, the same way."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Connected, Invoker
    from typer.testing import Result


def _first(didkit_cli: Invoker, provider: str) -> str:
    result = didkit_cli("--sandbox", "--json", "numbers", "list")
    assert result.exit_code == 0, result.stderr
    owned: list[dict[str, Any]] = json.loads(result.stdout)
    return next(str(did["number"]) for did in owned if did["provider"] == provider)


@pytest.mark.parametrize("provider", ["wavix", "didww"])
def test_route_sms_to_a_webhook(didkit_cli: Invoker, provider: str) -> None:
    number = _first(didkit_cli, provider)
    result = didkit_cli("--sandbox", "--json", "numbers", "route-sms", number, "--webhook", "https://example.com/sms")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["messaging"] == [
        {"kind": "webhook", "target": "https://example.com/sms", "priority": 1}
    ]


def test_route_sms_with_failover_and_the_table(didkit_cli: Invoker) -> None:
    number = _first(didkit_cli, "didww")
    result = didkit_cli(
        "--sandbox", "numbers", "route-sms", number, "--webhook", "https://a.example/sms", "--webhook",
        "https://b.example/sms",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "https://a.example/sms > https://b.example/sms" in " ".join(result.stdout.split())


def test_route_sms_clear(didkit_cli: Invoker) -> None:
    number = _first(didkit_cli, "wavix")
    result = didkit_cli("--sandbox", "--json", "numbers", "route-sms", number, "--clear")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["messaging"] == []


@pytest.mark.parametrize(
    "args",
    [
        ["--webhook", "http://plain.example/sms"],
        ["--webhook", "ftp://example.com"],
        [],
        ["--clear", "--webhook", "https://a.example/sms"],
    ],
)
def test_route_sms_bad_input_sends_nothing(
    didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str], args: list[str]
) -> None:
    result = didkit_cli("--sandbox", "numbers", "route-sms", "+13105550100", *args)
    assert result.exit_code == 2
    one_error_line(result)
    assert connected.providers == {}


def test_several_webhooks_on_wavix_is_one_clear_line(
    didkit_cli: Invoker, one_error_line: Callable[[Result], str]
) -> None:
    number = _first(didkit_cli, "wavix")
    result = didkit_cli(
        "--sandbox", "numbers", "route-sms", number, "--webhook", "https://a.example/sms", "--webhook",
        "https://b.example/sms",
    )  # fmt: skip
    assert result.exit_code != 0
    assert "one messaging route" in one_error_line(result)
