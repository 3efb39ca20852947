"""The DIDWW emulator's route table: every endpoint, in order, from the per-resource route
modules (``_routes_*``) put together by ``DidwwApi``, plus the SMS and regulation ones; and every
``GET …/{id}`` answering an unknown id with a JSON:API 404 (the guard each module's handlers run in)."""

from __future__ import annotations

import httpx
import pytest
from didkit_didww.emulator import DidwwEmulator

ROUTES = [
    ("GET", "/balance", "balance.get"),
    ("GET", "/countries", "countries.list"),
    ("GET", "/countries/{id}", "countries.get"),
    ("GET", "/regions", "regions.list"),
    ("GET", "/regions/{id}", "regions.get"),
    ("GET", "/cities", "cities.list"),
    ("GET", "/cities/{id}", "cities.get"),
    ("GET", "/did_group_types", "did_group_types.list"),
    ("GET", "/did_group_types/{id}", "did_group_types.get"),
    ("GET", "/did_groups", "did_groups.list"),
    ("GET", "/did_groups/{id}", "did_groups.get"),
    ("GET", "/nanpa_prefixes", "nanpa_prefixes.list"),
    ("GET", "/nanpa_prefixes/{id}", "nanpa_prefixes.get"),
    ("GET", "/available_dids", "available_dids.list"),
    ("GET", "/available_dids/{id}", "available_dids.get"),
    ("GET", "/did_reservations", "did_reservations.list"),
    ("POST", "/did_reservations", "did_reservations.create"),
    ("GET", "/did_reservations/{id}", "did_reservations.get"),
    ("DELETE", "/did_reservations/{id}", "did_reservations.delete"),
    ("GET", "/orders", "orders.list"),
    ("POST", "/orders", "orders.create"),
    ("GET", "/orders/{id}", "orders.get"),
    ("PATCH", "/orders/{id}", "orders.update"),
    ("DELETE", "/orders/{id}", "orders.delete"),
    ("GET", "/dids", "dids.list"),
    ("GET", "/dids/{id}", "dids.get"),
    ("PATCH", "/dids/{id}", "dids.update"),
    ("GET", "/voice_in_trunks", "voice_in_trunks.list"),
    ("POST", "/voice_in_trunks", "voice_in_trunks.create"),
    ("GET", "/voice_in_trunks/{id}", "voice_in_trunks.get"),
    ("PATCH", "/voice_in_trunks/{id}", "voice_in_trunks.update"),
    ("DELETE", "/voice_in_trunks/{id}", "voice_in_trunks.delete"),
    ("GET", "/voice_in_trunk_groups", "voice_in_trunk_groups.list"),
    ("POST", "/voice_in_trunk_groups", "voice_in_trunk_groups.create"),
    ("GET", "/voice_in_trunk_groups/{id}", "voice_in_trunk_groups.get"),
    ("PATCH", "/voice_in_trunk_groups/{id}", "voice_in_trunk_groups.update"),
    ("DELETE", "/voice_in_trunk_groups/{id}", "voice_in_trunk_groups.delete"),
    ("GET", "/sms_trunks", "sms_trunks.list"),
    ("POST", "/sms_trunks", "sms_trunks.create"),
    ("GET", "/sms_trunks/{id}", "sms_trunks.get"),
    ("PATCH", "/sms_trunks/{id}", "sms_trunks.update"),
    ("DELETE", "/sms_trunks/{id}", "sms_trunks.delete"),
    ("GET", "/sms_trunk_groups", "sms_trunk_groups.list"),
    ("POST", "/sms_trunk_groups", "sms_trunk_groups.create"),
    ("GET", "/sms_trunk_groups/{id}", "sms_trunk_groups.get"),
    ("PATCH", "/sms_trunk_groups/{id}", "sms_trunk_groups.update"),
    ("DELETE", "/sms_trunk_groups/{id}", "sms_trunk_groups.delete"),
    ("GET", "/public_keys", "public_keys.list"),
    ("POST", "/encrypted_files", "encrypted_files.create"),
    ("GET", "/encrypted_files/{id}", "encrypted_files.get"),
    ("GET", "/proof_types", "proof_types.list"),
    ("GET", "/address_requirements", "address_requirements.list"),
    ("GET", "/address_requirements/{id}", "address_requirements.get"),
    ("POST", "/identities", "identities.create"),
    ("GET", "/identities/{id}", "identities.get"),
    ("POST", "/addresses", "addresses.create"),
    ("GET", "/addresses/{id}", "addresses.get"),
    ("POST", "/proofs", "proofs.create"),
    ("POST", "/address_requirement_validations", "address_requirement_validations.create"),
    ("POST", "/address_verifications", "address_verifications.create"),
    ("GET", "/address_verifications/{id}", "address_verifications.get"),
]


def test_the_emulator_serves_every_route_in_order() -> None:
    assert [(r.method, r.pattern, r.name) for r in DidwwEmulator().routes()] == ROUTES


def test_no_route_is_served_twice() -> None:
    keys = [r.key for r in DidwwEmulator().routes()]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("pattern", [p for m, p, _ in ROUTES if m == "GET" and p.endswith("/{id}")])
def test_an_unknown_id_is_a_json_api_404(pattern: str) -> None:
    emu = DidwwEmulator()
    with httpx.Client(transport=emu.transport(), base_url="https://api.didww.com/v3",
                      headers={"Api-Key": "test-key"}) as client:
        response = client.get(pattern.replace("{id}", "00000000-0000-0000-0000-000000000000"))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/vnd.api+json")
    assert response.json()["errors"][0]["status"] == "404"
