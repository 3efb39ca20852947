"""``didkit numbers …``: the numbers you own, across providers."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from ._core import EXIT_USAGE, confirm, fail, gather, get_state
from ._output import did_details, numbers_table, out, print_json, say, show

app = typer.Typer(help="The numbers you own: list, show, route, set, release.", no_args_is_help=True)

ProvidersOption = Annotated[
    list[str] | None,
    typer.Option(
        "--provider", "-p", help="Look at this provider (repeatable; default: see 'didkit --help').", metavar="NAME"
    ),
]
NumberArgument = Annotated[str, typer.Argument(help="The number, E.164 (e.g. +12135550123).", metavar="NUMBER")]

_ROUTE_OPTIONS = {"--sip": "sip", "--pstn": "pstn", "--trunk": "trunk", "--url": "url"}
_ROUTE_KINDS = "didkit.route_kinds"


class RouteCommand(TyperCommand):
    """Remembers the order in which --sip/--pstn/--trunk were given (click keeps each option's own
    values in order, but not the interleaving across options)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        takes_value = {
            opt
            for param in self.get_params(ctx)
            if not getattr(param, "is_flag", True)
            for opt in getattr(param, "opts", ())
        }
        kinds: list[str] = []
        pending_value = False
        for token in args:
            if pending_value:
                pending_value = False
                continue
            if token == "--":
                break
            name, eq, _ = token.partition("=")
            if name in _ROUTE_OPTIONS:
                kinds.append(_ROUTE_OPTIONS[name])
                pending_value = not eq
            elif token in takes_value:
                pending_value = True
        ctx.meta[_ROUTE_KINDS] = kinds
        return super().parse_args(ctx, args)


def _named_values(pairs: list[str] | None, option: str) -> dict[str, Any]:
    """``NAME=VALUE`` pairs; a value that reads as JSON (``true``, ``30``, ``null``) is that value,
    any other is the text itself."""
    import json

    values: dict[str, Any] = {}
    for pair in pairs or ():
        name, eq, text = pair.partition("=")
        if not eq or not name.strip():
            fail(f"{option} takes NAME=VALUE, got {pair!r}", EXIT_USAGE)
        try:
            value: Any = json.loads(text)
        except ValueError:
            value = text
        values[name.strip()] = value
    return values


@app.command("list")
def list_numbers(
    ctx: typer.Context,
    provider: ProvidersOption = None,
    country: Annotated[str | None, typer.Option("--country", help="Only numbers in this country (ISO code).")] = None,
    contains: Annotated[
        str | None, typer.Option("--contains", help="Only numbers whose digits contain these (e.g. 1213).")
    ] = None,
    label: Annotated[str | None, typer.Option("--label", help="Only numbers with exactly this label.")] = None,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", help="Only numbers in this status (active, pending, blocked, releasing; repeatable)."),
    ] = None,
    capability: Annotated[
        list[str] | None,
        typer.Option("--capability", help="Only numbers that can do this (voice, sms, fax, ...; repeatable: all)."),
    ] = None,
    carrier_filter: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            help="A carrier's own filter, NAME=VALUE (repeatable; needs exactly one --provider).",
            metavar="NAME=VALUE",
        ),
    ] = None,
) -> None:
    """Every number you own, on every selected provider, in one table. The filters mean the same
    on every provider (server-side where it can filter, else in didkit)."""
    from ..kit import NumberFilter

    carrier = _named_values(carrier_filter, "--filter")
    if carrier and len(provider or ()) != 1:
        fail("--filter names one carrier's own filters: give exactly one --provider with it", EXIT_USAGE)
    filters: dict[str, Any] = {
        "country": country,
        "number_contains": contains,
        "label": label,
        "status": status or None,
        "capability": capability or None,
    }
    NumberFilter(**filters)  # bad input fails here, before any provider is asked
    state = get_state(ctx)
    providers = state.connect_all(provider)
    if carrier:
        filters["carrier_filters"] = carrier
        iter(providers[0].list_numbers(**filters))  # an unknown carrier filter fails before any request
    results = gather(providers, lambda p: list(p.list_numbers(**filters)), doing="Listing numbers on", state=state)
    dids = [did for _, items in results for did in items]
    if state.json:
        print_json(dids)
        return
    if not dids:
        say("no numbers")
        return
    show(numbers_table(dids))


@app.command("show")
def show_number(ctx: typer.Context, number: NumberArgument, provider: ProvidersOption = None) -> None:
    """One number in detail (found by asking each selected provider)."""
    state = get_state(ctx)
    did = state.find_owner(number, provider)
    if state.json:
        print_json(did)
        return
    show(did_details(did))


