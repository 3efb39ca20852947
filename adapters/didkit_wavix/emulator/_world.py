"""The Wavix emulator's in-memory world: geography, stock, the cart, owned numbers, SIP trunks
and the balance, built deterministically from a seed, and the state changes the API makes.

Nothing here knows HTTP: operations raise :class:`ApiError` with the status and message Wavix
would answer, and the routes turn that into a response.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

import attrs
import phonenumbers

#: Wavix document types (``doc_types`` in cart and number listings).
DOC_TYPES: dict[int, tuple[str, str]] = {
    1: ("id", "Any form of ID"),
    2: ("address", "Proof of address"),
    3: ("localaddress", "Proof of local address"),
}


class ApiError(Exception):
    """A request Wavix would refuse: ``status`` and the ``message`` of its flat error body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@attrs.frozen
class Country:
    id: int
    name: str
    iso: str
    has_provinces_or_states: bool


@attrs.frozen
class Region:
    id: int
    country_id: int
    name: str
    code: str


@attrs.frozen
class City:
    id: int
    country_id: int
    region_id: int | None
    name: str
    area_code: int


@attrs.frozen
class Offer:
    """One number in stock, with the terms it sells on."""

    number: str  # E.164 digits, no '+'
    city_id: int
    activation_fee: Decimal
    monthly_fee: Decimal
    per_min: Decimal
    channels: int
    sms_enabled: bool
    sms_price: Decimal
    cnam: bool | None
    free_min: int
    domestic_cli: bool
    require_docs: tuple[int, ...]


@attrs.define
class Destination:
    id: int
    destination: str
    priority: int
    transport: int
    trunk_id: int | None
    srtp: bool = False


@attrs.define
class Document:
    id: int
    doc_type_id: int
    status: str
    file_name: str
    content_type: str


@attrs.define
class OwnedNumber:
    id: int
    offer: Offer
    added: datetime
    paid_until: date
    status: str
    sms_enabled: bool
    label: str | None = None
    sms_relay_url: str | None = None
    call_status_url: str | None = None
    call_recording_enabled: bool = False
    transcription_enabled: bool = False
    transcription_threshold: int = 6
    seconds: int = 0
    destinations: list[Destination] = attrs.field(factory=list)
    documents: list[Document] = attrs.field(factory=list)

    @property
    def number(self) -> str:
        return self.offer.number


@attrs.frozen
class Trunk:
    id: int
    name: str  # the system-generated login, used as the transport-5 destination
    label: str
    auth_method: str
    callerid: str | None
    host: str
    status: str
    created_at: datetime
    max_channels: int | None
    allowed_ips: tuple[tuple[int, str], ...] = ()
    encrypted_media: bool = False
    talk_time: int = 0
    charge: Decimal = Decimal("0")


