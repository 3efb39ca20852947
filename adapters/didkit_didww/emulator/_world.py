"""The in-memory DIDWW account: coverage, inventory, owned DIDs, orders, trunks and balance.

Everything is built deterministically from the seed; ids are UUIDs drawn from the world's own
random generator, so the same seed and the same requests give the same world.
"""

from __future__ import annotations

import random
import string
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import phonenumbers

from . import _errors as err

API_VERSION = "2026-04-16"
"""The account's default API version unless the emulator is told otherwise."""
API_VERSIONS = ("2026-04-16", "2026-11-19")
NEW_VERSION = "2026-11-19"
RESERVATION_LIMIT = 10
RESERVATION_TTL = timedelta(minutes=10)
T = TypeVar("T")
FEATURES = ("voice_in", "voice_out", "t38", "sms_in", "p2p", "a2p", "emergency", "cnam_out")


# -- formatting -----------------------------------------------------------------------------------


def ruby_decimal(value: Decimal) -> str:
    """A decimal as DIDWW (Ruby BigDecimal#to_s('F')) writes prices: ``"0.0"``, ``"0.9"``, ``"1.25"``."""
    text = format(value.normalize(), "f")
    return text if "." in text else f"{text}.0"


def money(value: Decimal) -> str:
    """A decimal with two places, as the balance is written."""
    return str(value.quantize(Decimal("0.01")))


