"""``didkit search``, ``didkit buy`` and ``didkit procure``: inventory across providers, and buying."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from ..errors import InvalidInputError
from ._core import EXIT_USAGE, CliFailure, State, confirm, fail, get_state, one_line, warn_failure
from ._output import (
    Col,
    count,
    jsonable,
    money,
    offer_number,
    offers_table,
    out,
    print_json,
    say,
    show,
    table,
    text,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..broker import Comparison, ProcurementAttempt, ProviderReport
    from ..model import DID, AvailableNumber, Money, Order, SearchQuery
    from ..protocol import NumberProvider
    from ._output import Activity


class NumberTypeChoice(str, enum.Enum):
    """``--type`` values."""

    local = "local"
    mobile = "mobile"
    toll_free = "toll-free"
    national = "national"
    shared_cost = "shared-cost"


class StrategyChoice(str, enum.Enum):
    """``--strategy`` values."""

    cheapest = "cheapest"
    in_order = "in_order"


_FILTERS = "Search filters"

ProvidersOption = Annotated[
    list[str] | None,
    typer.Option(
        "--provider", "-p", help="Ask this provider (repeatable; default: see 'didkit --help').", metavar="NAME"
    ),
]
CountryOption = Annotated[
    str,
    typer.Option(
        "--country", "-c", help="ISO 3166-1 alpha-2 country code, e.g. US.", metavar="CC", rich_help_panel=_FILTERS
    ),
]
RegionOption = Annotated[
    str | None, typer.Option("--region", "-r", help="Region or state, e.g. CA or California.", rich_help_panel=_FILTERS)
]
CityOption = Annotated[str | None, typer.Option("--city", help="City, e.g. 'Los Angeles'.", rich_help_panel=_FILTERS)]
PrefixOption = Annotated[
    str | None,
    typer.Option(
        "--prefix",
        help="Digits right after the country code (an area code or NPA-NXX), e.g. 213.",
        metavar="DIGITS",
        rich_help_panel=_FILTERS,
    ),
]
ContainsOption = Annotated[
    str | None,
    typer.Option("--contains", help="Digits anywhere in the number.", metavar="DIGITS", rich_help_panel=_FILTERS),
]
TypeOption = Annotated[
    NumberTypeChoice | None, typer.Option("--type", "-t", help="Kind of number.", rich_help_panel=_FILTERS)
]
SmsOption = Annotated[bool, typer.Option("--sms", help="Only numbers that can receive SMS.", rich_help_panel=_FILTERS)]
LimitOption = Annotated[
    int | None,
    typer.Option("--limit", "-n", help="At most N offers per provider.", metavar="N", min=1, rich_help_panel=_FILTERS),
]
ReferenceOption = Annotated[
    str,
    typer.Option(
        "--reference",
        help="Your idempotency key for this purchase (an order id, say). Keep it: asking again with the same "
        "reference must not buy twice.",
        metavar="REF",
    ),
]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def build_query(
    country: str,
    region: str | None = None,
    city: str | None = None,
    prefix: str | None = None,
    contains: str | None = None,
    number_type: NumberTypeChoice | None = None,
    sms: bool = False,
    limit: int | None = None,
) -> SearchQuery:
    """The :class:`~didkit.SearchQuery` for the filter options (validated: bad input stops here)."""
    from ..model import Capability, SearchQuery

    return SearchQuery(
        country=country,
        region=region,
        city=city,
        prefix=prefix,
        contains=contains,
        number_type=number_type.value if number_type is not None else None,
        capabilities={Capability.SMS} if sms else (),
        limit=limit,
    )


# -- comparison with a progress indicator ------------------------------------------------------


class SearchProgress:
    """The broker's ``progress`` callback: which providers have answered, on the activity line
    (a terminal), or one line per provider on stderr otherwise (none in --json mode)."""

    def __init__(self, activity: Activity, names: Sequence[str], *, quiet: bool) -> None:
        self.activity = activity
        self.names = list(names)
        self.quiet = quiet
        self.answered: list[str] = []
        activity.update(self.message())

    def message(self) -> str:
        waiting = ", ".join(name for name in self.names if name not in self.answered)
        if not waiting:
            return f"Ranking the offers of {', '.join(self.names)}…"
        answered = f" ({len(self.answered)}/{len(self.names)} answered)" if self.answered else ""
        return f"Searching {waiting}…{answered}"

    def __call__(self, report: ProviderReport) -> None:
        self.answered.append(report.provider)
        self.activity.update(self.message())
        if not self.quiet and not self.activity.live and report.error is None:
            say(f"{report.provider}: {count(report.offers, 'offer')} in {report.elapsed:.2f} s")


def run_compare(state: State, query: SearchQuery, providers: Sequence[NumberProvider]) -> Comparison:
    """``didkit.compare`` with the progress indicator; failing providers get a warning line. When
    no provider answered, the command fails with compare's one line naming each failure (exit
    status 2 when every failure was bad input, such as a place no carrier knows; else 1)."""
    from ..broker import ComparisonFailedError, compare

    names = [p.name for p in providers]
    try:
        with state.activity("Searching…") as activity:
            comparison = compare(query, list(providers), progress=SearchProgress(activity, names, quiet=state.json))
    except ComparisonFailedError as error:
        errors = list(error.errors.values())
        if len(errors) == 1:
            raise errors[0] from None
        raise
    for report in comparison.report:
        if report.error is not None:
            warn_failure(report.provider, report.error)
        for note in report.notes:
            _warn(report.provider, note)  # a degraded search: the offers below reflect it
    return comparison


def _warn(provider: str, message: str) -> None:
    """A per-provider warning, as one line on stderr, said once to come from ``provider``."""
    warn_failure(provider, Warning(message))


def positions(offers: Sequence[AvailableNumber]) -> list[tuple[int, AvailableNumber]]:
    """Each offer with its position among its own provider's offers (1-based): the ``#`` that
    ``didkit buy --provider P --offer #`` takes."""
    counters: dict[str, int] = {}
    result = []
    for offer in offers:
        counters[offer.provider] = counters.get(offer.provider, 0) + 1
        result.append((counters[offer.provider], offer))
    return result


