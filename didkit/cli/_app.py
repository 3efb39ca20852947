"""The ``didkit`` command: global options and the command tree."""

from __future__ import annotations

from typing import Annotated

import typer

from . import (  # noqa: F401 (each registers its commands)
    _coverage,
    _holds,
    _messaging,
    _numbers,
    _procurements,
    _providers,
    _regulatory,
    _sandbox,
    _search,
)
from ._core import DidkitGroup, State, setup_logging, teardown_logging

HELP = """Manage phone numbers (DIDs) across carriers through one model.

Providers are the installed didkit adapters (see 'didkit providers'). Keys come from the environment
(WAVIX_API_KEY, DIDWW_API_KEY, ...) or from ~/.config/didkit/config.toml (or $DIDKIT_CONFIG).
Try it without any key: 'didkit --sandbox search --country US --city "Los Angeles"'.

--sandbox, --json and -v may also come after the command: 'didkit search --country US --json'.

Exit status: 0 success, 1 a carrier failed or refused (or you declined), 2 bad input or configuration.
"""

app = typer.Typer(
    name="didkit",
    cls=DidkitGroup,
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"didkit {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    sandbox: Annotated[
        bool,
        typer.Option(
            "--sandbox",
            help=(
                "Use every provider's built-in emulator instead of the carrier: no key, no network. "
                "Each invocation starts from a fresh, deterministic emulator world; nothing you buy, "
                "route or release persists to the next invocation."
            ),
        ),
    ] = False,
    json_output: Annotated[
        bool,
        typer.Option(
            "--json",
            help=(
                "Machine output: only JSON on stdout (keys are the domain field names; money as "
                '{"amount": "0.99", "currency": "USD"}; ISO 8601 datetimes). Never asks for confirmation.'
            ),
        ),
    ] = False,
    provider: Annotated[
        list[str] | None,
        typer.Option(
            "--provider",
            "-p",
            help=(
                "Work with this provider (repeatable). Default: every installed provider with a key "
                "configured, or all of them with --sandbox. A command's own --provider wins."
            ),
            metavar="NAME",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Debug logs (logger 'didkit') and tracebacks on stderr.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Manage phone numbers (DIDs) across carriers through one model."""
    state = State(sandbox=sandbox, json=json_output, verbose=verbose, providers=provider or ())
    ctx.obj = state
    handler = setup_logging(verbose)
    ctx.call_on_close(state.close)
    ctx.call_on_close(lambda: teardown_logging(handler))


app.command("providers")(_providers.providers)
app.add_typer(_coverage.app, name="coverage")
app.command("search")(_search.search)
app.command("buy")(_search.buy)
app.command("procure")(_search.procure)
app.command("hold")(_holds.hold)
app.add_typer(_holds.app, name="holds")
app.add_typer(_numbers.app, name="numbers")
app.add_typer(_procurements.app, name="procurements")
app.add_typer(_sandbox.app, name="sandbox")
app.command("requirements")(_regulatory.requirements)
app.command("register")(_regulatory.register)  # the name; 'numbers register' stays
app.add_typer(_regulatory.app, name="registrations")
