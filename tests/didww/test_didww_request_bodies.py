"""The bodies the adapter sends, asserted against DIDWW's Go SDK ``*_request.json`` fixtures
(read from the vendor directory at test time)."""

from __future__ import annotations

from typing import Any

from didww_driver import drive, empty_collection, first_request, operations, response, with_number

from didkit import DID, AvailableNumber, Destination
from didkit.adapter import NumberRef
from didkit.engine import HttpRequest, HttpResponse
from didkit.kit import NumberUpdate

DID_ID = "9df99644-f1a5-4a3c-99a4-559d758eb96b"
TRUNK_ID = "41b94706-325e-4704-a433-d65105758836"
GROUP_ID = "b2319703-ce6c-480d-bb53-614e7abcfc96"
THE_DID = DID(id=DID_ID, provider="didww", number="+16092091234")


def offer(number: str | None = None, **ref: str) -> AvailableNumber:
    return AvailableNumber(provider="didww", number=number, country="US", offer_ref=ref)


def test_order_for_a_specific_number(vendor_json: Any) -> None:
    sent = first_request(
        operations().purchase(
            offer(
                "+16169886810",
                sku_id="acc46374-0b34-4912-9f67-8340339db1e5",
                available_did_id="c43441e3-82d4-4d84-93e2-80998576c1ce",
            ),
            None,
            0.0,
        )
    )
    assert (sent.method, sent.path, sent.idempotent) == ("POST", "/orders", False)
    assert sent.json == vendor_json("orders/create_request_available_did.json")


def test_order_from_a_sku_with_callback(vendor_json: Any) -> None:
    ops = operations(allow_back_ordering=True, callback_url="https://example.com/callback", callback_method="post")
    sent = first_request(ops.purchase(offer(sku_id="f36d2812-2195-4385-85e8-e59c3484a8bc"), None, 0.0))
    assert sent.json == vendor_json("orders_with_callback/create_request.json")


def test_order_from_a_reservation_and_a_nanpa_prefix(vendor_json: Any) -> None:
    reservation = first_request(
        operations().purchase(
            offer(
                "+16169886810",
                sku_id="32840f64-5c3f-4278-8c8d-887fbe2f03f4",
                did_reservation_id="e3ed9f97-1058-430c-9134-38f1c614ee9f",
            ),
            None,
            0.0,
        )
    )
    assert reservation.json == vendor_json("orders/create_request_reservation.json")
    nanpa = first_request(
        operations(allow_back_ordering=True).purchase(
            offer(
                sku_id="fe77889c-f05a-40ad-a845-96aca3c28054",
                nanpa_prefix_id="eeed293b-f3d8-4ef8-91ef-1b077d174b3b",
            ),
            None,
            0.0,
        )
    )
    assert nanpa.json == vendor_json("orders/create_request_nanpa.json")


def test_order_carries_the_reference_after_looking_it_up(vendor_json: Any) -> None:
    bodies: list[HttpRequest] = []

    def respond(request: HttpRequest) -> HttpResponse:
        bodies.append(request)
        if request.method == "GET":
            return response(empty_collection())
        return response(vendor_json("orders/create_available_did.json"), 201)

    order, requests, _ = drive(
        operations().purchase(
            offer(
                "+16169886810",
                sku_id="acc46374-0b34-4912-9f67-8340339db1e5",
                available_did_id="c43441e3-82d4-4d84-93e2-80998576c1ce",
            ),
            "my-ref",
            0.0,
        ),
        respond,
    )
    lookup, post = requests
    assert (lookup.method, lookup.path) == ("GET", "/orders")
    assert ("filter[external_reference_id]", "my-ref") in lookup.params
    expected = vendor_json("orders/create_request_available_did.json")
    expected["data"]["attributes"]["external_reference_id"] = "my-ref"
    assert post.json == expected
    assert order.id == "a9a7ff2d-d634-4545-bf28-dfda92d1c723"