def _offers_json(rows: Sequence[tuple[int, AvailableNumber]]) -> list[dict[str, Any]]:
    items = []
    for position, offer in rows:
        item = jsonable(offer)
        item["offer"] = position
        items.append(item)
    return items


# -- search ----------------------------------------------------------------------------------------


def search(
    ctx: typer.Context,
    country: CountryOption,
    region: RegionOption = None,
    city: CityOption = None,
    prefix: PrefixOption = None,
    contains: ContainsOption = None,
    number_type: TypeOption = None,
    sms: SmsOption = False,
    limit: LimitOption = None,
    provider: ProvidersOption = None,
) -> None:
    """Compare inventory across providers: one table, cheapest first by the cost of a year
    (setup price plus 12 × monthly price); offers without a price come last.

    '#' is an offer's position among its provider's offers: 'didkit buy --provider P --offer #'
    with the same filters buys it. A provider that fails gets a warning on stderr; the others
    still answer. So does a provider whose search was degraded (say, an account that may list
    only "any number from this group" offers).
    """
    state = get_state(ctx)
    query = build_query(country, region, city, prefix, contains, number_type, sms, limit)
    providers = state.connect_all(provider)
    comparison = run_compare(state, query, providers)
    rows = positions(list(comparison))
    if state.json:
        print_json(_offers_json(rows))
        return
    if not rows:
        say("no offers match")
        return
    show(offers_table(rows))


# -- buy -----------------------------------------------------------------------------------------


