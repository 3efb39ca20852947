"""Neutral ``list_numbers`` filters and ``update_number`` fields: the same program, run unchanged on
every carrier's emulator, means the same thing on each (server-side where the carrier can filter,
client-side otherwise); carrier-only names go in ``carrier_filters`` / ``carrier_fields``."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest

import didkit
from didkit import DID, Capability, InvalidInputError, NumberStatus, UnsupportedOperationError

CARRIERS = ["wavix", "didww"]


@pytest.fixture(params=CARRIERS)
def provider(request: pytest.FixtureRequest) -> Iterator[Any]:
    with didkit.connect(request.param, sandbox=True) as p:
        yield p


def matches(did: DID, filters: dict[str, Any]) -> bool:
    """The contract, written independently of the core's implementation."""
    if "country" in filters and did.country != filters["country"].upper():
        return False
    if "number_contains" in filters and filters["number_contains"] not in did.number[1:]:
        return False
    if "label" in filters and did.label != filters["label"]:
        return False
    if "status" in filters and did.status is not NumberStatus(filters["status"]):
        return False
    return "capability" not in filters or Capability(filters["capability"]) in did.capabilities


def program(p: Any) -> dict[str, list[str]]:
    """One caller's code: no carrier name in it."""
    every = list(p.list_numbers())
    labelled = next(d.label for d in every if d.label)
    queries: dict[str, dict[str, Any]] = {
        "us": {"country": "us"},
        "nyc": {"number_contains": "1212"},
        "label": {"label": labelled},
        "pending": {"status": "pending"},
        "sms": {"capability": "sms"},
        "us-active-sms": {"country": "US", "status": "active", "capability": "sms"},
        "nowhere": {"country": "FR"},
    }
    out: dict[str, list[str]] = {}
    for name, filters in queries.items():
        got = [d.number for d in p.list_numbers(**filters)]
        assert got == [d.number for d in every if matches(d, filters)], (p.name, name)
        out[name] = got
    return out


def test_the_same_program_filters_the_same_way_on_every_carrier(provider: Any) -> None:
    found = program(provider)
    # The emulators' worlds both own US numbers, a New York one, labelled and pending ones.
    assert found["us"] and all(n.startswith("+1") for n in found["us"])
    assert found["nyc"] and all(n.startswith("+1212") for n in found["nyc"])
    assert len(found["label"]) == 1
    assert len(found["pending"]) == 1
    assert found["sms"] and found["us-active-sms"]
    assert found["nowhere"] == []


def test_filters_take_several_statuses_and_capabilities(provider: Any) -> None:
    every = list(provider.list_numbers())
    both = [d.number for d in provider.list_numbers(status=[NumberStatus.ACTIVE, "pending"])]
    assert both == [d.number for d in every if d.status in (NumberStatus.ACTIVE, NumberStatus.PENDING)]
    voice_sms = [d.number for d in provider.list_numbers(capability=[Capability.VOICE, Capability.SMS])]
    assert voice_sms == [d.number for d in every if {Capability.VOICE, Capability.SMS} <= d.capabilities]
    assert len(voice_sms) < len(every)  # the pending number cannot take SMS on either carrier


def test_didww_filters_the_country_server_side_and_wavix_narrows_by_search() -> None:
    with didkit.connect("didww", sandbox=True) as didww:
        list(didww.list_numbers(country="DE"))
        sent = [r for r in didww.emulator.requests if r.path.endswith("/dids")]
        assert len(sent) == 1 and sent[0].arg("filter[country.id]")
        didww.emulator.requests.clear()
        pending = list(didww.list_numbers(status="pending", capability="sms"))
        (sent_pending,) = [r for r in didww.emulator.requests if r.path.endswith("/dids")]
        assert (sent_pending.arg("filter[awaiting_registration]"), sent_pending.arg("filter[terminated]")) == (
            "true",
            "false",
        )
        assert sent_pending.arg("filter[did_group.features]")  # narrowed; the core checks the rest
        assert all(d.status is NumberStatus.PENDING and Capability.SMS in d.capabilities for d in pending)
        assert list(didww.list_numbers(status="active", carrier_filters={"terminated": True})) == []
    with didkit.connect("wavix", sandbox=True) as wavix:
        list(wavix.list_numbers(number_contains="+1 (212)", label="Support line"))
        sent = [r for r in wavix.emulator.requests if r.path == "/v1/numbers"]
        assert [(r.arg("search"), r.arg("label")) for r in sent] == [("1212", "Support line")]


async def test_async_providers_filter_the_same_way() -> None:
    for name in CARRIERS:
        async with didkit.connect_async(name, sandbox=True) as p:
            every = [d async for d in p.list_numbers()]
            got = [d.number async for d in p.list_numbers(country="US", status="active")]
            assert got == [d.number for d in every if d.country == "US" and d.status is NumberStatus.ACTIVE]
            assert got


@pytest.mark.parametrize(
    "filters",
    [
        {"country": "USA"},
        {"number_contains": "12a"},
        {"label": ""},
        {"status": "sleeping"},
        {"capability": "telepathy"},
        {"carrier_filters": {"colour": "blue"}},
        {"carrier_filters": ["search"]},
    ],
)
def test_bad_filters_fail_at_the_call_before_any_request(provider: Any, filters: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError):
        provider.list_numbers(**filters)
    assert provider.emulator.requests == []


