"""``didkit sandbox serve``: one carrier's emulator over HTTP on a loopback port."""

from __future__ import annotations

import json
import signal
import sys
import threading
from typing import Annotated, Any

import typer

from ._core import EXIT_USAGE, fail, get_state
from ._output import say

app = typer.Typer(help="The built-in carrier emulators.", no_args_is_help=True)

EMULATOR_GROUP = "didkit.emulators"

DEFAULT_PORT = 8765
"""``sandbox serve``'s port when ``--port`` is not given."""


def emulator_names() -> list[str]:
    """Providers with a built-in emulator."""
    from importlib.metadata import entry_points

    return sorted({ep.name for ep in entry_points(group=EMULATOR_GROUP)})


def emulator_class(name: str) -> Any:
    """The emulator class registered under ``name`` in the ``didkit.emulators`` entry-point group."""
    from importlib.metadata import entry_points

    found = {ep.name: ep for ep in entry_points(group=EMULATOR_GROUP)}
    key = name.strip().lower()
    if key not in found:
        known = ", ".join(sorted(found)) or "none installed"
        fail(f"no emulator for provider {name!r} (available: {known})", EXIT_USAGE)
    try:
        return found[key].load()
    except Exception as error:  # a broken plugin is a configuration problem, not a crash
        fail(f"the {key} emulator failed to load: {error}", EXIT_USAGE)


@app.command("serve")
def serve(
    ctx: typer.Context,
    provider: Annotated[str, typer.Option("--provider", "-p", help="Which carrier's emulator (wavix, didww, ...).")],
    port: Annotated[
        int,
        typer.Option("--port", help="Port on 127.0.0.1 (0: any free port).", min=0, max=65535, show_default=True),
    ] = DEFAULT_PORT,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the emulator's deterministic world.")] = 0,
) -> None:
    """Serve a carrier's emulator on 127.0.0.1:PORT (default 8765) until interrupted (Ctrl-C).

    It speaks the carrier's real API (Wavix at the root, DIDWW under /v3) and accepts any API key;
    point the carrier's own SDK or 'didkit.connect(name, base_url=URL, api_key="any")' at the
    printed base URL. State lives as long as the server: buy, route, release, then look.
    Control endpoints: GET /_sandbox/state, POST /_sandbox/reset, POST|DELETE /_sandbox/faults.
    """
    state = get_state(ctx)
    cls = emulator_class(provider)
    emulator = cls(seed=seed)
    try:
        served = emulator.serve(host="127.0.0.1", port=port)
    except OSError as error:
        hint = " (choose another with --port N, or --port 0 for any free port)" if port else ""
        fail(f"cannot listen on 127.0.0.1:{port}: {error.strerror or error}{hint}", EXIT_USAGE)
    base_url = served.url + str(getattr(emulator, "base_path", "") or "")
    stop = threading.Event()

    def _on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():  # Ctrl-C and SIGTERM: a clean stop, status 0
        for which in (signal.SIGINT, signal.SIGTERM):
            previous[which] = signal.signal(which, _on_signal)
    try:
        if state.json:
            document = {"provider": provider.strip().lower(), "base_url": base_url, "port": served.port, "seed": seed}
            sys.stdout.write(json.dumps(document) + "\n")  # one line, readable before the server stops
        else:
            sys.stdout.write(base_url + "\n")
        sys.stdout.flush()
        if not state.json:
            say(
                f"serving the {provider.strip().lower()} emulator (seed {seed}) at {base_url}; any API key works; "
                "Ctrl-C to stop"
            )
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:  # a SIGINT handler other than ours
            pass
    finally:
        served.close()
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
    say("stopped")
