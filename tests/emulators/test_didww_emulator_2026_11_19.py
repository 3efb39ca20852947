"""The DIDWW emulator in API 2026-11-19: its token service, bearer auth (and the 401 an
``Api-Key`` gets), versions chosen per request as DIDWW chooses them, ``number_type`` and the
400 for ``did_group_type``, page caps, SMS trunks and groups and the DID's either/or SMS route,
and tokens expiring on its clock. Driven with raw httpx, so it checks the wire, not the adapter."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from didkit_didww import DidwwProvider
from didkit_didww.emulator import DidwwEmulator

import didkit
from didkit import AuthenticationError, MessagingRoute
from didkit.sandbox import VirtualClock

MEDIA = "application/vnd.api+json"


class Client:
    def __init__(self, emulator: DidwwEmulator) -> None:
        self.http = httpx.Client(transport=emulator.transport(), base_url="https://api.didww.com")
        self.token: str | None = None

    def mint(self, **body: Any) -> httpx.Response:
        payload = {"aud": ["api.didww.com"], "api_version": "2026-11-19", **body}
        return self.http.post("/token", json=payload, headers={"Api-Key": "any-key"})

    def login(self, **body: Any) -> str:
        response = self.mint(**body)
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]
        return self.token

    def request(self, method: str, path: str, body: Any = None, **params: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": MEDIA, "Content-Type": MEDIA}
        content = json.dumps(body).encode() if body is not None else None
        return self.http.request(method, "/v3" + path, params=params, headers=headers, content=content)


@pytest.fixture
def emulator() -> DidwwEmulator:
    clock = VirtualClock()
    return DidwwEmulator(clock=clock, sleep=clock.sleep, rate_limit=None)


@pytest.fixture
def client(emulator: DidwwEmulator) -> Client:
    client = Client(emulator)
    client.login()
    return client


def test_the_token_service(emulator: DidwwEmulator) -> None:
    client = Client(emulator)
    response = client.mint(expires_in=10, scope="read:dids")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store" and response.headers["pragma"] == "no-cache"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 60  # clamped to 60–3600
    assert body["scope"] == "read" and body["api_version"] == "2026-11-19" and body["aud"] == ["api.didww.com"]
    assert client.mint(expires_in=99999).json()["expires_in"] == 3600
    no_key = client.http.post("/token", json={"aud": "api.didww.com"})
    assert no_key.status_code == 401 and no_key.json()["error"] == "invalid_client"
    assert client.mint(scope="admin").json()["error"] == "invalid_scope"
    assert client.mint(aud="example.com").json()["error"] == "invalid_request"
    assert client.mint(api_version="2019-01-01").status_code == 400


def test_bearer_tokens_select_2026_11_19_and_expire_on_the_clock(emulator: DidwwEmulator, client: Client) -> None:
    groups = client.request("GET", "/did_groups", **{"page[size]": "5"})
    assert groups.status_code == 200
    assert groups.json()["meta"]["api_version"] == "2026-11-19"
    group = groups.json()["data"][0]
    assert group["attributes"]["number_type"] in ("local", "national", "mobile", "toll_free", "shared_cost", "global")
    assert group["attributes"]["is_demo"] is False
    assert "did_group_type" not in group["relationships"]
    emulator.sleep(901)  # virtual time: the 900 s token runs out
    expired = client.request("GET", "/did_groups")
    assert expired.status_code == 401 and "invalid_token" in expired.headers["www-authenticate"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"include": "did_group_type"}, 400),
        ({"filter[did_group_type.id]": "x"}, 400),
        ({"sort": "did_group_type.name"}, 400),
        ({"filter[number_type]": "toll_free"}, 200),
        ({"sort": "-number_type"}, 200),
        ({"page[size]": "101"}, 400),
        ({"page[size]": "100"}, 200),
    ],
)
def test_did_group_type_is_refused_in_2026_11_19(client: Client, params: dict[str, str], status: int) -> None:
    response = client.request("GET", "/did_groups", **params)
    assert response.status_code == status, response.text
    if params.get("filter[number_type]"):
        assert {g["attributes"]["number_type"] for g in response.json()["data"]} == {"toll_free"}


def test_endpoints_come_and_go_with_the_version(emulator: DidwwEmulator, client: Client) -> None:
    assert client.request("GET", "/did_group_types").status_code == 404
    assert client.request("GET", "/sms_trunks").status_code == 200
    old = {"Api-Key": "k", "Accept": MEDIA}
    assert client.http.get("/v3/did_group_types", headers=old).status_code == 200
    assert client.http.get("/v3/sms_trunks", headers=old).status_code == 404


def test_the_version_is_chosen_as_didww_chooses_it() -> None:
    """An Api-Key gets 401 wherever it would be served as 2026-11-19: asked for, or the
    account's default (an older version header is then ignored: the issue's trap)."""
    emulator = DidwwEmulator(rate_limit=None)
    http = httpx.Client(transport=emulator.transport(), base_url="https://api.didww.com/v3")
    old, new = {"X-DIDWW-API-Version": "2026-04-16"}, {"X-DIDWW-API-Version": "2026-11-19"}
    assert http.get("/countries", headers={"Api-Key": "k", **old}).json()["meta"]["api_version"] == "2026-04-16"
    assert http.get("/countries", headers={"Api-Key": "k"}).status_code == 200
    assert http.get("/countries", headers={"Api-Key": "k", **new}).status_code == 401
    upgraded = DidwwEmulator(rate_limit=None, account_version="2026-11-19")
    http = httpx.Client(transport=upgraded.transport(), base_url="https://api.didww.com/v3")
    assert http.get("/countries", headers={"Api-Key": "k", **old}).status_code == 401
    trapped = didkit.connect("didww", emulator=upgraded, api_version="2026-04-16")
    with pytest.raises(AuthenticationError, match="api_version='2026-11-19'"):
        trapped.list_countries()
    assert didkit.connect("didww", emulator=upgraded).list_countries()


def test_read_tokens_may_only_read(emulator: DidwwEmulator) -> None:
    client = Client(emulator)
    client.login(scope="read")
    assert client.request("GET", "/sms_trunks").status_code == 200
    denied = client.request("POST", "/sms_trunks", {"data": {"type": "sms_trunks", "attributes": {"name": "x"}}})
    assert denied.status_code == 403 and "insufficient_scope" in denied.headers["www-authenticate"]
    assert denied.json()["errors"][0]["title"] == "Insufficient scope"


def _trunk(name: str, url: str, **attributes: Any) -> dict[str, Any]:
    config = {"url": url, "http_method": "post", "body_type": "json", "body": "{}"}
    return {"data": {"type": "sms_trunks", "attributes": {
        "name": name, "configuration": {"type": "http_in", "attributes": config}, **attributes}}}  # fmt: skip


def test_sms_trunks_groups_and_the_dids_either_or_route(emulator: DidwwEmulator, client: Client) -> None:
    first = client.request("POST", "/sms_trunks", _trunk("a", "https://a.example/sms"))
    assert first.status_code == 201, first.text
    trunk = first.json()["data"]
    assert trunk["attributes"]["priority"] == 100 and trunk["attributes"]["allow_in"] is True
    assert trunk["attributes"]["configuration"]["attributes"]["validate_https_certificate"] is True
    assert client.request("POST", "/sms_trunks", _trunk("a", "https://b.example/sms")).status_code == 422
    bad_get = _trunk("g", "https://b.example/sms")
    bad_get["data"]["attributes"]["configuration"]["attributes"]["http_method"] = "get"
    assert client.request("POST", "/sms_trunks", bad_get).status_code == 422  # a GET takes no body
    second = client.request("POST", "/sms_trunks", _trunk("b", "https://b.example/sms", priority=5)).json()["data"]
    out = {"data": {"type": "sms_trunks", "attributes": {"name": "out", "configuration": {
        "type": "http_out", "attributes": {}}}}}  # fmt: skip
    outbound = client.request("POST", "/sms_trunks", out).json()["data"]
    assert outbound["attributes"]["priority"] is None and outbound["attributes"]["allow_in"] is False

    members = [{"type": "sms_trunks", "id": t["id"]} for t in (second, trunk)]
    group_doc = {"data": {"type": "sms_trunk_groups", "attributes": {"name": "both"},
                          "relationships": {"sms_trunks": {"data": members}}}}  # fmt: skip
    created = client.request("POST", "/sms_trunk_groups", group_doc, include="sms_trunks")
    assert created.status_code == 201, created.text
    group = created.json()["data"]
    assert group["meta"]["sms_trunks_count"] == 2
    # Higher priority first: "a" (100) before "b" (5).
    assert [m["id"] for m in group["relationships"]["sms_trunks"]["data"]] == [trunk["id"], second["id"]]
    with_out = {"data": {"type": "sms_trunk_groups", "attributes": {"name": "bad"},
                         "relationships": {"sms_trunks": {"data": [{"type": "sms_trunks", "id": outbound["id"]}]}}}}
    assert client.request("POST", "/sms_trunk_groups", with_out).status_code == 422

    did_id = next(iter(emulator.world.dids))

    def route(**relationships: Any) -> httpx.Response:
        body = {"data": {"type": "dids", "id": did_id, "relationships": relationships}}
        return client.request("PATCH", f"/dids/{did_id}", body, include="sms_trunk,sms_trunk_group")

    one = {"data": {"type": "sms_trunks", "id": trunk["id"]}}
    many = {"data": {"type": "sms_trunk_groups", "id": group["id"]}}
    assert route(sms_trunk=one, sms_trunk_group=many).status_code == 422  # never both
    assert route(sms_trunk={"data": {"type": "sms_trunks", "id": outbound["id"]}}).status_code == 422
    assert route(sms_trunk=one).json()["data"]["relationships"]["sms_trunk"]["data"]["id"] == trunk["id"]
    switched = route(sms_trunk_group=many).json()["data"]["relationships"]
    assert switched["sms_trunk"]["data"] is None and switched["sms_trunk_group"]["data"]["id"] == group["id"]
    assert client.request("DELETE", f"/sms_trunk_groups/{group['id']}").status_code == 422  # in use
    assert route(sms_trunk_group={"data": None}).json()["data"]["relationships"]["sms_trunk_group"]["data"] is None
    assert client.request("DELETE", f"/sms_trunk_groups/{group['id']}").status_code == 204
    assert client.request("DELETE", f"/sms_trunks/{trunk['id']}").status_code == 204


def test_the_sandbox_speaks_2026_11_19_by_default() -> None:
    with DidwwProvider(sandbox=True) as didww:
        did = next(iter(didww.list_numbers()))
        routed = didww.set_messaging(did, [MessagingRoute.webhook("https://hooks.example.com/sms")])
        emulator = didww.emulator
        assert isinstance(emulator, DidwwEmulator)
        minted = emulator.token_service.minted
    assert routed.messaging == (MessagingRoute.webhook("https://hooks.example.com/sms"),)
    assert minted == 1
    paths = [r.path for r in emulator.requests]
    assert paths[0] == "/token" and "/v3/did_group_types" not in paths
    assert all("api-key" not in r.headers for r in emulator.requests if r.path.startswith("/v3"))
