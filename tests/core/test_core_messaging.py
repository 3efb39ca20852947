"""``set_messaging``: one program routes inbound SMS on every carrier, unchanged (sync and async,
on the sandboxes), with routes read back into ``DID.messaging``; the model's checks; and the
deprecated ``sms_webhook_url`` spellings going through the same implementation."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import didkit
from didkit import DID, MessagingKind, MessagingRoute, UnsupportedOperationError

HOOK_A = "https://hooks.example.com/a"
HOOK_B = "https://hooks.example.com/b"


def route_sms(provider: Any) -> list[tuple[str, ...]]:
    """The app: route its first number's SMS to one webhook, to two where the carrier fails
    over, then nowhere; what each step reads back."""
    did = next(iter(provider.list_numbers()))
    seen = [tuple(r.target for r in provider.set_messaging(did, [MessagingRoute.webhook(HOOK_A)]).messaging)]
    if provider.capabilities.multiple_messaging_routes:
        both = [MessagingRoute.webhook(HOOK_A), MessagingRoute.webhook(HOOK_B)]
        routed = provider.set_messaging(did.number, both)
        assert [r.priority for r in routed.messaging] == [1, 2]
        seen.append(tuple(r.target for r in provider.get_number(did.id).messaging))
    seen.append(tuple(r.target for r in provider.set_messaging(did, []).messaging))
    return seen


@pytest.mark.parametrize(("name", "failover"), [("wavix", False), ("didww", True)])
def test_one_program_routes_sms_on_every_carrier(name: str, failover: bool) -> None:
    provider = didkit.connect(name, sandbox=True)
    expected = [(HOOK_A,), (HOOK_A, HOOK_B), ()] if failover else [(HOOK_A,), ()]
    assert route_sms(provider) == expected
    assert provider.capabilities.sms_config is True


async def route_sms_async(provider: Any) -> list[tuple[str, ...]]:
    did = await anext(aiter(provider.list_numbers()))
    routed = await provider.set_messaging(did, [MessagingRoute.webhook(HOOK_B)])
    again = await provider.get_number(did.id)
    cleared = await provider.set_messaging(did.id, [])
    return [tuple(r.target for r in d.messaging) for d in (routed, again, cleared)]


@pytest.mark.parametrize("name", ["wavix", "didww"])
def test_one_async_program_on_every_carrier(name: str) -> None:
    provider = didkit.connect_async(name, sandbox=True)
    assert asyncio.run(route_sms_async(provider)) == [(HOOK_B,), (HOOK_B,), ()]


def test_several_routes_where_the_carrier_takes_one_fail_before_any_request() -> None:
    provider = didkit.connect("wavix", sandbox=True)
    emulator = provider.emulator  # type: ignore[attr-defined]
    did = next(iter(provider.list_numbers()))
    before = len(emulator.requests)
    with pytest.raises(UnsupportedOperationError, match="one messaging route"):
        provider.set_messaging(did, [MessagingRoute.webhook(HOOK_A), MessagingRoute.webhook(HOOK_B)])
    assert len(emulator.requests) == before


def test_didww_reuses_its_trunks_and_groups() -> None:
    provider = didkit.connect("didww", sandbox=True)
    world = provider.emulator.world  # type: ignore[attr-defined]
    did = next(iter(provider.list_numbers()))
    both = [MessagingRoute.webhook(HOOK_A), MessagingRoute.webhook(HOOK_B)]
    provider.set_messaging(did, both)
    provider.set_messaging(did, both)
    provider.set_messaging(did, [MessagingRoute.webhook(HOOK_B)])
    assert (len(world.sms_trunks), len(world.sms_trunk_groups)) == (2, 1)
    reverse = provider.set_messaging(did, list(reversed(both)))
    assert [r.target for r in reverse.messaging] == [HOOK_B, HOOK_A]  # a new group, in the new order
    assert len(world.sms_trunk_groups) == 2


def test_the_routes_are_listed_too() -> None:
    provider = didkit.connect("didww", sandbox=True)
    did = next(iter(provider.list_numbers()))
    provider.set_messaging(did, [MessagingRoute.webhook(HOOK_A), MessagingRoute.webhook(HOOK_B)])
    listed = {d.id: d for d in provider.list_numbers()}
    assert [r.target for r in listed[did.id].messaging] == [HOOK_A, HOOK_B]
    assert sum(1 for d in listed.values() if d.messaging) == 1


def test_the_deprecated_spellings_use_set_messaging() -> None:
    provider = didkit.connect("didww", sandbox=True)
    did = next(iter(provider.list_numbers()))
    with pytest.warns(DeprecationWarning, match="set_messaging"):
        updated = provider.update_number(did, sms_webhook_url=HOOK_A, label="front desk")
    assert updated.label == "front desk" and updated.messaging == (MessagingRoute.webhook(HOOK_A),)
    with pytest.warns(DeprecationWarning, match="messaging"):
        url = updated.sms_webhook_url
    assert url == HOOK_A
    with pytest.warns(DeprecationWarning, match="set_messaging"):
        cleared = provider.update_number(did, sms_webhook_url=None)
    assert cleared.messaging == ()


def test_the_model() -> None:
    route = MessagingRoute.webhook("  https://hooks.example.com/sms?x=1 ", priority=2)
    assert (route.kind, route.target, route.priority) == (MessagingKind.WEBHOOK, "https://hooks.example.com/sms?x=1", 2)
    assert route.with_priority(1).priority == 1
    assert DID(id="1", provider="x", number="+12135550100").messaging == ()
    with pytest.raises(AttributeError):
        route.target = "https://other.example"  # type: ignore[misc]
