"""The DIDWW API versions didkit speaks, as data: everything that differs between them is a field
here, read where it matters, rather than a version test spread through the adapter.

Facts for 2026-11-19 come from DIDWW's 2026-11-19 documentation (changelog, authentication,
did-group-object, sms-trunks, update-did pages) and its draft OpenAPI; see the adapter's docs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs

from didkit.errors import ConfigurationError

from . import _catalog as catalog


@attrs.frozen
class ApiVersion:
    """What one DIDWW API version needs of a client."""

    name: str
    auth: Literal["api_key", "bearer"]
    """``api_key``: an ``Api-Key`` header on every call; ``bearer``: the key is exchanged at the
    token service for short-lived bearer tokens (the API refuses ``Api-Key`` with 401)."""
    number_type: Literal["relationship", "attribute"]
    """Where a DID group says its kind: the ``did_group_type`` relationship (whose include,
    filter and sort 2026-11-19 refuses with 400) or the ``number_type`` attribute."""
    page_size_max: int
    """``page[size]`` maximum of the listings didkit pages through."""
    sms_trunks: bool
    """Whether inbound SMS can be routed per DID (``sms_trunks``, ``sms_trunk_groups``)."""
    resources: Mapping[str, catalog.ResourceRules] = attrs.field(repr=False)
    """Filters, sorts and includes each collection accepts."""


V2026_04_16 = ApiVersion(
    name="2026-04-16",
    auth="api_key",
    number_type="relationship",
    page_size_max=catalog.PAGE_SIZE_MAX,
    sms_trunks=False,
    resources=catalog.RESOURCES,
)
V2026_11_19 = ApiVersion(
    name="2026-11-19",
    auth="bearer",
    number_type="attribute",
    page_size_max=100,  # "default 50, max 100" on dids, sms_trunks, ... (get-sms-trunks.md, the draft spec)
    sms_trunks=True,
    resources=catalog.RESOURCES_2026_11_19,
)

VERSIONS: dict[str, ApiVersion] = {v.name: v for v in (V2026_11_19, V2026_04_16)}
DEFAULT_VERSION = V2026_11_19.name
"""The version a connection speaks unless ``api_version=`` says otherwise."""


def api_version(name: object) -> ApiVersion:
    """The :class:`ApiVersion` called ``name`` (``None`` = the default)."""
    if name is None:
        return VERSIONS[DEFAULT_VERSION]
    found = VERSIONS.get(name) if isinstance(name, str) else None
    if found is None:
        known = ", ".join(sorted(VERSIONS))
        raise ConfigurationError(f"DIDWW api_version must be one of {known}, got {name!r}")
    return found
