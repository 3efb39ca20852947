"""``didkit providers``: the installed adapters, their keys and capabilities."""

from __future__ import annotations

from typing import Annotated, Any

import attrs
import typer

from ._core import State, get_state
from ._output import Col, print_json, show, table, text, words
from ._sandbox import emulator_names


def _flags(capabilities: Any) -> list[str]:
    return [
        field.name.replace("_", "-")
        for field in attrs.fields(type(capabilities))
        if isinstance(getattr(capabilities, field.name), bool) and getattr(capabilities, field.name)
    ]


def _describe(state: State, name: str, emulators: list[str]) -> dict[str, Any]:
    from ..errors import ConfigurationError
    from ..registry import provider_class

    entry: dict[str, Any] = {
        "provider": name,
        "adapter": None,
        "key_configured": None,
        "key_source": None,
        "emulator": name in emulators,
        "capabilities": None,
        "error": None,
    }
    try:
        cls = provider_class(name)
    except ConfigurationError as error:
        entry["error"] = str(error)
        return entry
    entry["adapter"] = f"{cls.__module__}.{cls.__qualname__}"
    spec = getattr(cls, "spec", None)
    entry["capabilities"] = getattr(spec, "capabilities", None)
    if state.sandbox:
        entry["key_configured"] = True
        entry["key_source"] = "sandbox"
    else:
        source = state.key_source(name)
        entry["key_configured"] = source is not None
        entry["key_source"] = source
    return entry


def providers(
    ctx: typer.Context,
    provider: Annotated[
        list[str] | None,
        typer.Option("--provider", "-p", help="Only this provider (repeatable).", metavar="NAME"),
    ] = None,
) -> None:
    """List the installed providers: whether a key is configured (never the key) and what each can do."""
    from ..registry import available_providers

    state = get_state(ctx)
    requested = provider or list(state.providers)
    names = state.select(requested) if requested else available_providers()
    emulators = emulator_names()
    entries = [_describe(state, name, emulators) for name in names]
    if state.json:
        print_json(entries)
        return
    rows = []
    flags: list[str] = []
    for entry in entries:
        caps = entry["capabilities"]
        if entry["error"]:
            failed = f"failed to load: {entry['error']}"
            rows.append((entry["provider"], "-", text(entry["emulator"]), failed, "-", "-"))
            continue
        flags += _flags(caps) if caps is not None else []
        source = entry["key_source"]
        key = "not configured" if source is None else ("not needed" if source == "sandbox" else source)
        rows.append(
            (
                entry["provider"],
                key,
                "emulator" if entry["emulator"] else "-",
                ", ".join(_flags(caps)) if caps is not None else "-",
                words(caps.number_types) if caps is not None else "-",
                words(caps.destination_kinds) if caps is not None else "-",
            )
        )
    columns = (
        Col("provider", whole=True),
        Col("key", whole=True),
        Col("sandbox", whole=True, drop=2),
        Col("capabilities", floor=max((len(flag) + 1 for flag in flags), default=None)),  # a flag never folds
        Col("number types", drop=1),
        Col("destinations", drop=3),
    )
    show(table(columns, rows))
