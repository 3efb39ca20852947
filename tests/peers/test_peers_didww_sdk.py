"""DIDWW's own Python SDK (``didww``, JSON:API over ``jsonapi-requests``) against the served
:class:`DidwwEmulator`: the independent check that the emulator speaks DIDWW's real API v3 wire
format (2026-04-16). Every call goes over HTTP to 127.0.0.1 through the SDK's repositories, its
request documents (dirty tracking, polymorphic order items and trunk configurations) and its
JSON:API parsing of compound documents.

The SDK comes with the ``peers`` extra; without it these tests fail (they never skip).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from didkit_didww.emulator import DidwwEmulator

try:
    from didww.client import DidwwClient
    from didww.enums import CliFormat, Codec, Feature, OrderStatus, TransportProtocol
    from didww.exceptions import DidwwApiError
    from didww.query_params import QueryParams
    from didww.resources.available_did import AvailableDid
    from didww.resources.configuration.pstn import PstnConfiguration
    from didww.resources.configuration.sip import SipConfiguration
    from didww.resources.did import Did
    from didww.resources.did_reservation import DidReservation
    from didww.resources.order import Order
    from didww.resources.order_item.available_did_order_item import AvailableDidOrderItem
    from didww.resources.order_item.did_order_item import DidOrderItem
    from didww.resources.order_item.reservation_did_order_item import ReservationDidOrderItem
    from didww.resources.voice_in_trunk import VoiceInTrunk
    from didww.resources.voice_in_trunk_group import VoiceInTrunkGroup
except ImportError as exc:  # pragma: no cover - the peers extra is missing
    SDK_MISSING: ImportError | None = exc
else:
    SDK_MISSING = None

NOW = 1_780_000_000.0  # 2026-05-28T20:26:40Z
API_KEY = "peer-test-key"


@pytest.fixture(autouse=True)
def _require_sdk() -> None:
    if SDK_MISSING is not None:
        pytest.fail(f"the didww SDK is not installed (pip install 'didkit[peers]'): {SDK_MISSING}")


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[DidwwEmulator, str]]:
    """One loopback server for the module (closing one takes up to half a second).

    The rate limit is off: with a frozen clock DIDWW's 10 requests/s would never refill
    (``test_rate_limit_reaches_the_sdk`` covers it on an emulator of its own)."""
    emulator = DidwwEmulator(seed=0, clock=lambda: NOW, rate_limit=None, order_pending_polls=1)
    with emulator.serve(host="127.0.0.1", port=0) as running:
        yield emulator, running.url


@pytest.fixture
def emulator(server: tuple[DidwwEmulator, str]) -> DidwwEmulator:
    """The served emulator, reset to its seeded world for each test."""
    server[0].reset()
    return server[0]


@pytest.fixture
def didww(server: tuple[DidwwEmulator, str], emulator: DidwwEmulator) -> DidwwClient:
    return DidwwClient(api_key=API_KEY, base_url=server[1] + "/v3")


def q() -> QueryParams:
    return QueryParams()


def by_iso(items: list[Any], iso: str) -> Any:
    return next(item for item in items if item.iso == iso)


# -- coverage ----------------------------------------------------------------------------------------


def test_countries_regions_and_cities(didww: DidwwClient) -> None:
    countries = didww.countries().list(q().sort("name"))
    assert [(c.name, c.iso, c.prefix) for c in countries.data] == [
        ("Argentina", "AR", "54"),
        ("Germany", "DE", "49"),
        ("United Kingdom", "GB", "44"),
        ("United States", "US", "1"),
    ]
    assert countries.meta["api_version"] == "2026-04-16"
    us = by_iso(countries.data, "US")
    assert [c.id for c in didww.countries().list(q().filter("iso", "US")).data] == [us.id]

    shown = didww.countries().find(us.id, q().include("regions")).data
    assert shown.id == us.id and shown.name == "United States"
    assert sorted(r.iso for r in shown.regions) == ["CA", "FL", "IL", "NY", "TX", "WA"]

    regions = didww.regions().list(q().filter("country.id", us.id).include("country").sort("name")).data
    assert [r.name for r in regions] == ["California", "Florida", "Illinois", "New York", "Texas", "Washington"]
    assert {(r.country.id, r.country.iso) for r in regions} == {(us.id, "US")}
    california = by_iso(regions, "CA")

    cities = didww.cities().list(q().filter("region.id", california.id).include("country", "region"))
    assert [c.name for c in cities.data] == ["Los Angeles"]
    assert cities.meta["total_records"] == 1
    los_angeles = cities.data[0]
    assert (los_angeles.region.id, los_angeles.region.name) == (california.id, "California")
    assert los_angeles.country.id == us.id

    germany = by_iso(countries.data, "DE")
    assert [c.name for c in didww.cities().list(q().filter("country.id", germany.id)).data] == ["Berlin"]
    assert didww.cities().find(los_angeles.id).data.name == "Los Angeles"


# -- inventory -------------------------------------------------------------------------------------


def test_did_groups_with_their_stock_keeping_units(didww: DidwwClient, emulator: DidwwEmulator) -> None:
    la = didww.cities().list(q().filter("name", "Los Angeles")).data[0]
    groups = didww.did_groups().list(
        q().filter("city.id", la.id).include("stock_keeping_units", "did_group_type").sort("prefix")
    )
    assert groups.meta["total_records"] == 2
    la_213, la_310 = groups.data
    assert (la_213.id, la_310.id) == (emulator.group_id("la_213"), emulator.group_id("la_310"))
    assert (la_213.prefix, la_213.area_name, la_213.is_metered) == ("1213", "Los Angeles", False)
    assert la_213.features == [Feature.VOICE_IN, Feature.SMS_IN, Feature.T38]
    assert la_213.did_group_type.name == "Local"
    assert [(s.setup_price, s.monthly_price, s.channels_included_count) for s in la_213.stock_keeping_units] == [
        ("0.0", "0.9", 2),
        ("0.5", "1.4", 10),
    ]
    assert [(s.setup_price, s.monthly_price) for s in la_310.stock_keeping_units] == [("0.0", "0.95")]
    assert len({s.id for g in groups.data for s in g.stock_keeping_units}) == 3

    texting = didww.did_groups().list(q().filter("features", "sms_in")).data
    assert "1213" in {g.prefix for g in texting}
    assert all(Feature.SMS_IN in g.features for g in texting)
    assert "4930" not in {g.prefix for g in texting}

    berlin = (
        didww.did_groups()
        .find(emulator.group_id("ber_30"), q().include("stock_keeping_units", "country", "city", "region"))
        .data
    )
    assert (berlin.prefix, berlin.country.iso, berlin.city.name, berlin.region.name) == (
        "4930",
        "DE",
        "Berlin",
        "Berlin",
    )
    assert "German Geographic Registration" in berlin.service_restrictions
    assert [(s.setup_price, s.monthly_price) for s in berlin.stock_keeping_units] == [("1.0", "1.3")]

    toll_free = didww.did_groups().find(emulator.group_id("us_tf_800"), q().include("city", "region")).data
    assert (toll_free.prefix, toll_free.is_metered, toll_free.city, toll_free.region) == ("1800", True, None, None)


def test_available_dids_with_their_group_and_skus(didww: DidwwClient, emulator: DidwwEmulator) -> None:
    group_id = emulator.group_id("ny_212")
    listed = didww.available_dids().list(
        q().filter("did_group.id", group_id).include("did_group.stock_keeping_units").sort("number")
    )
    numbers = [a.number for a in listed.data]
    assert len(numbers) == listed.meta["total_count"] == 6
    assert numbers == sorted(numbers)
    assert all(n.startswith("1212") and len(n) == 11 for n in numbers)
    first = listed.data[0]
    assert first.did_group.id == group_id and first.did_group.prefix == "1212"
    assert [(s.setup_price, s.monthly_price) for s in first.did_group.stock_keeping_units] == [
        ("0.4", "1.1"),
        ("0.9", "1.5"),
    ]

    wanted = numbers[-1][-4:]
    contains = didww.available_dids().list(q().filter("did_group.id", group_id).filter("number_contains", wanted))
    assert numbers[-1] in [a.number for a in contains.data]
    shown = didww.available_dids().find(first.id, q().include("did_group")).data
    assert (shown.number, shown.did_group.area_name) == (first.number, "New York")


# -- ordering ----------------------------------------------------------------------------------------


def test_order_by_available_did_and_by_sku_quantity(didww: DidwwClient, emulator: DidwwEmulator) -> None:
    group_id = emulator.group_id("la_213")
    group = didww.did_groups().find(group_id, q().include("stock_keeping_units")).data
    basic = group.stock_keeping_units[0]
    assert (basic.setup_price, basic.monthly_price) == ("0.0", "0.9")
    stock = didww.available_dids().list(q().filter("did_group.id", group_id).sort("number")).data
    picked = stock[-1]

    by_number = AvailableDidOrderItem()
    by_number.sku_id = basic.id
    by_number.available_did_id = picked.id
    by_quantity = DidOrderItem()
    by_quantity.sku_id = basic.id
    by_quantity.qty = 2
    order = Order()
    order.items = [by_number, by_quantity]
    order.external_reference_id = "peer-order-1"
    placed = didww.orders().create(order).data

    assert placed.id and placed.reference
    assert placed.status == OrderStatus.PENDING and placed.is_pending
    assert Decimal(placed.amount) == 3 * Decimal("0.9")
    assert placed.external_reference_id == "peer-order-1"
    assert placed.created_at == datetime.fromtimestamp(NOW, tz=timezone.utc)
    assert [(i.qty, i.nrc, i.mrc, i.did_group_id) for i in placed.items] == [
        (1, "0.0", "0.9", group_id),
        (2, "0.0", "0.9", group_id),
    ]

    bought = emulator.purchased_numbers()
    assert len(bought) == 3 and bought[0] == "+" + picked.number
    assert {n.removeprefix("+") for n in bought} <= {a.number for a in stock}
    left = didww.available_dids().list(q().filter("did_group.id", group_id)).data
    assert not {a.number for a in left} & {n.removeprefix("+") for n in bought}
    assert didww.balance().find().data.total_balance == "97.30"

    polls = [didww.orders().find(placed.id).data.status for _ in range(2)]
    assert polls == [OrderStatus.PENDING, OrderStatus.COMPLETED]

    dids = didww.dids().list(q().filter("order.id", placed.id).include("did_group", "order").sort("number")).data
    assert sorted("+" + d.number for d in dids) == sorted(bought)
    for did in dids:
        assert (did.did_group.id, did.order.id, did.order.reference) == (group_id, placed.id, placed.reference)
        assert did.channels_included_count == 2
        assert (did.terminated, did.blocked, did.billing_cycles_count) == (False, False, None)
        assert did.expires_at > did.created_at
    assert set(bought) <= set(emulator.owned_numbers())


def test_order_errors_are_sdk_api_errors(didww: DidwwClient, emulator: DidwwEmulator) -> None:
    bogus = DidOrderItem()
    bogus.sku_id = "00000000-0000-4000-8000-000000000000"
    bogus.qty = 1
    order = Order()
    order.items = [bogus]
    with pytest.raises(DidwwApiError) as refused:
        didww.orders().create(order)
    assert refused.value.status_code == 400
    assert refused.value.errors and refused.value.errors[0]["code"]
    assert emulator.purchased_numbers() == []

    with pytest.raises(DidwwApiError) as missing:
        didww.dids().find("00000000-0000-4000-8000-000000000000")
    assert missing.value.status_code == 404
    assert missing.value.errors[0]["status"] == "404"


def test_insufficient_balance(didww: DidwwClient, emulator: DidwwEmulator) -> None:
    sku = didww.did_groups().find(emulator.group_id("mia_305"), q().include("stock_keeping_units")).data
    item = DidOrderItem()
    item.sku_id = sku.stock_keeping_units[0].id
    item.qty = 1
    order = Order()
    order.items = [item]
    emulator.set_balance("1.00")
    with pytest.raises(DidwwApiError) as refused:
        didww.orders().create(order)
    assert refused.value.status_code == 400
    assert refused.value.errors[0]["title"] == "Insufficient balance"
    assert emulator.purchased_numbers() == []


# -- owned DIDs ---------------------------------------------------------------------------------------


def test_list_dids_with_includes(didww: DidwwClient, emulator: DidwwEmulator) -> None:
    listing = didww.dids().list(
        q().include("did_group", "order", "voice_in_trunk", "voice_in_trunk_group").sort("number")
    )
    assert listing.meta["total_records"] == 3
    assert sorted("+" + d.number for d in listing.data) == sorted(emulator.owned_numbers())
    by_description = {d.description: d for d in listing.data}
    main, sales, berlin = by_description["Main line"], by_description["Sales"], by_description["Berlin office"]
    assert (main.did_group.prefix, main.voice_in_trunk.name, main.capacity_limit) == ("1213", "Office PBX", 2)
    assert main.voice_in_trunk.configuration.host == "pbx.example.com"
    assert (sales.did_group.prefix, sales.voice_in_trunk.name, sales.billing_cycles_count) == (
        "1212",
        "Forward to mobile",
        6,
    )
    assert sales.voice_in_trunk.configuration.dst.startswith("4474")
    assert (berlin.awaiting_registration, berlin.blocked, berlin.voice_in_trunk) == (True, True, None)
    assert all(d.order.status == OrderStatus.COMPLETED for d in listing.data)

    page = didww.dids().list(q().sort("number").page(number=2, size=2))
    assert [d.number for d in page.data] == [listing.data[2].number]
    assert page.meta["total_records"] == 3

    waiting = didww.dids().list(q().filter("awaiting_registration", "true")).data
    assert [d.number for d in waiting] == [berlin.number]


def test_update_a_did(didww: DidwwClient, emulator: DidwwEmulator) -> None:
    did = didww.dids().list(q().filter("description", "Main line")).data[0]
    did.description = "Front desk"
    did.billing_cycles_count = 3
    did.capacity_limit = 5
    updated = didww.dids().update(did).data
    assert (updated.id, updated.description, updated.billing_cycles_count, updated.capacity_limit) == (
        did.id,
        "Front desk",
        3,
        5,
    )
    assert emulator.requests[-1].json()["data"]["attributes"] == {
        "description": "Front desk",
        "billing_cycles_count": 3,
        "capacity_limit": 5,
    }

    cleared = Did.build(did.id)
    cleared.description = None
    assert didww.dids().update(cleared).data.description is None

    cancel = Did.build(did.id)
    cancel.terminated = True
    terminated = didww.dids().update(cancel).data
    assert (terminated.terminated, terminated.billing_cycles_count) == (True, 0)
    assert "+" + did.number not in emulator.owned_numbers()
    assert [d.number for d in didww.dids().list(q().filter("terminated", "true")).data] == [did.number]
    assert [d.number for d in didww.dids().list(q().filter("pending_removal", "true")).data] == [did.number]

    restore = Did.build(did.id)
    restore.terminated = False
    assert didww.dids().update(restore).data.terminated is False
    assert "+" + did.number in emulator.owned_numbers()


# -- voice-in trunks ---------------------------------------------------------------------------------


def test_create_voice_in_trunks_and_assign_them(didww: DidwwClient, emulator: DidwwEmulator) -> None:
    sip = SipConfiguration()
    sip.host = "sip.peer.example.com"
    sip.port = 5062
    sip.codec_ids = [Codec.PCMU, Codec.PCMA]
    sip.transport_protocol_id = TransportProtocol.TCP
    trunk = VoiceInTrunk()
    trunk.name = "Peer PBX"
    trunk.priority = 1
    trunk.weight = 100
    trunk.cli_format = CliFormat.E164
    trunk.ringing_timeout = 30
    trunk.configuration = sip
    created = didww.voice_in_trunks().create(trunk).data
    assert created.id and created.name == "Peer PBX"
    assert (created.cli_format, created.ringing_timeout, created.weight) == (CliFormat.E164, 30, 100)
    config = created.configuration
    assert isinstance(config, SipConfiguration)
    assert (config.host, config.port, config.codec_ids, config.transport_protocol_id) == (
        "sip.peer.example.com",
        5062,
        [9, 10],
        2,
    )
    assert config.enabled_sip_registration is False

    pstn = PstnConfiguration()
    pstn.dst = "442071234567"
    forward = VoiceInTrunk()
    forward.name = "Peer forward"
    forward.configuration = pstn
    forwarded = didww.voice_in_trunks().create(forward).data
    assert isinstance(forwarded.configuration, PstnConfiguration)
    assert forwarded.configuration.dst == "442071234567"

    names = {t.name for t in didww.voice_in_trunks().list().data}
    assert names == {"Office PBX", "Forward to mobile", "Backup PBX", "Peer PBX", "Peer forward"}

    berlin = didww.dids().list(q().filter("description", "Berlin office")).data[0]
    assign = Did.build(berlin.id)
    assign.voice_in_trunk = VoiceInTrunk.build(created.id)
    routed = didww.dids().update(assign, q().include("voice_in_trunk", "voice_in_trunk_group")).data
    assert (routed.voice_in_trunk.id, routed.voice_in_trunk.name) == (created.id, "Peer PBX")
    assert routed.voice_in_trunk_group is None
    on_trunk = didww.dids().list(q().filter("voice_in_trunk.id", created.id)).data
    assert [d.number for d in on_trunk] == [berlin.number]

    failover = didww.voice_in_trunk_groups().list(q().include("voice_in_trunks")).data[0]
    assert (failover.name, [t.name for t in failover.voice_in_trunks]) == ("Failover", ["Backup PBX"])
    to_group = Did.build(berlin.id)
    to_group.voice_in_trunk_group = VoiceInTrunkGroup.build(failover.id)
    regrouped = didww.dids().update(to_group, q().include("voice_in_trunk", "voice_in_trunk_group")).data
    assert (regrouped.voice_in_trunk, regrouped.voice_in_trunk_group.name) == (None, "Failover")

    registered = SipConfiguration()
    registered.enabled_sip_registration = True  # the SDK clears host and port for it
    registered.use_did_in_ruri = True
    registered.cnam_lookup = True
    office = VoiceInTrunk()
    office.name = "Peer office (registered)"
    office.configuration = registered
    enrolled = didww.voice_in_trunks().create(office).data
    credentials = enrolled.configuration
    assert (credentials.enabled_sip_registration, credentials.use_did_in_ruri, credentials.host) == (True, True, None)
    assert credentials.incoming_auth_username and credentials.incoming_auth_password  # generated by the server
    disable = SipConfiguration()
    disable.host = "203.0.113.10"  # the SDK turns registration and use_did_in_ruri off with it
    unregister = VoiceInTrunk.build(enrolled.id)
    unregister.configuration = disable
    plain = didww.voice_in_trunks().update(unregister).data.configuration
    assert emulator.requests[-1].json()["data"]["attributes"]["configuration"]["attributes"] == {
        "host": "203.0.113.10",
        "enabled_sip_registration": False,
        "use_did_in_ruri": False,
    }
    assert (plain.host, plain.enabled_sip_registration, plain.incoming_auth_username) == ("203.0.113.10", False, None)

    created.description = "Peer PBX, renamed"
    assert didww.voice_in_trunks().update(created).data.description == "Peer PBX, renamed"
    didww.voice_in_trunks().delete(forwarded.id)
    assert forwarded.id not in {t.id for t in didww.voice_in_trunks().list().data}


def test_a_reserved_number_can_be_ordered(didww: DidwwClient, emulator: DidwwEmulator) -> None:
    group_id = emulator.group_id("sea_206")
    available = didww.available_dids().list(q().filter("did_group.id", group_id).sort("number")).data[0]
    reservation = DidReservation()
    reservation.description = "peer hold"
    reservation.available_did = AvailableDid.build(available.id)
    held = didww.did_reservations().create(reservation).data
    assert held.description == "peer hold"
    assert available.number not in {a.number for a in didww.available_dids().list(q()).data}

    sku = didww.did_groups().find(group_id, q().include("stock_keeping_units")).data.stock_keeping_units[0]
    item = ReservationDidOrderItem()
    item.sku_id = sku.id
    item.did_reservation_id = held.id
    order = Order()
    order.items = [item]
    placed = didww.orders().create(order).data
    assert Decimal(placed.amount) == Decimal(sku.setup_price) + Decimal(sku.monthly_price)
    assert emulator.purchased_numbers() == ["+" + available.number]


# -- errors ------------------------------------------------------------------------------------------


@pytest.fixture
def throttled_url() -> Iterator[str]:
    """An emulator of its own keeping a rate limit of 2 requests a second (its clock never moves)."""
    limited = DidwwEmulator(seed=0, clock=lambda: NOW, rate_limit=2)
    with limited.serve(host="127.0.0.1", port=0) as running:
        yield running.url + "/v3"


def test_rate_limit_reaches_the_sdk(throttled_url: str) -> None:
    client = DidwwClient(api_key=API_KEY, base_url=throttled_url)
    assert len(client.countries().list().data) == 4
    assert len(client.countries().list().data) == 4
    with pytest.raises(DidwwApiError) as throttled:
        client.countries().list()
    assert throttled.value.status_code == 429
    assert throttled.value.errors[0]["status"] == "429"
