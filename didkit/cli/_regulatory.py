"""Regulatory readiness on the command line: ``didkit requirements`` (what a country's numbers
need of their end user, per carrier), ``didkit register`` (also ``didkit numbers register``:
submit a profile) and ``didkit registrations show`` (its verdict). ``didkit procure --profile``
loads the same profile.

A profile is a TOML file::

    subject = "person"            # or "business" (then: name, registration_number)
    first_name = "Ada"
    last_name = "Lovelace"
    phone = "+4930901820"
    birth_date = "1990-12-10"
    description = "Berlin office line"

    [address]
    street = "Unter den Linden 1"
    city = "Berlin"
    postal_code = "10117"
    country = "DE"

    [[documents]]
    kind = "identity"             # identity, address or business_registration
    path = "passport.pdf"         # relative to the profile file
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import InvalidInputError
from ..model import SearchQuery
from ..regulatory import Address, Document, EndUser, Registration, Requirements
from ._core import fail, gather, get_state
from ._numbers import NumberArgument, ProvidersOption
from ._numbers import app as numbers_app
from ._output import Col, print_json, show, table

app = typer.Typer(help="Registrations of end users: show a verdict.", no_args_is_help=True)

SEARCH_LIMIT = 50
"""Offers looked at per carrier to find one that needs documents (the requirement is asked of it)."""


def _requirements_row(provider: str, needs: Requirements) -> list[str]:
    return [
        provider,
        "yes" if needs.documents_required else "no",
        needs.subject,
        needs.address,
        ", ".join(needs.proofs) or "-",
        needs.restrictions or "",
    ]


def requirements(
    ctx: typer.Context,
    country: Annotated[str, typer.Option("--country", "-c", help="ISO country code, e.g. DE.", metavar="CC")],
    number_type: Annotated[
        str | None,
        typer.Option("--type", "-t", help="local, mobile, toll_free, national, shared_cost.", metavar="TYPE"),
    ] = None,
    city: Annotated[str | None, typer.Option("--city", help="Look at offers in this city.")] = None,
    provider: ProvidersOption = None,
) -> None:
    """What each carrier needs from the end user before a number in COUNTRY works.

    Example: didkit requirements --country DE --type local
    """
    query = SearchQuery(country=country, city=city, number_type=number_type, limit=SEARCH_LIMIT)
    state = get_state(ctx)
    clients = state.connect_all(provider)

    def ask(client: Any) -> Requirements | None:
        offers = list(client.search_numbers(query))
        if not offers:
            return None
        chosen = next((offer for offer in offers if offer.requires_documents), offers[0])
        needs: Requirements = client.requirements(chosen)
        return needs

    answers = gather(clients, ask, doing="asking", state=state)
    found = [(name, needs) for name, needs in answers if needs is not None]
    if state.json:
        print_json([{"provider": name, **_plain(needs)} for name, needs in found])
        return
    if not found:
        fail(f"no carrier has numbers matching {country.upper()}" + (f" ({number_type})" if number_type else ""))
    columns = [
        Col("provider", whole=True),
        Col("documents", whole=True),
        Col("subject", whole=True),
        Col("address", whole=True),
        Col("proofs", drop=2),
        Col("restrictions", drop=1),
    ]
    show(table(columns, [_requirements_row(name, needs) for name, needs in found]))


def _plain(needs: Requirements) -> dict[str, Any]:
    return {
        "documents_required": needs.documents_required,
        "subject": needs.subject,
        "address": needs.address,
        "proofs": list(needs.proofs),
        "restrictions": needs.restrictions,
    }


def load_profile(path: Path) -> EndUser:
    """An :class:`EndUser` from a TOML profile (documents read from paths relative to it)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInputError(f"cannot read profile {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInputError(f"profile {path} is not valid TOML: {exc}") from None
    address = data.get("address")
    if not isinstance(address, dict):
        raise InvalidInputError(f"profile {path} needs an [address] table (street, city, postal_code, country)")
    try:
        where = Address(**address)
    except TypeError as exc:
        raise InvalidInputError(f"profile {path}: [address] {exc}") from None
    documents = []
    for item in data.get("documents") or []:
        if not isinstance(item, dict) or "path" not in item or "kind" not in item:
            raise InvalidInputError(f"profile {path}: each [[documents]] needs kind and path")
        file = (path.parent / str(item["path"])).resolve()
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise InvalidInputError(f"cannot read document {item['path']}: {exc.strerror or exc}") from None
        documents.append(Document(item["kind"], file.name, content))
    subject = data.get("subject", "person")
    common = {
        "address": where,
        "phone": data.get("phone"),
        "documents": documents,
        "description": data.get("description"),
    }
    if subject == "business":
        return EndUser.business(data.get("name", ""), registration_number=data.get("registration_number"), **common)
    if subject != "person":
        raise InvalidInputError(f"profile {path}: subject must be 'person' or 'business', got {subject!r}")
    return EndUser.person(
        data.get("first_name", ""),
        data.get("last_name", ""),
        birth_date=data.get("birth_date"),
        id_number=data.get("id_number"),
        **common,
    )


def _show_registration(state: Any, registration: Registration) -> None:
    if state.json:
        print_json(registration)
        return
    columns = [Col("field", whole=True), Col("value")]
    rows = [
        ["id", registration.id],
        ["provider", registration.provider],
        ["status", registration.status.value],
        ["numbers", ", ".join(registration.numbers) or "-"],
        ["reasons", "\n".join(registration.reasons) or "-"],
    ]
    show(table(columns, rows, header=False))


@numbers_app.command("register")
def register(
    ctx: typer.Context,
    number: NumberArgument,
    profile: Annotated[
        Path, typer.Option("--profile", help="The end user's profile (TOML; see 'didkit requirements').")
    ],
    provider: ProvidersOption = None,
) -> None:
    """Submit the end user's identity, address and documents for a number you own.

    Example: didkit register +4930123456 --profile ada.toml (the same as 'didkit numbers register')
    """
    end_user = load_profile(profile)  # every file read and checked before any request
    state = get_state(ctx)
    did = state.find_owner(number, provider)
    registration = state.connect(did.provider).register(did, end_user)
    _show_registration(state, registration)


@app.command("show")
def show_registration(
    ctx: typer.Context,
    registration_id: Annotated[str, typer.Argument(help="The id 'numbers register' printed.", metavar="ID")],
    provider: Annotated[str, typer.Option("--provider", "-p", help="The carrier it was submitted to.")],
) -> None:
    """A registration's verdict (pending, approved or rejected, with the carrier's reasons)."""
    state = get_state(ctx)
    (name,) = state.select([provider])  # an unknown name is a one-line configuration error
    _show_registration(state, state.connect(name).get_registration(registration_id))
