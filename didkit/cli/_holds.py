"""``didkit hold`` and ``didkit holds list|release``: reserve specific numbers before buying them
(where the carrier can: ``capabilities.reservations``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._core import EXIT_USAGE, fail, get_state
from ._output import Col, count, money, offer_number, print_json, say, show, table
from ._search import CityOption, RegionOption, _find_number, _single_provider

if TYPE_CHECKING:
    from ..model import Hold

app = typer.Typer(
    help="Numbers held for this account before buying them (DIDWW reservations). Buy one with "
    "'didkit buy --number N' while it is held.",
    no_args_is_help=True,
)


def _holds_table(holds: Iterable[Hold]) -> Any:
    now = datetime.now(timezone.utc)
    rows = [
        (
            h.provider,
            h.number,
            h.id,
            f"{h.expires_at:%Y-%m-%d %H:%M:%S} UTC",
            "lapsed" if h.expired(now) else f"{int((h.expires_at - now).total_seconds()) // 60} min",
            money(h.offer.monthly_price),
        )
        for h in holds
    ]
    columns = (
        Col("provider", whole=True),
        Col("number", whole=True),
        Col("hold id", whole=True),
        Col("expires", whole=True, drop=2),
        Col("left", whole=True, right=True),
        Col("monthly", whole=True, right=True, drop=1),
    )
    return table(columns, rows)


def hold(
    ctx: typer.Context,
    number: Annotated[str, typer.Option("--number", help="The specific number to hold (E.164).")],
    provider: Annotated[
        str | None, typer.Option("--provider", "-p", help="The provider to hold it at.", metavar="NAME")
    ] = None,
    region: RegionOption = None,
    city: CityOption = None,
    ttl: Annotated[
        float | None,
        typer.Option("--ttl", help="Seconds to hold it, where the carrier takes a lifetime (DIDWW does not).", min=1),
    ] = None,
) -> None:
    """Hold a specific number so nobody else buys it first, until the carrier lets it go.

    Example: didkit hold --provider didww --number +12135550123
    """
    state = get_state(ctx)
    name = _single_provider(state, provider)
    client = state.connect_all([name])[0]
    if not client.capabilities.reservations:
        fail(f"{name} cannot hold numbers before buying them", EXIT_USAGE)
    with state.activity(f"Looking for {number} at {name}…"):
        _, offer = _find_number(client, number, {"region": region, "city": city})
    with state.activity(f"Holding {offer_number(offer)} at {name}…"):
        held = client.hold(offer, ttl=ttl)
    if state.json:
        print_json(held)
        return
    show(_holds_table([held]))


OnlyProviders = Annotated[
    list[str] | None, typer.Option("--provider", "-p", help="Only this provider (repeatable).", metavar="NAME")
]


def _held(state: Any, provider: list[str] | None) -> list[Hold]:
    found: list[Hold] = []
    for client in state.connect_all(provider):
        if client.capabilities.reservations:
            found.extend(client.list_holds())
    return found


@app.command("list")
def list_holds(
    ctx: typer.Context,
    provider: OnlyProviders = None,
) -> None:
    """Every number held now, on every provider that holds numbers."""
    state = get_state(ctx)
    holds = _held(state, provider)
    if state.json:
        print_json(holds)
        return
    if not holds:
        say("no numbers are held")
        return
    show(_holds_table(holds))
    say(count(len(holds), "hold"))


@app.command("release")
def release(
    ctx: typer.Context,
    hold_ids: Annotated[list[str], typer.Argument(help="Hold ids (from 'didkit holds list'), or 'all'.")],
    provider: OnlyProviders = None,
) -> None:
    """Give holds up: the numbers go back to the carrier's stock."""
    state = get_state(ctx)
    holds = _held(state, provider)
    wanted = [h for h in holds if "all" in hold_ids or h.id in hold_ids]
    unknown = sorted(set(hold_ids) - {h.id for h in holds} - {"all"})
    if unknown:
        fail(f"no hold {', '.join(unknown)} (see 'didkit holds list')", EXIT_USAGE)
    for held in wanted:
        state.connect(held.provider).release_hold(held)
    if state.json:
        print_json({"released": [h.id for h in wanted]})
        return
    say(f"released {count(len(wanted), 'hold')}")
