"""``didkit procurements …``: what the procurement ledger holds, by reference."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._core import EXIT_USAGE, State, confirm, fail, get_state
from ._output import Col, print_json, say, show, table

if TYPE_CHECKING:
    from ..ledger import Ledger, LedgerEntry

app = typer.Typer(
    help="The procurement ledger: what procure and buy --reference bought, or set out to buy, by reference.",
    no_args_is_help=True,
)

LedgerOption = Annotated[
    str | None,
    typer.Option(
        "--ledger",
        help="The ledger: a path, sqlite:///…, postgresql://… (default: $DIDKIT_LEDGER, else "
        "procurements.sqlite3 in your user state directory — the one procure uses; with --sandbox, "
        "procurements-sandbox.sqlite3 beside it).",
        metavar="SPEC",
        envvar="DIDKIT_LEDGER",
        show_envvar=False,
    ),
]
ReferenceArgument = Annotated[str, typer.Argument(help="The reference (your idempotency key).", metavar="REF")]

_STATES = {"intent": "UNRESOLVED (no outcome written)", "unknown": "UNRESOLVED (outcome unknown)"}


def _state(entry: LedgerEntry) -> str:
    if entry.state == "open" and entry.orders:
        said = f"open ({entry.bought} of {entry.count} bought)"
    else:
        said = _STATES.get(entry.state, entry.state)
    return f"{said} (sandbox)" if entry.sandbox else said


def ledger_spec(sandbox: bool, spec: str | None = None) -> str:
    """The ledger a command uses: ``spec`` (``--ledger`` / ``$DIDKIT_LEDGER``), else the default —
    with ``--sandbox``, a file of its own beside it (:func:`~didkit.ledger.default_ledger_spec`)."""
    from ..ledger import default_ledger_spec

    return spec or default_ledger_spec(sandbox=sandbox)


def _open(state: State, spec: str | None) -> Ledger:
    from ..ledger import open_ledger

    return open_ledger(ledger_spec(state.sandbox, spec))


def _as_json(entry: LedgerEntry) -> dict[str, Any]:
    intent = entry.intent
    return {
        "reference": entry.reference,
        "state": entry.state,
        "sandbox": entry.sandbox,
        "unresolved": entry.unresolved,
        "to_check": entry.to_check,
        "provider": entry.order.provider if entry.order else intent.provider if intent else None,
        "numbers": list(entry.numbers),
        "order": entry.order,
        "orders": list(entry.orders),
        "count": entry.count,
        "intent": {"provider": intent.provider, "item": intent.item, "offer": intent.offer, "at": intent.at}
        if intent
        else None,
        "note": entry.note,
        "attempts": entry.attempts,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
        "holder": entry.holder,
    }


def _what(entry: LedgerEntry) -> str:
    if entry.order is not None:
        return ", ".join(entry.numbers) or f"order {entry.order.id} (numbers not read yet)"
    return entry.intent.item if entry.intent is not None else "-"


def list_entries(ctx: typer.Context, ledger: LedgerOption = None) -> None:
    """Every reference in the ledger: unresolved ones first, with what to check on the carrier."""
    state = get_state(ctx)
    with _open(state, ledger) as book:
        entries = book.entries()
    if state.json:
        print_json([_as_json(entry) for entry in entries])
        return
    if not entries:
        say(f"the ledger ({book.url}) holds no procurements")
        return
    rows = table(
        [
            Col("reference", whole=True),
            Col("state"),
            Col("provider", drop=3),
            Col("number", whole=True),
            Col("updated", whole=True, drop=2),
            Col("check on the carrier", drop=1),
        ],
        [
            (
                entry.reference,
                _state(entry),
                entry.order.provider if entry.order else entry.intent.provider if entry.intent else "-",
                _what(entry),
                f"{entry.updated_at:%Y-%m-%d %H:%M} UTC",
                entry.to_check or "",
            )
            for entry in entries
        ],
    )
    show(rows)
    unresolved = sum(1 for entry in entries if entry.unresolved)
    if unresolved:
        say(
            f"{unresolved} unresolved: procure with the same reference settles it with the carrier; or check the "
            "account yourself, then 'didkit procurements forget REF'"
        )


def show_entry(ctx: typer.Context, reference: ReferenceArgument, ledger: LedgerOption = None) -> None:
    """One reference: its state, intent, order and every attempt."""
    state = get_state(ctx)
    with _open(state, ledger) as book:
        entry = book.get(reference)
    if entry is None:
        fail(f"no procurement under reference {reference!r} in the ledger ({book.url})", EXIT_USAGE)
    if state.json:
        print_json(_as_json(entry))
        return
    details: list[tuple[str, str]] = []
    details.append(("reference", entry.reference))
    details.append(("state", _state(entry)))
    if entry.to_check:
        details.append(("check on the carrier", entry.to_check))
    if entry.intent is not None:
        details.append((
            "intent", f"{entry.intent.item} from {entry.intent.provider} at {entry.intent.at:%Y-%m-%d %H:%M:%S} UTC"
        ))
    if entry.order is not None:
        for order in entry.orders:
            details.append(("order", f"{order.provider} {order.id} ({order.status.value})"))
        if entry.count > 1:
            details.append(("count", f"{entry.bought} of {entry.count}"))
        details.append(("numbers", ", ".join(entry.numbers) or "-"))
    if entry.note:
        details.append(("last outcome", entry.note))
    details.append(("created", f"{entry.created_at:%Y-%m-%d %H:%M:%S} UTC"))
    details.append(("updated", f"{entry.updated_at:%Y-%m-%d %H:%M:%S} UTC"))
    if entry.holder:
        details.append(("held by", entry.holder))
    details_table = table([Col("field", whole=True), Col("value")], details, header=False)
    show(details_table)
    if entry.attempts:
        attempts = table(
            [Col("provider"), Col("offer", whole=True), Col("outcome"), Col("error", drop=1)],
            [
                (attempt.provider, attempt.offer.number or "any number", attempt.outcome, attempt.error or "")
                for attempt in entry.attempts
            ],
        )
        show(attempts)


def forget(
    ctx: typer.Context,
    reference: ReferenceArgument,
    ledger: LedgerOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Drop a reference from the ledger, so that procure with it may buy again.

    For an unresolved reference, check the carrier account first (see 'procurements show'):
    if the number was bought, forgetting it lets the next procure buy a second one.
    """
    state = get_state(ctx)
    with _open(state, ledger) as book:
        entry = book.get(reference)
        if entry is None:
            fail(f"no procurement under reference {reference!r} in the ledger ({book.url})", EXIT_USAGE)
        if not (yes or state.json):
            warning = f" It is unresolved: {entry.to_check}" if entry.unresolved else ""
            confirm(f"Forget reference {reference!r} ({entry.state}, {_what(entry)})?{warning}")
        book.forget(reference)
    if state.json:
        print_json({"reference": reference, "forgotten": True})
    else:
        say(f"forgot reference {reference!r}")


app.command("list")(list_entries)
app.command("show")(show_entry)
app.command("forget")(forget)
