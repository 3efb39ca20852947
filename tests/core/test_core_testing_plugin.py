"""The ``didkit.testing`` pytest plugin: sandbox fixtures a user's own test suite gets."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

import didkit
from didkit import Destination, SearchQuery


def provision_support_line(provider: Any, city: str) -> didkit.DID:
    """An application function written once for every carrier (as in docs/recipes-switching.md)."""
    offer = next(iter(provider.search_numbers(SearchQuery(country="US", city=city, limit=1))))
    order = provider.purchase(offer, reference=f"support-{city}")
    (did,) = order.numbers
    return provider.set_destinations(did, [Destination.sip("sip:support@pbx.example.com")])  # type: ignore[no-any-return]


@pytest.mark.parametrize("fixture", ["wavix_sandbox", "didww_sandbox"])
def test_each_carrier_fixture_runs_an_app_flow(fixture: str, request: pytest.FixtureRequest) -> None:
    provider = request.getfixturevalue(fixture)
    did = provision_support_line(provider, "Seattle")
    assert did.destinations[0].target == "sip:support@pbx.example.com"
    assert provider.emulator.purchased_numbers() == [did.number]


def test_factory_gives_fresh_worlds_and_breakable_emulators(didkit_sandbox: Callable[..., Any]) -> None:
    first = didkit_sandbox("didww")
    second = didkit_sandbox("didww")
    assert first.emulator is not second.emulator
    first.emulator.set_balance("0")
    with pytest.raises(didkit.InsufficientFundsError):
        provision_support_line(first, "Chicago")
    assert first.emulator.purchased_numbers() == []
    provision_support_line(second, "Chicago")
    assert len(second.emulator.purchased_numbers()) == 1


def test_many_requests_on_virtual_time_never_hit_the_rate_limit(didkit_sandbox: Callable[..., Any]) -> None:
    provider = didkit_sandbox("didww")
    number = provider.emulator.owned_numbers()[0]
    for _ in range(30):  # far more than DIDWW's 10 requests/s, without sleeping for real
        assert provider.get_number(number).number == number
    assert len(provider.emulator.requests) >= 30


async def test_async_fixture_variant(didkit_sandbox: Callable[..., Any]) -> None:
    provider = didkit_sandbox("wavix", asynchronous=True)
    offers = [o async for o in provider.search_numbers(SearchQuery(country="US", city="Miami", limit=2))]
    assert len(offers) == 2
    assert all(o.provider == "wavix" for o in offers)


def test_didkit_testing_imports_without_pytest() -> None:
    """Scripts and notebooks use ``didkit.testing.sandbox_provider``: no pytest needed."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "sys.modules['pytest'] = None  # any 'import pytest' now raises ImportError\n"
        "from didkit.testing import sandbox_provider\n"
        "with sandbox_provider('wavix') as p:\n"
        "    assert p.emulator.owned_numbers()\n"
        "assert 'didkit.testing.plugin' not in sys.modules\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_the_pytest_entry_point_is_the_plugin_module() -> None:
    from importlib.metadata import entry_points

    (plugin,) = [ep for ep in entry_points(group="pytest11") if ep.name == "didkit"]
    assert plugin.value == "didkit.testing.plugin"
    assert hasattr(plugin.load(), "didkit_sandbox")


async def test_async_providers_made_by_the_factory_are_closed() -> None:
    from didkit.testing import sandbox_provider
    from didkit.testing.plugin import _close

    provider = sandbox_provider("didww", asynchronous=True)
    assert await provider.list_countries()
    client = provider._runner.client  # type: ignore[attr-defined]
    assert not client.is_closed
    await provider.aclose()
    assert client.is_closed

    later = sandbox_provider("wavix", asynchronous=True)
    client = later._runner.client  # type: ignore[attr-defined]
    await asyncio.to_thread(_close, later)  # a fixture's teardown: no running loop in that thread
    assert client.is_closed


def test_the_sandbox_fixtures_give_the_test_a_ledger_of_its_own(wavix_sandbox: Any) -> None:
    import os
    from pathlib import Path

    import didkit

    path = Path(os.environ["DIDKIT_LEDGER"])
    assert path.parent.name.startswith("didkit-ledger") and not path.exists()
    query = didkit.SearchQuery(country="US", city="Los Angeles", limit=1)
    bought = didkit.procure(query, [wavix_sandbox], reference="t-1", settle_window=0)
    assert path.exists() and didkit.open_ledger(str(path)).get("t-1").numbers == tuple(
        did.number for did in bought.order.numbers
    )
