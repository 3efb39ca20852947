"""The provider surface is declared once (``NumberProvider``); the async protocol, the ``SURFACE``
table and the generic providers' shells are generated from it by ``tools/surface.py`` (cog)."""

from __future__ import annotations

import asyncio
import inspect
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cogapp import Cog

import didkit
from didkit import AvailableNumber, Hold, InvalidInputError, Order, OrderStatus, ResponseFormatError, SearchQuery
from didkit.adapter import AsyncProvider, SyncProvider
from didkit.ledger import MemoryLedger
from didkit.protocol import SURFACE, AsyncNumberProvider, NumberProvider

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ("didkit/protocol.py", "didkit/_providers.py")


def run_cog(*arguments: str, cwd: Path) -> int:
    cog = Cog()
    return cog.main(["cog", "-I", str(cwd / "tools"), *arguments])


def test_the_generated_regions_match_the_protocol() -> None:
    assert run_cog("--check", *(str(ROOT / path) for path in GENERATED), cwd=ROOT) == 0


@pytest.fixture
def surface_module(tmp_path: Path) -> Iterator[Any]:
    """A copy of the checkout's generator and generated files, to change the protocol in."""
    for path in (*GENERATED, "tools/surface.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, tmp_path / path)
    sys.path.insert(0, str(tmp_path / "tools"))
    saved = sys.modules.pop("surface", None)
    try:
        import surface

        surface.PROTOCOL = tmp_path / "didkit" / "protocol.py"
        yield surface
    finally:
        sys.path.remove(str(tmp_path / "tools"))
        sys.modules.pop("surface", None)
        if saved is not None:
            sys.modules["surface"] = saved


def test_a_protocol_change_without_regeneration_fails_the_check_and_regeneration_carries_it(
    tmp_path: Path, surface_module: Any
) -> None:
    protocol = tmp_path / "didkit" / "protocol.py"
    text = protocol.read_text()
    before = "    def get_order(self, order_id: str) -> Order:"
    assert before in text
    after = "    def get_order(self, order_id: str, *, fresh: bool = False) -> Order:"
    protocol.write_text(text.replace(before, after))
    files = [str(tmp_path / path) for path in GENERATED]
    assert run_cog("--check", *files, cwd=tmp_path) != 0
    assert run_cog("-r", *files, cwd=tmp_path) == 0
    regenerated = (tmp_path / "didkit" / "_providers.py").read_text()
    assert "def get_order(self, order_id: str, *, fresh: bool = False) -> Order:" in regenerated
    assert "async def get_order(self, order_id: str, *, fresh: bool = False) -> Order:" in regenerated
    assert "return self._call(self._plan_get_order(order_id, fresh=fresh))" in regenerated
    assert "async def get_order(self, order_id: str, *, fresh: bool = False) -> Order: ..." in protocol.read_text()
    assert run_cog("--check", *files, cwd=tmp_path) == 0


def _operations(cls: type) -> set[str]:
    return {name for name in SURFACE if callable(getattr(cls, name, None))}


def test_every_declared_operation_has_both_shells_and_an_async_twin_with_the_same_parameters() -> None:
    assert set(SURFACE) == _operations(NumberProvider) == _operations(AsyncNumberProvider)
    assert {"list_holds", "purchase_offers", "hold", "register"} <= set(SURFACE)
    for name, member in SURFACE.items():
        declared = inspect.signature(getattr(NumberProvider, name))
        for cls in (SyncProvider, AsyncProvider, AsyncNumberProvider):
            method = getattr(cls, name)
            parameters = [p for p in inspect.signature(method).parameters.values() if p.kind is not p.VAR_KEYWORD]
            assert [(p.name, p.kind, p.default) for p in parameters] == [
                (p.name, p.kind, p.default) for p in declared.parameters.values()
            ], f"{cls.__name__}.{name}"
            if cls is not SyncProvider:
                assert inspect.iscoroutinefunction(method) is not member.listing, f"{cls.__name__}.{name}"
        assert not inspect.iscoroutinefunction(getattr(SyncProvider, name))


def test_the_table_says_what_each_operation_returns_and_which_ones_buy() -> None:
    assert SURFACE["purchase"].result is Order and SURFACE["purchase"].buys
    assert SURFACE["purchase_offers"].buys
    assert not SURFACE["get_order"].buys
    assert SURFACE["list_numbers"].listing and SURFACE["list_numbers"].result is didkit.DID
    assert SURFACE["search_numbers"].result is AvailableNumber
    assert SURFACE["hold"].result is Hold
    assert SURFACE["list_countries"].result is list
    assert SURFACE["release_number"].result is type(None)


def test_the_sandbox_providers_are_both_protocols_with_the_new_members() -> None:
    with didkit.connect("didww", sandbox=True) as provider:
        assert isinstance(provider, NumberProvider)
        holds = list(provider.list_holds())
        assert holds == []


# A provider the broker runs, written by hand, that answers with the wrong type.


def _offer(number: str) -> AvailableNumber:
    return AvailableNumber(provider="odd", number=number, country="US")


class OddProvider:
    """Offers one number; ``purchase`` answers with whatever it was given."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.bought = 0

    @property
    def name(self) -> str:
        return "odd"

    def search_numbers(self, query: SearchQuery) -> Iterator[AvailableNumber]:
        yield _offer("+12125550001")

    def purchase(self, offer: AvailableNumber, *, reference: str | None = None, wait: float = 60.0) -> Any:
        self.bought += 1
        return self.answer


class AsyncOddProvider(OddProvider):
    async def purchase(  # type: ignore[override]
        self, offer: AvailableNumber, *, reference: str | None = None, wait: float = 60.0
    ) -> Any:
        self.bought += 1
        return self.answer


@pytest.mark.parametrize("cls", [OddProvider, AsyncOddProvider])
def test_a_purchase_answered_with_the_wrong_type_leaves_the_outcome_unknown(cls: type[OddProvider]) -> None:
    provider = cls({"id": "not an order"})
    with pytest.raises(didkit.AmbiguousPurchaseError) as caught:
        didkit.procure(SearchQuery(country="US"), [provider], reference="odd-1", ledger=MemoryLedger())
    assert provider.bought == 1  # no second purchase after an answer it cannot read
    cause = caught.value.__cause__ or caught.value.error
    assert isinstance(cause, ResponseFormatError)
    assert "purchase() returned dict, not Order" in str(cause)
    assert cause.outcome_unknown


def test_a_purchase_answered_with_an_order_is_bought() -> None:
    order = Order(id="o1", provider="odd", status=OrderStatus.COMPLETED, numbers=("+12125550001",))
    provider = OddProvider(order)
    procurement = didkit.procure(SearchQuery(country="US"), [provider], reference="odd-2", ledger=MemoryLedger())
    assert procurement.order is order


def test_an_object_without_an_operation_the_broker_needs_is_refused_before_anything_runs() -> None:
    class NoPurchase:
        name = "np"

        def search_numbers(self, query: SearchQuery) -> Iterator[AvailableNumber]:
            yield from ()

    with pytest.raises(InvalidInputError, match="lacks purchase"):
        didkit.procure(SearchQuery(country="US"), [NoPurchase()], reference="np", ledger=MemoryLedger())


def test_the_async_shell_lists_with_a_limit_without_asking_for_more() -> None:
    async def main() -> list[AvailableNumber]:
        async with didkit.connect_async("wavix", sandbox=True) as provider:
            offers = provider.search_numbers(SearchQuery(country="US", limit=2))
            return [offer async for offer in offers]

    assert len(asyncio.run(main())) == 2



def test_the_contract_suite_calls_every_operation_of_the_surface() -> None:
    """``ProviderContract`` covers every operation: one added to the protocol needs its contract test."""
    from didkit.testing import contract

    source = inspect.getsource(contract)
    assert [name for name in SURFACE if f"provider.{name}(" not in source] == []
