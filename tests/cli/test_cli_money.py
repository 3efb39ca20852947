"""Price caps on the command line go through Money: a currency that is not ISO 4217 is bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Connected, Invoker
    from typer.testing import Result

LA = ("--country", "US", "--city", "Los Angeles")


@pytest.mark.parametrize("option", ["--max-monthly", "--max-setup"])
@pytest.mark.parametrize("cap", ["1.50 XYZ", "1.50 US", "1.50/EURO"])
def test_a_cap_in_an_unknown_currency_exits_2_before_any_search(
    didkit_cli: Invoker, connected: Connected, one_error_line: Callable[[Result], str], option: str, cap: str
) -> None:
    result = didkit_cli("--sandbox", "procure", *LA, option, cap, "--reference", "p-7", "--yes")
    assert result.exit_code == 2
    line = one_error_line(result)
    assert option in line and "ISO 4217" in line
    assert connected.providers == {}  # stopped before connecting, so before any search


def test_a_cap_in_an_iso_currency_is_taken(didkit_cli: Invoker, connected: Connected) -> None:
    result = didkit_cli("--sandbox", "procure", *LA, "--max-monthly", "1.50 eur", "--reference", "p-8", "--yes")
    assert result.exit_code == 1  # every sandbox offer is in USD: none fits a cap in EUR
    assert "ISO 4217" not in result.stderr
    assert connected.providers  # it got as far as searching
