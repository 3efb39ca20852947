"""``didkit coverage countries|regions|cities``: where each provider sells numbers."""

from __future__ import annotations

from typing import Annotated

import typer

from ._core import gather, get_state
from ._output import Col, print_json, show, table, text

app = typer.Typer(
    help="Where each provider sells numbers: countries, regions (states) and cities.",
    no_args_is_help=True,
)

ProviderOption = Annotated[
    list[str] | None,
    typer.Option(
        "--provider", "-p", help="Ask this provider (repeatable; default: see 'didkit --help').", metavar="NAME"
    ),
]
CountryOption = Annotated[
    str, typer.Option("--country", "-c", help="ISO 3166-1 alpha-2 country code, e.g. US.", metavar="CC")
]


@app.command("countries")
def countries(ctx: typer.Context, provider: ProviderOption = None) -> None:
    """Countries with inventory, per provider."""
    state = get_state(ctx)
    providers = state.connect_all(provider)
    results = gather(providers, lambda p: p.list_countries(), doing="Listing countries on", state=state)
    found = [country for _, items in results for country in sorted(items, key=lambda c: c.code)]
    if state.json:
        print_json(found)
        return
    columns = (
        Col("provider", whole=True),
        Col("code", whole=True),
        Col("name"),
        Col("prefix", whole=True, drop=2),
        Col("regions", whole=True, drop=1),
    )
    rows = [
        (
            country.provider,
            country.code,
            country.name,
            f"+{country.prefix}" if country.prefix else "-",
            text(country.has_regions),
        )
        for country in found
    ]
    show(table(columns, rows))


@app.command("regions")
def regions(ctx: typer.Context, country: CountryOption, provider: ProviderOption = None) -> None:
    """Regions (states, provinces) of a country, per provider; empty where a carrier has none."""
    from ..validation import normalize_country

    state = get_state(ctx)
    code = normalize_country(country)
    providers = state.connect_all(provider)
    results = gather(providers, lambda p: p.list_regions(code), doing=f"Listing regions of {code} on", state=state)
    found = [region for _, items in results for region in sorted(items, key=lambda r: r.name)]
    if state.json:
        print_json(found)
        return
    columns = (
        Col("provider", whole=True),
        Col("country", whole=True, drop=1),
        Col("code", whole=True),
        Col("name"),
        Col("id", drop=2),
    )
    rows = [(region.provider, region.country, text(region.code), region.name, region.id) for region in found]
    show(table(columns, rows))


@app.command("cities")
def cities(
    ctx: typer.Context,
    country: CountryOption,
    region: Annotated[
        str | None, typer.Option("--region", "-r", help="Only this region (its name or the provider's id).")
    ] = None,
    provider: ProviderOption = None,
) -> None:
    """Cities with inventory in a country (optionally one region), per provider."""
    from ..validation import normalize_country

    state = get_state(ctx)
    code = normalize_country(country)
    providers = state.connect_all(provider)
    results = gather(
        providers, lambda p: p.list_cities(code, region), doing=f"Listing cities of {code} on", state=state
    )
    found = [city for _, items in results for city in sorted(items, key=lambda c: c.name)]
    if state.json:
        print_json(found)
        return
    columns = (
        Col("provider", whole=True),
        Col("country", whole=True, drop=1),
        Col("region", drop=3),
        Col("city"),
        Col("area codes", drop=4),
        Col("id", drop=2),
    )
    rows = [
        (city.provider, city.country, text(city.region), city.name, ", ".join(city.area_codes) or "-", city.id)
        for city in found
    ]
    show(table(columns, rows))