def _single_provider(state: State, provider: str | None) -> str:
    if provider:
        return provider
    if len(state.providers) == 1:
        return state.providers[0]
    raise CliFailure("buy needs exactly one --provider", EXIT_USAGE)


def _find_number(provider: NumberProvider, number: str, filters: dict[str, Any]) -> tuple[int, AvailableNumber]:
    import phonenumbers

    from ..validation import normalize_e164, region_of

    e164 = normalize_e164(number)
    country = region_of(e164)
    if country is None:
        fail(f"cannot tell the country of {e164}", EXIT_USAGE)
    if filters.get("country") and str(filters["country"]).strip().upper() != country:
        fail(f"{e164} is not a number of {filters['country']}", EXIT_USAGE)
    national = str(phonenumbers.parse(e164, None).national_number)
    query = build_query(**{**filters, "country": country, "contains": national, "prefix": None})
    for position, offer in enumerate(provider.search_numbers(query), start=1):
        if offer.number == e164:
            return position, offer
    raise CliFailure(f"{e164} is not available from {provider.name}")


def _order_view(order: Order) -> None:
    arrived = ""
    if order.requested is not None and order.requested > 1:
        arrived = f" ({len(order.numbers)} of {order.requested} numbers arrived)"
    summary = (
        f"order {order.id} at {order.provider}: {text(order.status)}{arrived}"
        f", reference {order.reference or '-'}, total {money(order.total)}"
    )
    out().print(summary)
    if order.numbers:
        from ._output import numbers_table

        show(numbers_table(order.numbers))


def buy(
    ctx: typer.Context,
    reference: ReferenceOption,
    provider: Annotated[
        str | None, typer.Option("--provider", "-p", help="The provider to buy from.", metavar="NAME")
    ] = None,
    number: Annotated[
        str | None, typer.Option("--number", help="Buy this specific number (E.164, e.g. +12135550123).")
    ] = None,
    offer: Annotated[
        int | None,
        typer.Option(
            "--offer",
            help="Buy the offer at this '#' of 'didkit search --provider P' with the same filters.",
            metavar="N",
            min=1,
        ),
    ] = None,
    country: Annotated[
        str | None,
        typer.Option("--country", "-c", help="ISO country code (needed with --offer).", rich_help_panel=_FILTERS),
    ] = None,
    region: RegionOption = None,
    city: CityOption = None,
    prefix: PrefixOption = None,
    contains: ContainsOption = None,
    number_type: TypeOption = None,
    sms: SmsOption = False,
    limit: LimitOption = None,
    wait: Annotated[
        float, typer.Option("--wait", help="Seconds to wait for an asynchronous order to complete.", min=0)
    ] = 60.0,
    quantity: Annotated[
        int,
        typer.Option(
            "--quantity",
            "-q",
            help="Buy this many numbers of an 'any number' --offer in one order (a specific number is one).",
            metavar="N",
            min=1,
        ),
    ] = 1,
    yes: YesOption = False,
) -> None:
    """Buy one number from one provider: a specific --number, or the --offer at a search position
    (with --quantity N, N numbers of an 'any number' offer in one order).

    Shows what will be bought and its price, and asks before buying (unless --yes or --json).
    """
    state = get_state(ctx)
    if (number is None) == (offer is None):
        fail("give either --number or --offer", EXIT_USAGE)
    if offer is not None and not country:
        fail("--offer needs --country (and the same filters as the search)", EXIT_USAGE)
    name = _single_provider(state, provider)
    filters: dict[str, Any] = {
        "country": country,
        "region": region,
        "city": city,
        "prefix": prefix,
        "contains": contains,
        "number_type": number_type,
        "sms": sms,
        "limit": limit,
    }
    if offer is not None:
        query = build_query(**filters)
        client = state.connect_all([name])[0]
        found = list(run_compare(state, query, [client]))
        if offer > len(found):
            fail(f"--offer {offer}: the search found {count(len(found), 'offer')} at {name}", EXIT_USAGE)
        position, chosen = offer, found[offer - 1]
    else:
        from ..validation import normalize_e164

        normalize_e164(number or "")
        client = state.connect_all([name])[0]
        with state.activity(f"Looking for {number} at {name}…"):
            position, chosen = _find_number(client, number or "", filters)

    if not state.json:
        show(offers_table([(position, chosen)], title=f"To buy from {name}"))
    if quantity > 1 and chosen.number is not None:
        fail(f"--quantity {quantity}: {chosen.number} is one specific number", EXIT_USAGE)
    if not (yes or state.json):
        many = f"{quantity} × " if quantity > 1 else ""
        confirm(
            f"Buy {many}{offer_number(chosen)} from {name} for {money(chosen.setup_price)} setup + "
            f"{money(chosen.monthly_price)}/month{' each' if many else ''} (reference {reference})?",
            declined="aborted: nothing was bought",
        )
    from ..broker import buy as broker_buy
    from ._procurements import ledger_spec

    waits = ""
    if client.capabilities.async_orders:
        waits = f" (an asynchronous order: waiting up to {wait:g} s for it to complete)"
    from ..broker import ProcurementIncompleteError

    with state.activity(f"Buying {offer_number(chosen)} from {name}{waits}…"):
        try:
            result = broker_buy(
                client, chosen, reference=reference, wait=wait, ledger=ledger_spec(state.sandbox), quantity=quantity
            )
        except ProcurementIncompleteError as error:
            if error.procurement is not None and not state.json:
                for partial in error.procurement.orders:
                    _order_view(partial)
            raise
    if state.json:
        print_json(result.order)
        return
    for order in result.orders:
        _order_view(order)