@attrs.define
class World:
    countries: dict[int, Country]
    regions: dict[int, Region]
    cities: dict[int, City]
    stock: dict[str, Offer]
    owned: dict[int, OwnedNumber]
    trunks: dict[int, Trunk]
    balance: Decimal
    now: Callable[[], datetime]
    cart: list[str] = attrs.field(factory=list)
    purchased: list[str] = attrs.field(factory=list)
    #: numbers made unavailable (sold elsewhere), with the terms they had
    sold: dict[str, Offer] = attrs.field(factory=dict)
    next_number_id: int = 24880
    next_destination_id: int = 1
    next_document_id: int = 421

    # -- lookups ----------------------------------------------------------------------------------

    def country(self, country_id: str) -> Country:
        found = self.countries.get(_int_or_none(country_id) or -1)
        if found is None:
            raise ApiError(404, "Record not found")
        return found

    def city_in(self, country: Country, city_id: str) -> City:
        city = self.cities.get(_int_or_none(city_id) or -1)
        if city is None or city.country_id != country.id:
            raise ApiError(404, "Record not found")
        return city

    def offers_in(self, city_id: int) -> list[Offer]:
        return sorted((o for o in self.stock.values() if o.city_id == city_id), key=lambda o: o.number)

    def has_sms_stock(
        self, *, country_id: int | None = None, region_id: int | None = None, city_id: int | None = None
    ) -> bool:
        for offer in self.stock.values():
            if not offer.sms_enabled:
                continue
            city = self.cities[offer.city_id]
            if country_id is not None and city.country_id != country_id:
                continue
            if region_id is not None and city.region_id != region_id:
                continue
            if city_id is not None and city.id != city_id:
                continue
            return True
        return False

    def number(self, number_id: str | int) -> OwnedNumber:
        owned = self.owned.get(number_id if isinstance(number_id, int) else _int_or_none(number_id) or -1)
        if owned is None:
            raise ApiError(404, "Record not found")
        return owned

    def trunk(self, trunk_id: str) -> Trunk:
        trunk = self.trunks.get(_int_or_none(trunk_id) or -1)
        if trunk is None:
            raise ApiError(404, "Record not found")
        return trunk

    # -- cart and checkout ------------------------------------------------------------------------

    def add_to_cart(self, numbers: list[str]) -> None:
        for number in numbers:
            if number in self.sold or (number not in self.stock and _was_ours(self, number)):
                raise ApiError(404, f"Phone number {number} is no longer available")
            if number not in self.stock:
                raise ApiError(404, "Record not found")
        for number in numbers:
            if number not in self.cart:
                self.cart.append(number)

    def remove_from_cart(self, numbers: list[str]) -> None:
        missing = [n for n in numbers if n not in self.cart]
        if missing:
            raise ApiError(404, "Record not found")
        self.cart = [n for n in self.cart if n not in numbers]

    def cart_offers(self) -> list[Offer]:
        """The cart's numbers, with their terms (also those sold since they were added)."""
        return [self.stock.get(n) or self.sold[n] for n in self.cart if n in self.stock or n in self.sold]

    def checkout(self, numbers: list[str]) -> list[OwnedNumber]:
        """Buy ``numbers`` from the cart: all or nothing, committed before returning."""
        wanted = list(dict.fromkeys(numbers))
        for number in wanted:
            if number not in self.cart:
                raise ApiError(404, "Resource not found.")
        for number in wanted:
            if number not in self.stock:
                raise ApiError(404, f"Phone number {number} is no longer available")
        offers = [self.stock[n] for n in wanted]
        total = sum((o.activation_fee + o.monthly_fee for o in offers), Decimal("0"))
        if total > self.balance:
            raise ApiError(422, "Insufficient funds")
        self.balance -= total
        now = self.now().replace(microsecond=0)
        bought = []
        for offer in offers:
            del self.stock[offer.number]
            self.cart.remove(offer.number)
            owned = OwnedNumber(
                id=self._number_id(),
                offer=offer,
                added=now,
                paid_until=add_month(now.date()),
                status="inactive" if offer.require_docs else "active",
                sms_enabled=offer.sms_enabled,
            )
            self.owned[owned.id] = owned
            self.purchased.append("+" + offer.number)
            bought.append(owned)
        return bought

    # -- owned numbers ----------------------------------------------------------------------------

    def release(self, owned: Iterable[OwnedNumber]) -> None:
        """Give numbers back to stock (on their original terms)."""
        for record in owned:
            del self.owned[record.id]
            self.stock[record.number] = record.offer

    def new_destination_id(self) -> int:
        self.next_destination_id += 1
        return self.next_destination_id - 1

    def approve_documents(self, owned: OwnedNumber) -> None:
        """Documents for ``owned`` reviewed and approved: it becomes active."""
        have = {d.doc_type_id for d in owned.documents}
        for doc_type in owned.offer.require_docs:
            if doc_type not in have:
                owned.documents.append(
                    Document(
                        self.next_document_id,
                        doc_type,
                        "approved",
                        f"{DOC_TYPES[doc_type][0]}.pdf",
                        "application/pdf",
                    )
                )
                self.next_document_id += 1
        for document in owned.documents:
            document.status = "approved"
        owned.status = "active"

    def _number_id(self) -> int:
        self.next_number_id += 1
        return self.next_number_id - 1


def _was_ours(world: World, number: str) -> bool:
    return any(o.number == number for o in world.owned.values())


