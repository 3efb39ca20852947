"""User code the way the docs show it, checked with ``mypy --strict`` by test_user_code_types.py.

Not a test module: it is type-checked, and imported once to prove it also runs.
"""

from __future__ import annotations

import asyncio

import didkit
from didkit.sandbox import Emulator
from didkit.testing import AsyncSandboxNumberProvider, SandboxFactory, SandboxNumberProvider, sandbox_provider


def sync_sandbox() -> list[str]:
    provider = didkit.connect("wavix", sandbox=True)
    emulator: Emulator = provider.emulator
    offers = list(provider.search_numbers(didkit.SearchQuery(country="US", city="Los Angeles", limit=1)))
    order = provider.purchase(offers[0], reference="typed-1")
    provider.close()
    return [*emulator.purchased_numbers(), *(did.number for did in order.numbers)]


def context_managers() -> str:
    with didkit.connect("didww", sandbox=True) as provider:
        provider.emulator.faults.clear()
        return provider.name


def plain_provider(api_key: str) -> didkit.NumberProvider:
    return didkit.connect("wavix", api_key=api_key)


async def async_sandbox() -> int:
    provider = didkit.connect_async("didww", sandbox=True)
    countries = await provider.list_countries()
    await provider.aclose()
    async with didkit.connect_async("wavix", sandbox=True) as other:
        other.emulator.reset()
        countries += await other.list_countries()
    return len(countries)


def fixtures_as_a_user_annotates_them(didkit_sandbox: SandboxFactory, wavix_sandbox: SandboxNumberProvider) -> bool:
    twin: AsyncSandboxNumberProvider = didkit_sandbox("didww", asynchronous=True)
    sync: SandboxNumberProvider = didkit_sandbox("didww", seed=3)
    script: SandboxNumberProvider = sandbox_provider("wavix")
    script.close()
    return twin.emulator is not sync.emulator and wavix_sandbox.emulator.owned_numbers() != []


def neutral_calls(provider: didkit.NumberProvider) -> list[str]:
    """The neutral filters and fields, typed against the protocol: the same on every carrier."""
    found = provider.list_numbers(
        country="US", number_contains="1212", status=didkit.NumberStatus.ACTIVE, capability=[didkit.Capability.SMS]
    )
    numbers = [did.number for did in found]
    for did in provider.list_numbers(label="front desk", carrier_filters={"search": "1212"}):
        if provider.capabilities.labels:
            did = provider.update_number(did, label=None)
        if provider.capabilities.auto_renew:
            did = provider.update_number(did, auto_renew=False, carrier_fields={"capacity_limit": 2})
        numbers.append(did.number)
    return numbers


def holds_and_batches(provider: didkit.NumberProvider, offers: list[didkit.AvailableNumber]) -> list[str]:
    """Holds and several specific numbers in one checkout, typed against the protocol."""
    held = [hold.number for hold in provider.list_holds()] if provider.capabilities.reservations else []
    if provider.capabilities.multi_number_checkout:
        order = provider.purchase_offers(offers, reference="typed-batch", wait=30.0)
        held += [did.number for did in order.numbers]
    return held


async def async_holds(provider: didkit.AsyncNumberProvider, offers: list[didkit.AvailableNumber]) -> int:
    held = [hold async for hold in provider.list_holds()]
    order = await provider.purchase_offers(offers, reference="typed-batch-async")
    return len(held) + len(order.numbers)


def blocking_compare() -> None:
    try:
        didkit.compare(didkit.SearchQuery(country="US"), ["wavix"])
    except didkit.EventLoopRunningError as error:
        print(error)


def run_all() -> tuple[list[str], str, int]:
    return sync_sandbox(), context_managers(), asyncio.run(async_sandbox())
