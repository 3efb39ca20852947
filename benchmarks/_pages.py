"""Carrier-shaped pages of owned numbers for the listing benchmarks.

Records are cloned from what the project's own emulators answer (so they have the carriers' real
shape), with unique ids, valid numbers and purchase times, and renewal dates spread over a month
(so no cache of repeated values flatters didkit); pagination fields are recomputed per page.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

PER_PAGE = 100


def _moment(i: int) -> str:
    """A distinct purchase time per record (a real fleet's numbers were not all bought at once)."""
    return (_EPOCH + timedelta(minutes=37 * i, seconds=i % 60)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _renewal(i: int) -> str:
    """Renewal days spread over a month, as billing cycles are."""
    return (_EPOCH + timedelta(days=400 + i % 28)).strftime("%Y-%m-%d")


_EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)


def _us_number(i: int) -> str:
    # NPA 212 / NXX 2xx-9xx keeps every number valid for phonenumbers.
    nxx = 200 + (i // 10_000) % 800
    return f"1212{nxx:03d}{i % 10_000:04d}"


def _spaced(moment: str) -> str:
    """``2024-01-01T00:37:01.000Z`` → ``2024-01-01 00:37:01+00:00``."""
    return moment[:10] + " " + moment[11:19] + "+00:00"


def _float_or_same(value: Any) -> Any:
    return float(value) if isinstance(value, str) else value


#: Each drift form Wavix's docs, OpenAPI or cassettes show for an owned-number record, applied to
#: every record of a variant; ``mix`` gives record ``i`` form ``i mod n`` (clean included).
WAVIX_DRIFTS: dict[str, Any] = {
    "clean": lambda item: None,
    "channels_string": lambda item: item.update(channels=str(item.get("channels") or 0)),
    "number_plus": lambda item: item.update(number="+" + item["number"]),
    "dates_with_offset": lambda item: item.update(
        added=_spaced(item["added"]), paid_until=item["paid_until"] + " 00:00:00+00:00"
    ),
    "dates_naive": lambda item: item.update(added=_spaced(item["added"])[:19]),
    "prices_as_numbers": lambda item: item.update(
        {key: _float_or_same(item.get(key)) for key in ("activation_fee", "monthly_fee", "per_min")}
    ),
    "docs_as_names": lambda item: item.update(require_docs=["address", "id"]),
}
WAVIX_SHAPES = [*WAVIX_DRIFTS, "mix"]


def _wavix_drift(shape: str, i: int) -> Any:
    if shape == "mix":
        return list(WAVIX_DRIFTS.values())[i % len(WAVIX_DRIFTS)]
    return WAVIX_DRIFTS[shape]


def wavix_pages(count: int, shape: str = "clean") -> dict[int, bytes]:
    from didkit_wavix.emulator import WavixEmulator

    emu = WavixEmulator(seed=0)
    with httpx.Client(transport=emu.transport(), base_url="https://api.wavix.com") as client:
        sample = client.get("/v1/numbers", params={"per_page": 100}, headers={"Authorization": "Bearer b"}).json()
    templates = sample["items"]
    pages = -(-count // PER_PAGE)
    out: dict[int, bytes] = {}
    for page in range(1, pages + 1):
        items = []
        for i in range((page - 1) * PER_PAGE, min(page * PER_PAGE, count)):
            item = copy.deepcopy(templates[i % len(templates)])
            item["id"] = 100_000 + i
            item["number"] = _us_number(i)
            item["added"] = _moment(i)
            item["paid_until"] = _renewal(i)
            for doc in item.get("documents") or []:
                doc["did_number"] = item["number"]
            _wavix_drift(shape, i)(item)
            items.append(item)
        body: dict[str, Any] = dict(sample)
        body["items"] = items
        body["pagination"] = {"current_page": page, "per_page": PER_PAGE, "total": count, "total_pages": pages}
        out[page] = json.dumps(body).encode()
    return out


DIDWW_PER_PAGE = 1000
"""DIDWW's documented maximum ``page[size]``, which didkit asks for when listing owned numbers."""


def _didww_state(**attributes: Any) -> Any:
    def apply(item: dict[str, Any]) -> None:
        item["attributes"].update(
            {"blocked": False, "awaiting_registration": False, "terminated": False, "billing_cycles_count": None}
        )
        item["attributes"].update(attributes)

    return apply


def _without_trunk(item: dict[str, Any]) -> None:
    _didww_state()(item)
    item["relationships"]["voice_in_trunk"] = {"data": None}


#: The states a real DIDWW account's numbers are in, record ``i`` of the mix taking state
#: ``i mod n``: active with a trunk, blocked, awaiting registration, terminated, not renewing
#: (``billing_cycles_count`` 0), renewing a set number of times, and active without a trunk.
DIDWW_MIX = [
    _didww_state(),
    _didww_state(blocked=True),
    _didww_state(awaiting_registration=True),
    _didww_state(terminated=True),
    _didww_state(billing_cycles_count=0),
    _didww_state(billing_cycles_count=6),
    _without_trunk,
]
DIDWW_SHAPES = ["clean", "mix"]


def didww_pages(count: int, base_url: str, shape: str = "clean", size: int | None = None) -> dict[int, bytes]:
    from didkit_didww.emulator import DidwwEmulator

    emu = DidwwEmulator(seed=0, rate_limit=None)
    with httpx.Client(transport=emu.transport(), base_url="https://api.didww.com/v3") as client:
        sample = client.get(
            "/dids", params={"include": "did_group,voice_in_trunk", "page[size]": "100"}, headers={"Api-Key": "k"}
        ).json()
    templates = sample["data"]
    size = size or DIDWW_PER_PAGE
    pages = -(-count // size)
    out: dict[int, bytes] = {}
    for page in range(1, pages + 1):
        data = []
        for i in range((page - 1) * size, min(page * size, count)):
            item = copy.deepcopy(templates[i % len(templates)] if shape == "clean" else templates[0])
            if shape == "mix":
                DIDWW_MIX[i % len(DIDWW_MIX)](item)
            item["id"] = f"00000000-0000-4000-8000-{i:012d}"
            item["attributes"]["number"] = _us_number(i)
            item["attributes"]["created_at"] = _moment(i)
            item["attributes"]["expires_at"] = _renewal(i) + "T09:00:00.000Z"
            data.append(item)

        def link(n: int) -> str:
            return f"{base_url}/dids?include=did_group%2Cvoice_in_trunk&page%5Bnumber%5D={n}&page%5Bsize%5D={size}"

        links = {"first": link(1), "last": link(pages)}
        if page > 1:
            links["prev"] = link(page - 1)
        if page < pages:
            links["next"] = link(page + 1)
        body = dict(sample)
        body["data"] = data
        body["meta"] = {**sample.get("meta", {}), "total_records": count}
        body["links"] = links
        out[page] = json.dumps(body).encode()
    return out