def test_did_updates(vendor_json: Any) -> None:
    ref = NumberRef(id=DID_ID)
    label = first_request(operations().update_number(ref, NumberUpdate(label="patched from loaded resource")))
    assert (label.method, label.path) == ("PATCH", f"/dids/{DID_ID}")
    assert label.json == vendor_json("dids/update_from_loaded_request.json")
    cleared = first_request(operations().update_number(ref, NumberUpdate(label=None)))
    assert cleared.json == vendor_json("dids/update_clear_description_request.json")
    capacity = first_request(operations().update_number(ref, NumberUpdate(carrier={"capacity_limit": 10})))
    assert capacity.json == vendor_json("dids/update_built_single_attr_request.json")
    released = first_request(operations().release_number(ref))
    assert released.json == vendor_json("dids/update_terminated_request.json")


def test_auto_renew_maps_to_billing_cycles_count() -> None:
    ref = NumberRef(id=DID_ID)
    off = first_request(operations().update_number(ref, NumberUpdate(auto_renew=False)))
    assert off.json["data"]["attributes"] == {"billing_cycles_count": 0}
    on = first_request(operations().update_number(ref, NumberUpdate(auto_renew=True)))
    assert on.json["data"]["attributes"] == {"billing_cycles_count": None}


def test_route_to_a_named_trunk(vendor_json: Any) -> None:
    sent = first_request(operations().set_destinations(NumberRef.of(THE_DID), [Destination.trunk(TRUNK_ID)]))
    assert sent.json == vendor_json("dids/update_assign_trunk_request.json")


def test_pstn_and_sip_trunks_are_created_as_the_sdk_creates_them(vendor_json: Any) -> None:
    created = vendor_json("voice_in_trunks/create.json")

    def respond(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/dids/"):
            return response(with_number(vendor_json("dids/show_with_trunk.json")))
        if request.method == "GET":
            return response(empty_collection())
        return response(created, 201)

    _, requests, _ = drive(
        operations().set_destinations(NumberRef.of(THE_DID), [Destination.pstn("+558540420024")]), respond
    )
    post = next(r for r in requests if r.method == "POST")
    expected = vendor_json("voice_in_trunks/create_request.json")["data"]["attributes"]["configuration"]
    assert post.json["data"]["type"] == "voice_in_trunks"
    assert post.json["data"]["attributes"]["configuration"] == expected
    patch = next(r for r in requests if r.method == "PATCH")
    assert patch.json == vendor_json("dids/update_assign_trunk_request.json")

    _, requests, _ = drive(
        operations().set_destinations(NumberRef.of(THE_DID), [Destination.sip("sip:username@203.0.113.110:5060")]),
        respond,
    )
    post = next(r for r in requests if r.method == "POST")
    sdk = vendor_json("voice_in_trunks/create_sip_request.json")["data"]["attributes"]["configuration"]
    mine = post.json["data"]["attributes"]["configuration"]
    assert mine["type"] == sdk["type"]
    assert mine["attributes"].items() <= sdk["attributes"].items()


def test_several_destinations_make_a_trunk_group(vendor_json: Any) -> None:
    group_request = vendor_json("voice_in_trunk_groups/create_request.json")
    first, second = (item["id"] for item in group_request["data"]["relationships"]["voice_in_trunks"]["data"])

    def respond(request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and request.path.startswith("/dids/"):
            return response(with_number(vendor_json("dids/show_with_trunk_group.json")))
        if request.method == "GET":
            return response(empty_collection())
        if request.path == "/voice_in_trunk_groups":
            return response(vendor_json("voice_in_trunk_groups/create.json"), 201)
        return response(with_number(vendor_json("dids/update_success.json")))

    _, requests, _ = drive(
        operations().set_destinations(NumberRef.of(THE_DID), [Destination.trunk(first), Destination.trunk(second)]),
        respond,
    )
    group = next(r for r in requests if r.method == "POST" and r.path == "/voice_in_trunk_groups")
    assert group.json["data"]["relationships"] == group_request["data"]["relationships"]
    assert group.json["data"]["type"] == "voice_in_trunk_groups"
    patch = next(r for r in requests if r.method == "PATCH" and r.path.startswith("/dids/"))
    assert patch.json == vendor_json("dids/update_assign_trunk_group_request.json")