def timestamp(moment: datetime) -> str:
    """``2026-04-16T10:00:00.123Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def add_month(moment: datetime) -> datetime:
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month, day=day)


# -- entities ---------------------------------------------------------------------------------------


@attrs.define
class Country:
    id: str
    name: str
    prefix: str
    iso: str


@attrs.define
class Region:
    id: str
    name: str
    iso: str | None
    country_id: str


@attrs.define
class City:
    id: str
    name: str
    country_id: str
    region_id: str | None


@attrs.define
class DidGroupType:
    id: str
    name: str


@attrs.define
class Sku:
    id: str
    group_id: str
    setup_price: Decimal
    monthly_price: Decimal
    channels_included_count: int


@attrs.define
class DidGroup:
    id: str
    country_id: str
    region_id: str | None
    city_id: str | None
    type_id: str
    prefix: str
    area_name: str
    features: list[str]
    is_metered: bool
    allow_additional_channels: bool
    service_restrictions: str | None
    needs_registration: bool
    available_dids_enabled: bool
    sku_ids: list[str] = attrs.field(factory=list)


@attrs.define
class AvailableDid:
    """A number in stock (listed through /available_dids when its group allows it)."""

    id: str
    number: str
    group_id: str


@attrs.frozen
class NanpaPrefix:
    """An NPA-NXX with numbers in stock behind it (derived from the stock, never stored)."""

    id: str
    npa: str
    nxx: str
    country_id: str
    region_id: str | None

    @property
    def npanxx(self) -> str:
        return self.npa + self.nxx


_NANPA_IDS = uuid.UUID("6f1d2b9e-0c8a-4c1e-9d54-3b0e6a7d2c11")


def nanpa_id(npanxx: str) -> str:
    """A stable id for an NPA-NXX (the same in every world)."""
    return str(uuid.uuid5(_NANPA_IDS, npanxx))


@attrs.define
class Reservation:
    id: str
    available_did_id: str
    description: str | None
    created_at: datetime
    expires_at: datetime


@attrs.define
class OrderItem:
    sku_id: str
    group_id: str
    qty: int
    setup_price: Decimal
    monthly_price: Decimal
    billing_cycles_count: int | None
    numbers: list[str] = attrs.field(factory=list)
    billed_from: date | None = None
    billed_to: date | None = None


@attrs.define
class Order:
    id: str
    reference: str
    description: str
    status: str
    created_at: datetime
    callback_url: str | None
    callback_method: str | None
    external_reference_id: str | None
    items: list[OrderItem]
    polls_left: int = 0
    back_ordered: bool = False

    @property
    def amount(self) -> Decimal:
        return sum((i.qty * (i.setup_price + i.monthly_price) for i in self.items), Decimal("0"))


@attrs.define
class Did:
    id: str
    number: str
    group_id: str
    order_id: str
    created_at: datetime
    expires_at: datetime | None
    channels_included_count: int
    description: str | None = None
    awaiting_registration: bool = False
    terminated: bool = False
    blocked_by_customer: bool = False
    emergency_enabled: bool = False
    capacity_limit: int | None = None
    dedicated_channels_count: int = 0
    billing_cycles_count: int | None = None
    trunk_id: str | None = None
    trunk_group_id: str | None = None
    sms_trunk_id: str | None = None
    sms_trunk_group_id: str | None = None

    @property
    def blocked(self) -> bool:
        return self.blocked_by_customer or self.awaiting_registration or self.terminated


@attrs.define
class Trunk:
    id: str
    name: str
    created_at: datetime
    config_type: str
    config: dict[str, Any]
    description: str | None = None
    external_reference_id: str | None = None
    priority: int = 1
    weight: int = 65535
    capacity_limit: int | None = None
    cli_format: str | None = "e164"
    cli_prefix: str | None = None
    ringing_timeout: int | None = None
    group_id: str | None = None


@attrs.define
class TrunkGroup:
    id: str
    name: str
    created_at: datetime
    capacity_limit: int | None = None
    external_reference_id: str | None = None


@attrs.define
class SmsTrunk:
    """An SMS trunk (2026-11-19): ``config_type`` is ``http_in``, ``sms_to_email``, ``http_out`` ..."""

    id: str
    name: str
    created_at: datetime
    updated_at: datetime
    config_type: str
    config: dict[str, Any]
    external_reference_id: str | None = None
    blocked: bool = False
    priority: int | None = 100
    allow_any_did_as_source: bool = False
    group_id: str | None = None

    @property
    def allow_in(self) -> bool:
        return self.config_type != "http_out"

    @property
    def allow_out(self) -> bool:
        return self.config_type in ("http_out", "smpp_esme", "smpp_smsc")


@attrs.define
class SmsTrunkGroup:
    id: str
    name: str
    created_at: datetime
    updated_at: datetime
    external_reference_id: str | None = None


def number_type_of(type_name: str) -> str:
    """A DID group type's name as 2026-11-19's ``number_type`` (``"Toll-free"`` → ``toll_free``)."""
    return type_name.strip().lower().replace("-", "_").replace(" ", "_")


SIP_DEFAULTS: dict[str, Any] = {
    "username": "{DID}",
    "host": None,
    "port": None,
    "transport_protocol_id": 1,
    "network_protocol_priority": "force_ipv4",
    "resolve_ruri": False,
    "use_did_in_ruri": False,
    "codec_ids": [9, 10, 8, 7, 6],
    "rx_dtmf_format_id": 1,
    "tx_dtmf_format_id": 1,
    "auth_enabled": False,
    "auth_user": None,
    "auth_password": None,
    "auth_from_user": None,
    "auth_from_domain": None,
    "enabled_sip_registration": False,
    "incoming_auth_username": None,
    "incoming_auth_password": None,
    "sst_enabled": False,
    "sst_min_timer": 600,
    "sst_max_timer": 900,
    "sst_session_expires": None,
    "sst_refresh_method_id": 1,
    "sst_accept_501": True,
    "sip_timer_b": 8000,
    "dns_srv_failover_timer": 2000,
    "rtp_ping": False,
    "rtp_timeout": 30,
    "force_symmetric_rtp": False,
    "symmetric_rtp_ignore_rtcp": False,
    "allowed_rtp_ips": None,
    "media_encryption_mode": "disabled",
    "stir_shaken_mode": "disabled",
    "diversion_relay_policy": "none",
    "diversion_inject_mode": "none",
    "cnam_lookup": False,
    "max_transfers": 0,
    "max_30x_redirects": 0,
    "rerouting_disconnect_code_ids": None,
}


# -- static coverage ----------------------------------------------------------------------------

_COUNTRIES = [("US", "United States", "1"), ("GB", "United Kingdom", "44"), ("DE", "Germany", "49"),
              ("AR", "Argentina", "54")]
_REGIONS = [
    ("US", "California", "CA"), ("US", "New York", "NY"), ("US", "Illinois", "IL"),
    ("US", "Florida", "FL"), ("US", "Washington", "WA"), ("US", "Texas", "TX"),
    ("GB", "England", "ENG"), ("DE", "Berlin", "BE"), ("AR", "Ciudad Autónoma de Buenos Aires", "C"),
]
_CITIES = [
    ("Los Angeles", "US", "CA"), ("New York", "US", "NY"), ("Chicago", "US", "IL"), ("Miami", "US", "FL"),
    ("Seattle", "US", "WA"), ("Austin", "US", "TX"), ("London", "GB", "ENG"), ("Berlin", "DE", "BE"),
    ("Buenos Aires", "AR", "C"),
]
_GROUP_TYPES = ["Global", "Local", "Mobile", "National", "Shared Cost", "Toll-free"]

_BERLIN_RESTRICTIONS = (
    "German Geographic Registration: name, address in the same city as the number and proof of "
    "address are required. The number is activated once registration is complete."
)


@attrs.frozen
class _GroupSpec:
    key: str
    iso: str
    region: str | None  # region iso
    city: str | None
    type_name: str
    area_name: str
    area: str  # national digits the group's numbers start with
    features: tuple[str, ...]
    skus: tuple[tuple[str, str, int], ...]  # (setup, monthly, channels included)
    stock: int = 6
    is_metered: bool = False
    needs_registration: bool = False
    available_dids_enabled: bool = True
    service_restrictions: str | None = None
    mobile: bool = False


_V_SMS = ("voice_in", "sms_in", "t38")
_GROUPS = [
    _GroupSpec("la_213", "US", "CA", "Los Angeles", "Local", "Los Angeles", "213", _V_SMS,
               (("0.00", "0.90", 2), ("0.50", "1.40", 10))),
    _GroupSpec("la_310", "US", "CA", "Los Angeles", "Local", "Los Angeles", "310", _V_SMS,
               (("0.00", "0.95", 2),)),
    _GroupSpec("ny_212", "US", "NY", "New York", "Local", "New York", "212", _V_SMS,
               (("0.40", "1.10", 2), ("0.90", "1.50", 10))),
    _GroupSpec("ny_646", "US", "NY", "New York", "Local", "New York", "646", _V_SMS,
               (("0.00", "0.85", 2),)),
    _GroupSpec("chi_312", "US", "IL", "Chicago", "Local", "Chicago", "312", _V_SMS, (("0.00", "0.80", 2),)),
    _GroupSpec("mia_305", "US", "FL", "Miami", "Local", "Miami", "305", _V_SMS, (("1.00", "1.50", 2),)),
    _GroupSpec("sea_206", "US", "WA", "Seattle", "Local", "Seattle", "206", _V_SMS,
               (("0.00", "0.70", 2), ("0.30", "1.20", 10))),
    _GroupSpec("aus_512", "US", "TX", "Austin", "Local", "Austin", "512", ("voice_in", "t38"),
               (("0.00", "0.65", 2),)),
    _GroupSpec("us_tf_800", "US", None, None, "Toll-free", "Toll-free", "800", ("voice_in",),
               (("1.00", "1.50", 2),), stock=4, is_metered=True),
    _GroupSpec("lon_20", "GB", "ENG", "London", "Local", "London", "20", ("voice_in", "t38"),
               (("0.00", "1.00", 2), ("0.60", "1.45", 10))),
    _GroupSpec("ber_30", "DE", "BE", "Berlin", "Local", "Berlin", "30", ("voice_in", "t38"),
               (("1.00", "1.30", 2),), needs_registration=True, service_restrictions=_BERLIN_RESTRICTIONS),
    _GroupSpec("gb_mob_74", "GB", None, None, "Mobile", "Mobile", "74", ("voice_in", "sms_in"),
               (("0.50", "1.50", 2),), stock=5, available_dids_enabled=False, mobile=True),
    _GroupSpec("bue_11", "AR", "C", "Buenos Aires", "Local", "Buenos Aires", "11", ("voice_in",),
               (("0.00", "1.20", 2),)),
]
_NATIONAL_LENGTH = {"US": 10, "GB": 10, "DE": 10, "AR": 10}


# -- the world ------------------------------------------------------------------------------------


@attrs.define
class World:
    rng: random.Random
    clock: Callable[[], datetime]
    balance: Decimal
    credit: Decimal = Decimal("0.00")
    countries: dict[str, Country] = attrs.field(factory=dict)
    regions: dict[str, Region] = attrs.field(factory=dict)
    cities: dict[str, City] = attrs.field(factory=dict)
    group_types: dict[str, DidGroupType] = attrs.field(factory=dict)
    groups: dict[str, DidGroup] = attrs.field(factory=dict)
    skus: dict[str, Sku] = attrs.field(factory=dict)
    available: dict[str, AvailableDid] = attrs.field(factory=dict)
    reservations: dict[str, Reservation] = attrs.field(factory=dict)
    dids: dict[str, Did] = attrs.field(factory=dict)
    orders: dict[str, Order] = attrs.field(factory=dict)
    trunks: dict[str, Trunk] = attrs.field(factory=dict)
    trunk_groups: dict[str, TrunkGroup] = attrs.field(factory=dict)
    sms_trunks: dict[str, SmsTrunk] = attrs.field(factory=dict)
    sms_trunk_groups: dict[str, SmsTrunkGroup] = attrs.field(factory=dict)
    balance_id: str = ""
    purchased: list[str] = attrs.field(factory=list)
    group_keys: dict[str, str] = attrs.field(factory=dict)  # spec key -> group id
    _numbers_in_use: set[str] = attrs.field(factory=set)

    # -- ids and numbers

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def new_reference(self) -> str:
        letters = "".join(self.rng.choice(string.ascii_uppercase) for _ in range(3))
        return f"{letters}-{self.rng.randrange(100000, 1000000)}"

    def new_number(self, cc: str, area: str, national_length: int, *, mobile: bool = False) -> str:
        for _ in range(10000):
            rest = national_length - len(area)
            digits = str(self.rng.randrange(2, 10)) + "".join(
                str(self.rng.randrange(10)) for _ in range(rest - 1)
            )
            national = area + digits
            if cc == "1" and (digits[1:3] == "11" or digits[:3] == "555"):
                continue
            candidate = cc + national
            if candidate in self._numbers_in_use:
                continue
            parsed = phonenumbers.parse("+" + candidate)
            if not phonenumbers.is_valid_number(parsed):
                continue
            if mobile and phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE:
                continue
            self._numbers_in_use.add(candidate)
            return candidate
        raise RuntimeError(f"could not draw a valid number for +{cc} {area}")  # pragma: no cover

    # -- lookups

    def country_by_iso(self, iso: str) -> Country:
        return next(c for c in self.countries.values() if c.iso == iso)

    def group_stock(self, group_id: str) -> list[AvailableDid]:
        """Numbers of a group in stock and not reserved."""
        reserved = {r.available_did_id for r in self.reservations.values()}
        return [a for a in self.available.values() if a.group_id == group_id and a.id not in reserved]

    def nanpa_prefixes(self) -> dict[str, NanpaPrefix]:
        """The NPA-NXX prefixes of the North American numbers in stock, by id."""
        found: dict[str, NanpaPrefix] = {}
        for available in self.available.values():
            group = self.groups[available.group_id]
            if not available.number.startswith("1") or not group.prefix.startswith("1"):
                continue
            npanxx = available.number[1:7]
            ident = nanpa_id(npanxx)
            if ident not in found:
                found[ident] = NanpaPrefix(ident, npanxx[:3], npanxx[3:], group.country_id, group.region_id)
        return found

    def nanpa_of(self, available: AvailableDid) -> str | None:
        group = self.groups[available.group_id]
        if not available.number.startswith("1") or not group.prefix.startswith("1"):
            return None
        return nanpa_id(available.number[1:7])

    def reservation_for(self, available_did_id: str) -> Reservation | None:
        return next((r for r in self.reservations.values() if r.available_did_id == available_did_id), None)

    def sms_trunks_of(self, group_id: str) -> list[SmsTrunk]:
        """An SMS trunk group's members, highest priority first (DIDWW tries higher values first)."""
        members = [t for t in self.sms_trunks.values() if t.group_id == group_id]
        return sorted(members, key=lambda t: -(t.priority or 0))

    def number_type(self, group: DidGroup) -> str:
        return number_type_of(self.group_types[group.type_id].name)

    def trunks_of(self, group_id: str) -> list[Trunk]:
        return [t for t in self.trunks.values() if t.group_id == group_id]

    def expire_reservations(self) -> None:
        now = self.clock()
        for rid in [r.id for r in self.reservations.values() if r.expires_at <= now]:
            del self.reservations[rid]

    # -- orders

    def advance(self, order: Order, back_orders: str = "wait") -> None:
        """One GET of a pending order: it stays pending ``polls_left`` more GETs, then completes.
        A back-ordered order waits for stock (``back_orders="wait"``), or completes with the
        numbers it got (``"partial"``: the carrier gave up on the rest, refunding them)."""
        if order.status != "pending":
            return
        if order.back_ordered:
            if back_orders == "partial":
                self.close_back_order(order)
            return
        if order.polls_left > 0:
            order.polls_left -= 1
            return
        self.complete(order)

    def complete(self, order: Order) -> None:
        now = self.clock()
        for item in order.items:
            sku = self.skus[item.sku_id]
            group = self.groups[item.group_id]
            item.billed_from = now.date()
            item.billed_to = (add_month(now) - timedelta(days=1)).date()
            for number in item.numbers:
                did = Did(
                    id=self.new_id(),
                    number=number,
                    group_id=group.id,
                    order_id=order.id,
                    created_at=now,
                    expires_at=add_month(now),
                    channels_included_count=sku.channels_included_count,
                    awaiting_registration=group.needs_registration,
                    billing_cycles_count=item.billing_cycles_count,
                )
                self.dids[did.id] = did
        order.status = "completed"

    def close_back_order(self, order: Order) -> None:
        """Complete a back-ordered order with what it got; refund the numbers that never came."""
        for item in order.items:
            missing = item.qty - len(item.numbers)
            self.balance += missing * (item.setup_price + item.monthly_price)
        order.back_ordered = False
        self.complete(order)

    def take_number(self, available: AvailableDid) -> str:
        """Remove a number from stock (and any hold on it) for an order."""
        self.available.pop(available.id, None)
        held = self.reservation_for(available.id)
        if held is not None:
            del self.reservations[held.id]
        return available.number

    # -- inspection

    def snapshot(self) -> dict[str, Any]:
        return {
            "balance": money(self.balance),
            "credit": money(self.credit),
            "countries": [attrs.asdict(c) for c in self.countries.values()],
            "regions": [attrs.asdict(r) for r in self.regions.values()],
            "cities": [attrs.asdict(c) for c in self.cities.values()],
            "did_group_types": [attrs.asdict(t) for t in self.group_types.values()],
            "did_groups": [
                {
                    "id": g.id,
                    "key": next(k for k, v in self.group_keys.items() if v == g.id),
                    "prefix": g.prefix,
                    "area_name": g.area_name,
                    "type": self.group_types[g.type_id].name,
                    "needs_registration": g.needs_registration,
                    "available_dids_enabled": g.available_dids_enabled,
                    "skus": [
                        {
                            "id": s,
                            "setup_price": ruby_decimal(self.skus[s].setup_price),
                            "monthly_price": ruby_decimal(self.skus[s].monthly_price),
                            "channels_included_count": self.skus[s].channels_included_count,
                        }
                        for s in g.sku_ids
                    ],
                    "stock": [{"id": a.id, "number": a.number} for a in self.group_stock(g.id)],
                }
                for g in self.groups.values()
            ],
            "reservations": [
                {"id": r.id, "available_did_id": r.available_did_id, "expires_at": timestamp(r.expires_at)}
                for r in self.reservations.values()
            ],
            "dids": [
                {
                    "id": d.id,
                    "number": d.number,
                    "did_group_id": d.group_id,
                    "order_id": d.order_id,
                    "description": d.description,
                    "terminated": d.terminated,
                    "awaiting_registration": d.awaiting_registration,
                    "billing_cycles_count": d.billing_cycles_count,
                    "voice_in_trunk_id": d.trunk_id,
                    "voice_in_trunk_group_id": d.trunk_group_id,
                }
                for d in self.dids.values()
            ],
            "orders": [
                {
                    "id": o.id,
                    "reference": o.reference,
                    "status": o.status,
                    "amount": ruby_decimal(o.amount),
                    "external_reference_id": o.external_reference_id,
                    "numbers": [n for i in o.items for n in i.numbers],
                }
                for o in self.orders.values()
            ],
            "voice_in_trunks": [
                {"id": t.id, "name": t.name, "configuration_type": t.config_type, "group_id": t.group_id}
                for t in self.trunks.values()
            ],
            "voice_in_trunk_groups": [{"id": g.id, "name": g.name} for g in self.trunk_groups.values()],
            "purchased_numbers": ["+" + n for n in self.purchased],
        }