# -- procure -------------------------------------------------------------------------------------


def _parse_cap(value: str | None, option: str) -> Money | Decimal | None:
    """A price cap: ``1.50`` (in each offer's own currency) or ``1.50 USD``."""
    if value is None:
        return None
    from ..model import Money

    parts = value.replace("/", " ").split()
    try:
        if len(parts) == 2:
            priced = Money(parts[0], parts[1])
            cap: Money | Decimal = priced
            amount = priced.amount
        elif len(parts) == 1:
            cap = amount = Money(parts[0]).amount
        else:
            raise InvalidInputError("expected an amount and at most a currency code")
    except InvalidInputError as exc:
        shape = "an amount such as 1.50 or '1.50 USD'"
        raise InvalidInputError(f"{option} must be {shape}, got {value!r}: {exc}") from None
    if amount < 0:
        raise InvalidInputError(f"{option} must not be negative, got {value!r}")
    return cap


def _attempts_table(attempts: Sequence[ProcurementAttempt]) -> Any:
    rows = [
        (
            attempt.provider,
            offer_number(attempt.offer),
            money(attempt.offer.monthly_price),
            attempt.outcome,
            one_line(str(attempt.error)) if attempt.error is not None else "-",
            f"{attempt.elapsed:.2f} s",
        )
        for attempt in attempts
    ]
    numbers = [len(row[1]) for row in rows if row[1].startswith("+")]
    columns = (
        Col("provider", whole=True),
        Col("number", floor=max(numbers, default=None)),  # "any in <city>" may wrap, a number never
        Col("monthly", whole=True, right=True),
        Col("outcome", whole=True),
        Col("error"),
        Col("elapsed", whole=True, right=True, drop=1),
    )
    return table(columns, rows)


_PREVIEW_ROWS = 10


class _Narrator:
    """Tells the activity line what procure does: which offer it buys (and what failed before),
    when it reconciles. The broker reports only its searches, so the CLI watches the calls it
    makes to the providers instead (see :meth:`watch`)."""

    def __init__(self, activity: Activity, reference: str) -> None:
        self.activity = activity
        self.reference = reference
        self.failed: str | None = None

    def watch(self, provider: NumberProvider) -> NumberProvider:
        return cast("NumberProvider", _Narrated(provider, self))