def test_unknown_carrier_filters_name_the_known_ones(provider: Any) -> None:
    with pytest.raises(InvalidInputError) as caught:
        provider.list_numbers(carrier_filters={"colour": "blue"})
    known = {"wavix": "label_present", "didww": "order.id"}[provider.name]
    assert "colour" in str(caught.value) and known in str(caught.value)


def test_carrier_filters_work_and_the_keyword_spelling_is_deprecated() -> None:
    with didkit.connect("wavix", sandbox=True) as wavix:
        labelled = [d.label for d in wavix.list_numbers(carrier_filters={"label_present": True})]
        assert labelled and all(labelled)
        with pytest.warns(DeprecationWarning, match="carrier_filters"):
            old = [d.label for d in wavix.list_numbers(label_present=True)]
        assert old == labelled
    with didkit.connect("didww", sandbox=True) as didww:
        by_number = list(didww.list_numbers(carrier_filters={"number": "+1 213 578 0969"}))
        assert [d.number for d in by_number] == ["+12135780969"]
        with pytest.warns(DeprecationWarning, match="carrier_filters"):
            assert [d.number for d in didww.list_numbers(number="12135780969")] == ["+12135780969"]


def update_program(p: Any) -> DID:
    """One caller's code: set what the carrier can, without naming it."""
    did = next(iter(p.list_numbers(status="active")))
    changes: dict[str, Any] = {}
    if p.capabilities.labels:
        changes["label"] = "front desk"
    if p.capabilities.auto_renew:
        changes["auto_renew"] = False
    if not changes:
        return did
    updated: DID = p.update_number(did, **changes)
    return updated


def test_the_same_update_program_runs_on_every_carrier(provider: Any) -> None:
    updated = update_program(provider)
    if provider.capabilities.labels:
        assert updated.label == "front desk"
        assert [d.number for d in provider.list_numbers(label="front desk")] == [updated.number]
    if provider.capabilities.auto_renew:
        assert updated.auto_renew is False
        assert updated.status is NumberStatus.RELEASING  # not renewing
        cleared = provider.update_number(updated, label=None, auto_renew=True)
        assert cleared.label is None and cleared.auto_renew is True


@pytest.mark.parametrize("change", [{"label": "x"}, {"auto_renew": False}, {"label": None}])
def test_a_neutral_field_the_carrier_lacks_is_refused_before_any_request(change: dict[str, Any]) -> None:
    with didkit.connect("wavix", sandbox=True) as wavix:
        assert not wavix.capabilities.labels and not wavix.capabilities.auto_renew
        with pytest.raises(UnsupportedOperationError):
            wavix.update_number("24880", **change)
        assert wavix.emulator.requests == []


def test_didww_declares_labels_and_renewal() -> None:
    with didkit.connect("didww", sandbox=True) as didww:
        assert didww.capabilities.labels and didww.capabilities.auto_renew


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({}, InvalidInputError),
        ({"label": 3}, InvalidInputError),
        ({"auto_renew": "yes"}, InvalidInputError),
        ({"carrier_fields": {"colour": "blue"}}, InvalidInputError),
        ({"carrier_fields": "colour"}, InvalidInputError),
    ],
)
def test_bad_updates_fail_before_any_request(provider: Any, change: dict[str, Any], error: type[Exception]) -> None:
    ref = next(iter(provider.list_numbers()))
    provider.emulator.requests.clear()
    with pytest.raises(error):
        provider.update_number(ref, **change)
    assert provider.emulator.requests == []


def test_carrier_fields_and_their_deprecated_keyword_spelling() -> None:
    with didkit.connect("didww", sandbox=True) as didww:
        did = next(iter(didww.list_numbers()))
        assert didww.update_number(did, carrier_fields={"capacity_limit": 7}).raw["attributes"]["capacity_limit"] == 7
        with pytest.warns(DeprecationWarning, match=r"carrier_fields=\{"):
            again = didww.update_number(did, capacity_limit=3)
        assert again.raw["attributes"]["capacity_limit"] == 3
        with pytest.raises(InvalidInputError, match="capacity_limit"):
            didww.update_number(did, carrier_fields={"sms_enabled": True})
    with didkit.connect("wavix", sandbox=True) as wavix:
        updated = wavix.update_number("24881", carrier_fields={"call_recording_enabled": True})
        assert updated.raw["call_recording_enabled"] is True
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(DeprecationWarning, match="set_messaging"):
                wavix.update_number("24881", sms_webhook_url="https://hooks.example.com/sms")


def test_keep_emitted_passes_errors_through_and_closes_the_stream() -> None:
    from didkit import NotFoundError
    from didkit.engine import Emit, HttpRequest, Stream
    from didkit.kit import keep_emitted

    closed: list[bool] = []

    def stream() -> Stream:
        try:
            yield Emit([1, 2, 3])
            try:
                yield HttpRequest("GET", "/next")
            except NotFoundError:
                yield Emit([4, 5, 6])
            yield Emit([7])  # nothing kept: not emitted, the stream goes on
            yield HttpRequest("GET", "/last")
        finally:
            closed.append(True)

    wrapped = keep_emitted(stream(), lambda item: item % 2 == 0)
    first = next(wrapped)
    assert isinstance(first, Emit) and list(first.items) == [2]
    assert isinstance(wrapped.send(None), HttpRequest)
    after = wrapped.throw(NotFoundError("gone", provider="toy"))
    assert isinstance(after, Emit) and list(after.items) == [4, 6]
    last = wrapped.send(None)
    assert isinstance(last, HttpRequest) and last.path == "/last"
    wrapped.close()
    assert closed == [True]