def build_world(seed: int, clock: Callable[[], datetime], balance: Decimal) -> World:
    """The starting world for ``seed``. Times are relative to the start of the clock's current day."""
    world = World(rng=random.Random(f"didww:{seed}"), clock=clock, balance=balance)
    today = clock().replace(hour=0, minute=0, second=0, microsecond=0)
    world.balance_id = world.new_id()

    for iso, name, prefix in _COUNTRIES:
        country = Country(world.new_id(), name, prefix, iso)
        world.countries[country.id] = country
    region_ids: dict[tuple[str, str], str] = {}
    for iso, name, region_iso in _REGIONS:
        region = Region(world.new_id(), name, region_iso, world.country_by_iso(iso).id)
        world.regions[region.id] = region
        region_ids[iso, region_iso] = region.id
    city_ids: dict[str, str] = {}
    for name, iso, region_iso in _CITIES:
        city = City(world.new_id(), name, world.country_by_iso(iso).id, region_ids[iso, region_iso])
        world.cities[city.id] = city
        city_ids[name] = city.id
    type_ids: dict[str, str] = {}
    for type_name in _GROUP_TYPES:
        group_type = DidGroupType(world.new_id(), type_name)
        world.group_types[group_type.id] = group_type
        type_ids[type_name] = group_type.id

    for spec in _GROUPS:
        country = world.country_by_iso(spec.iso)
        group = DidGroup(
            id=world.new_id(),
            country_id=country.id,
            region_id=region_ids[spec.iso, spec.region] if spec.region else None,
            city_id=city_ids[spec.city] if spec.city else None,
            type_id=type_ids[spec.type_name],
            prefix=country.prefix + spec.area,
            area_name=spec.area_name,
            features=list(spec.features),
            is_metered=spec.is_metered,
            allow_additional_channels=True,
            service_restrictions=spec.service_restrictions,
            needs_registration=spec.needs_registration,
            available_dids_enabled=spec.available_dids_enabled,
        )
        world.groups[group.id] = group
        world.group_keys[spec.key] = group.id
        for setup, monthly, channels in spec.skus:
            sku = Sku(world.new_id(), group.id, Decimal(setup), Decimal(monthly), channels)
            world.skus[sku.id] = sku
            group.sku_ids.append(sku.id)
        for _ in range(spec.stock):
            number = world.new_number(
                country.prefix, spec.area, _NATIONAL_LENGTH[spec.iso], mobile=spec.mobile
            )
            available = AvailableDid(world.new_id(), number, group.id)
            world.available[available.id] = available

    # trunks and a trunk group
    sip = Trunk(
        id=world.new_id(),
        name="Office PBX",
        created_at=today - timedelta(days=90),
        config_type="sip_configurations",
        config={**SIP_DEFAULTS, "host": "pbx.example.com", "port": 5060},
        description="Main office Asterisk",
    )
    pstn = Trunk(
        id=world.new_id(),
        name="Forward to mobile",
        created_at=today - timedelta(days=60),
        config_type="pstn_configurations",
        config={"dst": world.new_number("44", "74", 10, mobile=True)},
    )
    failover = TrunkGroup(id=world.new_id(), name="Failover", created_at=today - timedelta(days=30))
    backup = Trunk(
        id=world.new_id(),
        name="Backup PBX",
        created_at=today - timedelta(days=30),
        config_type="sip_configurations",
        config={**SIP_DEFAULTS, "host": "backup.example.com", "port": 5080, "transport_protocol_id": 2},
        priority=2,
        group_id=failover.id,
    )
    for trunk in (sip, pstn, backup):
        world.trunks[trunk.id] = trunk
    world.trunk_groups[failover.id] = failover

    # owned DIDs, each bought by its own (completed) order
    owned = [
        ("la_213", 0, "Main line", sip.id, None, 120),
        ("ny_212", 0, "Sales", pstn.id, 6, 75),
        ("ber_30", 0, "Berlin office", None, None, 10),
    ]
    for key, sku_index, description, trunk_id, billing_cycles, age_days in owned:
        group_id = world.group_keys[key]
        did_group = world.groups[group_id]
        spec = next(s for s in _GROUPS if s.key == key)
        sku = world.skus[did_group.sku_ids[sku_index]]
        country = world.countries[did_group.country_id]
        number = world.new_number(country.prefix, spec.area, _NATIONAL_LENGTH[spec.iso])
        bought = today - timedelta(days=age_days) + timedelta(hours=9, minutes=age_days % 60)
        order = Order(
            id=world.new_id(),
            reference=world.new_reference(),
            description="DID",
            status="completed",
            created_at=bought,
            callback_url=None,
            callback_method=None,
            external_reference_id=None,
            items=[
                OrderItem(
                    sku_id=sku.id,
                    group_id=group_id,
                    qty=1,
                    setup_price=sku.setup_price,
                    monthly_price=sku.monthly_price,
                    billing_cycles_count=billing_cycles,
                    numbers=[number],
                    billed_from=bought.date(),
                    billed_to=(add_month(bought) - timedelta(days=1)).date(),
                )
            ],
        )
        world.orders[order.id] = order
        expires = bought
        while expires <= today:
            expires = add_month(expires)
        did = Did(
            id=world.new_id(),
            number=number,
            group_id=group_id,
            order_id=order.id,
            created_at=bought + timedelta(seconds=7),
            expires_at=expires,
            channels_included_count=sku.channels_included_count,
            description=description,
            awaiting_registration=did_group.needs_registration,
            capacity_limit=2 if trunk_id == sip.id else None,
            billing_cycles_count=billing_cycles,
            trunk_id=trunk_id,
        )
        world.dids[did.id] = did
    return world


def lookup(table: Mapping[str, T], key: str) -> T:
    """``table[key]`` or the DIDWW 404."""
    try:
        return table[key]
    except KeyError:
        raise err.not_found(key) from None