class _Narrated:
    """``provider``, narrating its purchases and reconciliation calls; the rest goes straight to it."""

    def __init__(self, provider: NumberProvider, narrator: _Narrator) -> None:
        self._provider = provider
        self._narrator = narrator

    def __getattr__(self, name: str) -> Any:
        return getattr(self._provider, name)

    def purchase(self, offer: AvailableNumber, **options: Any) -> Order:
        narrator = self._narrator
        earlier = f" ({narrator.failed})" if narrator.failed else ""
        narrator.activity.update(f"Buying {offer_number(offer)} from {self._provider.name}{earlier}…")
        try:
            return self._provider.purchase(offer, **options)
        except Exception as error:
            narrator.failed = f"{offer_number(offer)} from {self._provider.name} failed: {type(error).__name__}"
            raise

    def _reconciling(self) -> None:
        narrator = self._narrator
        narrator.activity.update(f"Reconciling reference {narrator.reference} with {self._provider.name}…")

    def get_order(self, order_id: str) -> Order:
        self._reconciling()
        return self._provider.get_order(order_id)

    def get_number(self, ref: DID | str) -> DID:
        self._reconciling()
        return self._provider.get_number(ref)

    def list_numbers(self, **filters: Any) -> Iterator[DID]:
        self._reconciling()
        return self._provider.list_numbers(**filters)


