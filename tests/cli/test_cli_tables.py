"""Tables at 60, 80 and 120 columns: a price, a number or an offer index is never cut; less
important columns are dropped (or folded) first, and no line is wider than the terminal."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from rich.console import Console

from didkit.cli._output import Col, money, show, table
from didkit.model import Money

if TYPE_CHECKING:
    from conftest import Invoker

LA = ("--country", "US", "--city", "Los Angeles")
WIDTHS = (60, 80, 120)


def _price(value: dict[str, str] | None) -> str:
    return money(Money(Decimal(value["amount"]), value["currency"]) if value else None)


def _rows(stdout: str, providers: set[str]) -> list[list[str]]:
    """The first line of every table row, split into cells (cells are 3+ spaces apart)."""
    rows = []
    for line in stdout.splitlines():
        cells = re.split(r" {3,}", line.strip())
        if cells[0] in providers:
            rows.append(cells)
    return rows


def _header(stdout: str) -> list[str]:
    line = next(line for line in stdout.splitlines() if line.strip().startswith("provider"))
    return re.split(r" {3,}", line.strip())


@pytest.mark.parametrize("width", WIDTHS)
def test_search_table_never_cuts_a_price_a_number_or_an_index(didkit_cli: Invoker, width: int) -> None:
    offers = json.loads(didkit_cli("--sandbox", "--json", "search", *LA).stdout)
    result = didkit_cli("--sandbox", "search", *LA, columns=width)
    assert result.exit_code == 0, result.stderr
    assert all(len(line) <= width for line in result.stdout.splitlines()), result.stdout
    header = _header(result.stdout)
    assert header[:3] == ["provider", "#", "number"]
    assert {"setup", "monthly"} <= set(header)
    assert set(header) <= {"provider", "#", "number", "city", "type", "setup", "monthly", "per-minute", "channels",
                           "documents"}  # every header whole
    rows = _rows(result.stdout, {"wavix", "didww"})
    assert len(rows) == len(offers)
    for cells, offer in zip(rows, offers, strict=True):
        assert cells[0] == offer["provider"]
        assert cells[1] == str(offer["offer"])  # the '#' that buy --offer takes
        assert cells[2] == (offer["number"] or f"any in {offer['city']}")
        assert cells[header.index("setup")] == _price(offer["setup_price"])
        assert cells[header.index("monthly")] == _price(offer["monthly_price"])
        if "per-minute" in header:
            assert cells[header.index("per-minute")] == _price(offer["per_minute_price"])


def test_search_table_keeps_less_important_columns_when_there_is_room(didkit_cli: Invoker) -> None:
    narrow = _header(didkit_cli("--sandbox", "search", *LA, columns=60).stdout)
    wide = _header(didkit_cli("--sandbox", "search", *LA, columns=120).stdout)
    assert len(narrow) < len(wide)
    assert "channels" not in narrow
    assert wide == [
        *("provider", "#", "number", "city", "type"),
        *("setup", "monthly", "per-minute", "channels", "documents"),
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_numbers_list_never_cuts_a_number_or_a_price(didkit_cli: Invoker, width: int) -> None:
    dids = json.loads(didkit_cli("--sandbox", "--json", "numbers", "list").stdout)
    result = didkit_cli("--sandbox", "numbers", "list", columns=width)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= width for line in lines), result.stdout
    assert len(lines) <= 3 * len(dids) + 4  # folded cells take a few lines, not one per two characters
    header = _header(result.stdout)
    rows = _rows(result.stdout, {"wavix", "didww"})
    assert len(rows) == len(dids)
    for cells, did in zip(rows, dids, strict=True):
        assert cells[:2] == [did["provider"], did["number"]]
        assert cells[header.index("monthly")] == _price(did["monthly_price"])


@pytest.mark.parametrize("width", WIDTHS)
def test_procure_preview_and_attempts_keep_their_columns(didkit_cli: Invoker, width: int) -> None:
    result = didkit_cli("--sandbox", "procure", *LA, "--reference", f"tables-{width}", "--yes", columns=width)
    assert result.exit_code == 0, result.stderr
    assert all(len(line) <= width for line in result.stdout.splitlines()), result.stdout
    attempts = [cells for cells in _rows(result.stdout, {"wavix", "didww"}) if "purchased" in cells]
    assert len(attempts) == 1
    assert attempts[0][2] == "$0.90"  # the monthly price, whole


def test_number_details_keep_the_number_whole_at_60_columns(didkit_cli: Invoker) -> None:
    number = json.loads(didkit_cli("--sandbox", "--json", "numbers", "list").stdout)[0]["number"]
    result = didkit_cli("--sandbox", "numbers", "show", number, columns=60)
    assert result.exit_code == 0, result.stderr
    assert re.search(rf"^ number +{re.escape(number)} *$", result.stdout, re.M)
    assert all(len(line) <= 60 for line in result.stdout.splitlines())


def _render(columns: tuple[Col, ...], rows: list[tuple[str, ...]], width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    show(table(columns, rows, width=width), console)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def test_columns_go_in_their_drop_order_and_come_back_when_they_fit() -> None:
    columns = (
        Col("number", whole=True),
        Col("wide", drop=2),
        Col("minor", whole=True, drop=1),
        Col("price", whole=True, right=True),
    )
    rows = [("+12135550101", "x" * 40, "m", "$10.99")]
    roomy = _render(columns, rows, 200)
    assert all(name in roomy for name in ("wide", "minor"))
    squeezed = _render(columns, rows, 32)  # 'wide' cannot fit at its floor; 'minor' (dropped first) comes back
    assert "wide" not in squeezed and "minor" in squeezed
    assert "+12135550101" in squeezed and "$10.99" in squeezed


def test_whole_cells_are_printed_in_full_even_when_nothing_fits() -> None:
    columns = (Col("number", whole=True), Col("price", whole=True), Col("note", drop=1))
    output = _render(columns, [("+442071234567", "1234.56 GBP", "dropped")], 20)
    assert "+442071234567" in output and "1234.56 GBP" in output
    assert "dropped" not in output


def test_foldable_columns_share_the_room_above_their_floors() -> None:
    columns = (Col("a"), Col("b"), Col("c", floor=20))
    rows: list[tuple[str, ...]] = [("a" * 50, "b" * 50, "c" * 50)]
    output = _render(columns, rows, 70)
    first = next(line for line in output.splitlines() if "aaa" in line)
    widths = [len(cell) for cell in re.split(r" {3,}", first.strip())]
    assert widths[2] >= 20 and min(widths[:2]) >= 12
    assert max(len(line) for line in output.splitlines()) <= 70


