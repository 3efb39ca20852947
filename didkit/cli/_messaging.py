"""``didkit numbers route-sms``: where a number's inbound SMS go (one implementation on every
carrier: :meth:`~didkit.NumberProvider.set_messaging`)."""

from __future__ import annotations

from typing import Annotated

import typer

from ._core import EXIT_USAGE, fail, get_state
from ._numbers import NumberArgument, ProvidersOption, app
from ._output import did_details, print_json, show


@app.command("route-sms")
def route_sms(
    ctx: typer.Context,
    number: NumberArgument,
    webhook: Annotated[
        list[str] | None,
        typer.Option(
            "--webhook", help="https URL that receives inbound SMS (repeat for failover, in order).", metavar="URL"
        ),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Route inbound SMS nowhere.")] = False,
    provider: ProvidersOption = None,
) -> None:
    """Route a number's inbound SMS to webhooks, replacing what was there.

    Several --webhook fail over in the order given, where the carrier can (DIDWW: an SMS trunk
    group; Wavix takes one). Example: didkit numbers route-sms +12135550123 --webhook https://example.com/sms
    """
    from ..model import MessagingRoute

    urls = list(webhook or ())
    if clear and urls:
        fail("give --webhook or --clear, not both", EXIT_USAGE)
    if not clear and not urls:
        fail("give at least one --webhook URL (or --clear)", EXIT_USAGE)
    routes = [MessagingRoute.webhook(url) for url in urls]  # validated before any request
    state = get_state(ctx)
    did = state.find_owner(number, provider)
    client = state.connect(did.provider)
    updated = client.set_messaging(did, routes)
    if state.json:
        print_json(updated)
        return
    show(did_details(updated))