def procure(
    ctx: typer.Context,
    country: CountryOption,
    reference: ReferenceOption,
    region: RegionOption = None,
    city: CityOption = None,
    prefix: PrefixOption = None,
    contains: ContainsOption = None,
    number_type: TypeOption = None,
    sms: SmsOption = False,
    limit: LimitOption = None,
    max_monthly: Annotated[
        str | None,
        typer.Option(
            "--max-monthly",
            help="Only offers at most this monthly price: 1.50 (in each offer's currency) or '1.50 USD'.",
            metavar="PRICE",
        ),
    ] = None,
    max_setup: Annotated[
        str | None,
        typer.Option("--max-setup", help="Only offers at most this setup price (as --max-monthly).", metavar="PRICE"),
    ] = None,
    no_documents: Annotated[
        bool, typer.Option("--no-documents", help="Skip offers that need documents or registration.")
    ] = False,
    strategy: Annotated[
        StrategyChoice,
        typer.Option(
            "--strategy",
            help="cheapest: every provider's offers, cheapest first (setup plus 12 × monthly); in_order: the "
            "providers' order (as given with --provider), cheapest first within each.",
        ),
    ] = StrategyChoice.cheapest,
    wait: Annotated[
        float, typer.Option("--wait", help="Seconds to wait for an asynchronous order to complete.", min=0)
    ] = 60.0,
    count_: Annotated[
        int,
        typer.Option(
            "--count",
            "-n",
            help="Buy this many numbers in all, filled from the offers in order across providers; never more.",
            metavar="N",
            min=1,
        ),
    ] = 1,
    hold_first: Annotated[
        bool,
        typer.Option(
            "--hold-first", help="Hold the chosen specific numbers before buying (where the carrier can hold)."
        ),
    ] = False,
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile",
            help="The end user's profile (TOML; see 'didkit requirements'): buy numbers that need documents "
            "only where it fits, and register it right after the purchase.",
        ),
    ] = None,
    provider: ProvidersOption = None,
    yes: YesOption = False,
) -> None:
    """Buy exactly one number (or --count N) from the best provider, failing over to the next
    offer on errors another provider can cure (out of stock, documents required, outage, rate limit).

    With --profile, an offer that needs documents is checked against the carrier's requirements
    first (one the profile does not fit is skipped) and the end user is registered right after
    the purchase; the registration is shown with the order. A failed registration does not undo
    the purchase: it is shown as a warning (exit status 0); register again with 'didkit register'.

    Never buys twice: an attempt whose outcome is unknown stops the run (exit status 1) and names
    the provider to check. Shows the plan and asks before buying (unless --yes or --json), then
    the order and every attempt. Keep the reference: see the failover procurement recipe.
    """
    from ..broker import AmbiguousProcurementError, ProcurementFailedError
    from ..broker import procure as broker_procure
    from ._procurements import ledger_spec
    from ._regulatory import load_profile

    state = get_state(ctx)
    query = build_query(country, region, city, prefix, contains, number_type, sms, limit)
    monthly_cap = _parse_cap(max_monthly, "--max-monthly")
    setup_cap = _parse_cap(max_setup, "--max-setup")
    if profile is not None and no_documents:
        raise InvalidInputError("--profile and --no-documents contradict each other: leave one out")
    end_user = load_profile(profile) if profile is not None else None  # every file read before any request
    providers = state.connect_all(provider)
    names = [p.name for p in providers]

    if not (yes or state.json):
        comparison = run_compare(state, query, providers)
        candidates = comparison.plan(
            max_monthly=monthly_cap,
            max_setup=setup_cap,
            require_no_documents=no_documents,
            strategy=strategy.value,
        )
        if not candidates:
            fail("no offer fits: nothing to buy")
        rows = list(enumerate(candidates, start=1))[:_PREVIEW_ROWS]  # here '#' is the order of the attempts
        show(offers_table(rows, title=f"procure tries these offers in this order ({strategy.value}) and buys one"))
        if len(candidates) > _PREVIEW_ROWS:
            say(f"… and {len(candidates) - _PREVIEW_ROWS} more")
        first = candidates[0]
        confirm(
            f"Buy {count(count_, 'number') if count_ > 1 else 'one number'}, first choice {offer_number(first)} "
            f"from {first.provider} for "
            f"{money(first.setup_price)} setup + {money(first.monthly_price)}/month (reference {reference})?",
            declined="aborted: nothing was bought",
        )

    try:
        with state.activity("Searching…") as activity:
            narrator = _Narrator(activity, reference)
            result = broker_procure(
                query,
                [narrator.watch(p) for p in providers],
                reference=reference,
                ledger=ledger_spec(state.sandbox),
                strategy=strategy.value,
                require_no_documents=no_documents,
                wait=wait,
                progress=SearchProgress(activity, names, quiet=state.json),
                max_monthly=monthly_cap,
                max_setup=setup_cap,
                count=count_,
                hold_first=hold_first,
                end_user=end_user,
            )
    except (ProcurementFailedError, AmbiguousProcurementError) as error:
        bought = error.procurement.orders if error.procurement is not None else ()
        if state.json:
            print_json(
                {
                    "order": bought[0] if bought else None,
                    "orders": list(bought),
                    "reference": reference,
                    "attempts": error.attempts,
                    "error": error,
                }
            )
        else:
            for order in bought:
                _order_view(order)
            if error.attempts:
                show(_attempts_table(error.attempts))
        raise
    if state.json:
        print_json(
            {
                "order": result.order,
                "orders": list(result.orders),
                "reference": result.reference,
                "attempts": result.attempts,
                "registrations": list(result.registrations),
                "registration_errors": dict(result.registration_errors),
            }
        )
        return
    for order in result.orders:
        _order_view(order)
    show(_attempts_table(result.attempts))
    for registration in result.registrations:
        out().print(
            f"registration {registration.id} at {registration.provider} for {', '.join(registration.numbers) or '-'}: "
            f"{registration.status.value} (didkit registrations show {registration.id} -p {registration.provider})"
        )
    for order_id, failure in result.registration_errors.items():
        seller = next((o.provider for o in result.orders if o.id == order_id), result.provider)
        _warn(seller, f"order {order_id} is bought, but registering the end user failed: {one_line(str(failure))}")