@app.command("route", cls=RouteCommand)
def route(
    ctx: typer.Context,
    number: NumberArgument,
    sip: Annotated[
        list[str] | None, typer.Option("--sip", help="Send calls to this SIP URI (sip:user@host).", metavar="URI")
    ] = None,
    pstn: Annotated[
        list[str] | None, typer.Option("--pstn", help="Forward calls to this phone number (E.164).", metavar="E164")
    ] = None,
    trunk: Annotated[
        list[str] | None, typer.Option("--trunk", help="Send calls to this carrier SIP trunk (its id).", metavar="ID")
    ] = None,
    url: Annotated[
        list[str] | None,
        typer.Option("--url", help="Let this https URL route each call (where the carrier can).", metavar="URL"),
    ] = None,
    provider: ProvidersOption = None,
) -> None:
    """Set where inbound calls go, replacing what was there.

    Repeat --sip/--pstn/--trunk/--url for failover: the order you give them (across kinds) is the
    priority order, first = priority 1.
    Example: didkit numbers route +12135550123 --sip sip:pbx@example.com --pstn +14155550100
    """
    from ..model import Destination

    values = {"sip": list(sip or ()), "pstn": list(pstn or ()), "trunk": list(trunk or ()), "url": list(url or ())}
    kinds: list[str] = list(ctx.meta.get(_ROUTE_KINDS) or ())
    if sorted(kinds) != sorted(kind for kind, items in values.items() for _ in items):
        kinds = [kind for kind, items in values.items() for _ in items]  # invoked without RouteCommand
    if not kinds:
        fail("give at least one --sip, --pstn, --trunk or --url", EXIT_USAGE)
    makers = {"sip": Destination.sip, "pstn": Destination.pstn, "trunk": Destination.trunk, "url": Destination.url}
    queues = {kind: iter(items) for kind, items in values.items()}
    destinations = [makers[kind](next(queues[kind])) for kind in kinds]  # validated before any request

    state = get_state(ctx)
    did = state.find_owner(number, provider)
    client = state.connect(did.provider)
    with state.activity(f"Routing {did.number} at {did.provider}…"):
        updated = client.set_destinations(did, destinations)
    if state.json:
        print_json(updated)
        return
    show(did_details(updated))


@app.command("set")
def set_number(
    ctx: typer.Context,
    number: NumberArgument,
    label: Annotated[str | None, typer.Option("--label", help="A label (DIDWW description; Wavix has none).")] = None,
    clear_label: Annotated[bool, typer.Option("--clear-label", help="Remove the number's label.")] = False,
    auto_renew: Annotated[
        bool | None, typer.Option("--auto-renew/--no-auto-renew", help="Renew the number, or let it lapse.")
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="A carrier's own field, NAME=VALUE (repeatable).", metavar="NAME=VALUE"),
    ] = None,
    sms_webhook: Annotated[
        str | None,
        typer.Option("--sms-webhook", help="https URL that receives inbound SMS (see route-sms).", metavar="URL"),
    ] = None,
    provider: ProvidersOption = None,
) -> None:
    """Change a number's label, renewal, carrier fields or SMS webhook (only what you give changes).
    Example: didkit numbers set +12135550123 --label "front desk" --no-auto-renew"""
    from ..model import MessagingRoute

    if label is not None and clear_label:
        fail("give --label or --clear-label, not both", EXIT_USAGE)
    changes: dict[str, Any] = {}
    if label is not None or clear_label:
        changes["label"] = label
    if auto_renew is not None:
        changes["auto_renew"] = auto_renew
    fields = _named_values(field, "--field")
    if fields:
        changes["carrier_fields"] = fields
    routes = [MessagingRoute.webhook(sms_webhook)] if sms_webhook is not None else None  # checked before any request
    if not changes and routes is None:
        fail("nothing to change: give --label, --clear-label, --auto-renew, --field and/or --sms-webhook", EXIT_USAGE)
    state = get_state(ctx)
    did = state.find_owner(number, provider)
    client = state.connect(did.provider)
    with state.activity(f"Updating {did.number} at {did.provider}…"):
        updated = client.update_number(did, **changes) if changes else did
        if routes is not None:
            updated = client.set_messaging(updated, routes)
    if state.json:
        print_json(updated)
        return
    show(did_details(updated))


@app.command("release")
def release(
    ctx: typer.Context,
    number: NumberArgument,
    provider: ProvidersOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Give a number back. On carriers without immediate release (DIDWW) it goes at the end of its
    billing period, and reads as releasing until then."""
    state = get_state(ctx)
    did = state.find_owner(number, provider)
    client = state.connect(did.provider)
    immediate = client.capabilities.immediate_release
    until = f" ({did.expires_at.date().isoformat()})" if did.expires_at else ""
    if not (yes or state.json):
        effect = (
            "it is given back at once"
            if immediate
            else f"it is released at the end of its billing period{until} and reads as releasing until then"
        )
        confirm(
            f"Release {did.number} at {did.provider}: {effect}. Continue?", declined="aborted: nothing was released"
        )
    with state.activity(f"Releasing {did.number} at {did.provider}…"):
        client.release_number(did)
    if state.json:
        print_json(
            {
                "provider": did.provider,
                "number": did.number,
                "id": did.id,
                "released": True,
                "immediate": immediate,
                "expires_at": did.expires_at if not immediate else None,
            }
        )
        return
    if immediate:
        out().print(f"released {did.number} at {did.provider}")
    else:
        out().print(
            f"{did.number} at {did.provider} is released at the end of its billing period{until}; "
            "until then it reads as releasing"
        )