def _int_or_none(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 12 else None


def add_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


# -- the seeded world ------------------------------------------------------------------------------

US, GB, DE, AR = 8871, 8845, 8706, 8669
CA_, NY_, IL_, FL_, WA_, TX_ = 17, 45, 26, 22, 60, 56

COUNTRIES = (
    Country(AR, "Argentina", "AR", False),
    Country(DE, "Germany", "DE", False),
    Country(GB, "United Kingdom", "GB", False),
    Country(US, "United States", "US", True),
)
REGIONS = (
    Region(CA_, US, "California", "CA"),
    Region(FL_, US, "Florida", "FL"),
    Region(IL_, US, "Illinois", "IL"),
    Region(NY_, US, "New York", "NY"),
    Region(TX_, US, "Texas", "TX"),
    Region(WA_, US, "Washington", "WA"),
)
LOS_ANGELES, NEW_YORK, CHICAGO, MIAMI, SEATTLE, AUSTIN = 305581, 309813, 298415, 307205, 316009, 291732
LONDON, BERLIN, BUENOS_AIRES = 251764, 204519, 128791
CITIES = (
    City(LOS_ANGELES, US, CA_, "LOS ANGELES, CA", 213),
    City(NEW_YORK, US, NY_, "NEW YORK, NY", 212),
    City(CHICAGO, US, IL_, "CHICAGO, IL", 312),
    City(MIAMI, US, FL_, "MIAMI, FL", 305),
    City(SEATTLE, US, WA_, "SEATTLE, WA", 206),
    City(AUSTIN, US, TX_, "AUSTIN, TX", 512),
    City(LONDON, GB, None, "London", 20),
    City(BERLIN, DE, None, "Berlin", 30),
    City(BUENOS_AIRES, AR, None, "Buenos Aires", 113),
)


@attrs.frozen
class _Group:
    """A block of stock: numbers starting with ``prefix`` (after the country code) on shared terms."""

    city_id: int
    cc: str
    prefix: str
    digits: int  # digits after the prefix
    count: int
    activation: str
    monthly: str
    per_min: str
    channels: int
    sms: bool | None  # None: mixed, decided per number
    sms_price: str = "0"
    cnam: bool | None = False
    free_min: int = 0
    domestic_cli: bool = True
    require_docs: tuple[int, ...] = ()


GROUPS = (
    _Group(LOS_ANGELES, "1", "213", 7, 12, "0.99", "0.99", "0.01", 24, None, "0.0085", True),
    _Group(LOS_ANGELES, "1", "310", 7, 8, "1.5", "1.49", "0.01", 24, True, "0.0085", True),
    _Group(NEW_YORK, "1", "212", 7, 9, "2.0", "1.99", "0.012", 24, None, "0.0085", None),
    _Group(NEW_YORK, "1", "646", 7, 10, "0.99", "0.99", "0.01", 4, False),
    _Group(CHICAGO, "1", "312", 7, 14, "0.99", "1.15", "0.01", 24, None, "0.0085"),
    _Group(MIAMI, "1", "305", 7, 11, "0.99", "0.99", "0.01", 24, True, "0.0085", True),
    _Group(SEATTLE, "1", "206", 7, 7, "1.0", "1.25", "0.009", 12, None, "0.0085"),
    _Group(AUSTIN, "1", "512", 7, 6, "0.99", "0.99", "0.01", 24, False, cnam=None),
    _Group(LONDON, "44", "207", 7, 9, "3.0", "4.5", "0.015", 4, False, free_min=100, domestic_cli=False),
    _Group(LONDON, "44", "203", 7, 5, "3.0", "4.0", "0.015", 4, False, domestic_cli=False),
    _Group(BERLIN, "49", "30", 8, 8, "5.0", "3.5", "0.02", 2, False, domestic_cli=False),
    _Group(BERLIN, "49", "30", 8, 6, "0.0", "2.9", "0.02", 2, False, domestic_cli=False, require_docs=(1, 3)),
    _Group(BUENOS_AIRES, "54", "11", 8, 10, "15.0", "10.0", "0.01", 4, False),
)


def _draw(rng: random.Random, cc: str, prefix: str, digits: int, taken: set[str]) -> str:
    while True:
        first = rng.choice("23456789")
        number = cc + prefix + first + "".join(rng.choice("0123456789") for _ in range(digits - 1))
        if number not in taken and phonenumbers.is_valid_number(phonenumbers.parse("+" + number)):
            taken.add(number)
            return number


def _offer(group: _Group, number: str, sms: bool) -> Offer:
    return Offer(
        number=number,
        city_id=group.city_id,
        activation_fee=Decimal(group.activation),
        monthly_fee=Decimal(group.monthly),
        per_min=Decimal(group.per_min),
        channels=group.channels,
        sms_enabled=sms,
        sms_price=Decimal(group.sms_price) if sms else Decimal("0"),
        cnam=group.cnam,
        free_min=group.free_min,
        domestic_cli=group.domestic_cli,
        require_docs=group.require_docs,
    )


def build(seed: int, now: Callable[[], datetime], balance: Decimal) -> World:
    """The world for ``seed``: the same every time for the same seed (and clock)."""
    rng = random.Random(f"wavix-emulator:{seed}")
    taken: set[str] = set()
    stock: dict[str, Offer] = {}
    for group in GROUPS:
        for _ in range(group.count):
            number = _draw(rng, group.cc, group.prefix, group.digits, taken)
            sms = group.sms if group.sms is not None else rng.random() < 0.6
            stock[number] = _offer(group, number, sms)
    world = World(
        countries={c.id: c for c in COUNTRIES},
        regions={r.id: r for r in REGIONS},
        cities={c.id: c for c in CITIES},
        stock=stock,
        owned={},
        trunks={},
        balance=balance,
        now=now,
    )
    start = now().replace(hour=0, minute=0, second=0, microsecond=0)
    world.trunks = {
        3107: Trunk(
            3107,
            "32882",
            "Main PBX",
            "Digest",
            "13105550100",
            "dynamic",
            "active",
            start - timedelta(days=400) + timedelta(hours=9, minutes=13),
            10,
            encrypted_media=True,
            talk_time=3125,
            charge=Decimal("24.637"),
        ),
        3215: Trunk(
            3215,
            "32990",
            "Backup PBX",
            "IP auth",
            None,
            "203.0.113.10",
            "active",
            start - timedelta(days=120) + timedelta(hours=14, minutes=2),
            None,
            allowed_ips=((6712, "203.0.113.10"),),
        ),
    }
    la, ny, chi = (GROUPS[1], GROUPS[2], GROUPS[4])
    la_number = _draw(rng, la.cc, la.prefix, la.digits, taken)
    ny_number = _draw(rng, ny.cc, ny.prefix, ny.digits, taken)
    chi_number = _draw(rng, chi.cc, chi.prefix, chi.digits, taken)
    forward_to = _draw(rng, "1", "415", 7, taken)

    def owned(offer: Offer, days_ago: int, status: str) -> OwnedNumber:
        added = start - timedelta(days=days_ago) + timedelta(hours=6, minutes=42, seconds=59)
        paid_until = added.date()
        while paid_until <= start.date():
            paid_until = add_month(paid_until)
        return OwnedNumber(world._number_id(), offer, added, paid_until, status, offer.sms_enabled)

    first = owned(_offer(la, la_number, True), 95, "active")
    first.label = "Support line"
    first.sms_relay_url = "https://hooks.example.com/wavix/sms"
    first.destinations = [
        Destination(world.new_destination_id(), f"{la_number}@sip.example.com", 1, 1, None),
        Destination(world.new_destination_id(), "32882", 2, 5, 3107),
    ]
    second = owned(_offer(ny, ny_number, True), 40, "active")
    second.destinations = [Destination(world.new_destination_id(), forward_to, 1, 4, None)]
    third_offer = attrs.evolve(_offer(chi, chi_number, False), require_docs=(1,))
    third = owned(third_offer, 2, "inactive")
    third.label = "Chicago office"
    third.documents = [Document(420, 1, "pending", "passport.png", "image/png")]
    world.owned = {n.id: n for n in (first, second, third)}
    return world
