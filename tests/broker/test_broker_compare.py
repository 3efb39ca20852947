"""compare() / compare_async() with fake providers: ordering, reports, failures, timeouts,
concurrency, progress and provider resolution."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from broker_fakes import AsyncFakeProvider, FakeProvider, Overlap, offer

import didkit
from didkit import (
    ConfigurationError,
    DidkitError,
    InvalidInputError,
    ProviderReport,
    SearchQuery,
    ServerError,
    TransportError,
)
from didkit.broker import Comparison, EventLoopRunningError

QUERY = SearchQuery(country="US", city="Los Angeles")
DELAY = 0.1


def numbers(comparison: Comparison) -> list[str | None]:
    return [o.number for o in comparison]


# -- ordering -------------------------------------------------------------------------------


def test_offers_are_merged_cheapest_first_over_months() -> None:
    a = FakeProvider("a", [offer("a", "+12125550001", "2.00"), offer("a", "+12125550002", "1.00", setup="5")])
    b = FakeProvider("b", [offer("b", "+13105550001", "1.50"), offer("b", "+13105550002", "0.10", setup="30")])
    # 12 months: a1 = 24, a2 = 17, b1 = 18, b2 = 31.2
    assert numbers(didkit.compare(QUERY, [a, b])) == ["+12125550002", "+13105550001", "+12125550001", "+13105550002"]
    # 1 month: a1 = 2, a2 = 6, b1 = 1.5, b2 = 30.1
    ranked = didkit.compare(QUERY, [a, b], months=1)
    assert numbers(ranked) == ["+13105550001", "+12125550001", "+12125550002", "+13105550002"]
    assert ranked.months == 1


def test_ties_break_on_per_minute_price_then_provider_order() -> None:
    a = FakeProvider("a", [offer("a", "+12125550001", "1.00"), offer("a", "+12125550002", "1.00", per_minute="0.02")])
    b = FakeProvider("b", [offer("b", "+13105550001", "1.00", per_minute="0.01"), offer("b", "+13105550002", "1.00")])
    # known per-minute prices first (cheapest first), then unknown per-minute in the providers' order
    assert numbers(didkit.compare(QUERY, [a, b])) == ["+13105550001", "+12125550002", "+12125550001", "+13105550002"]


def test_unknown_prices_come_last() -> None:
    a = FakeProvider("a", [offer("a", None, None), offer("a", "+12125550001", "9.00")])
    b = FakeProvider("b", [offer("b", "+13105550001", None, setup="1"), offer("b", "+13105550002", "3.00")])
    result = didkit.compare(QUERY, [a, b])
    assert numbers(result) == ["+13105550002", "+12125550001", None, "+13105550001"]


def test_a_missing_setup_price_counts_as_no_setup_fee() -> None:
    a = FakeProvider(
        "a", [offer("a", "+12125550001", "1.00", setup=None), offer("a", "+12125550002", "0.90", setup="5")]
    )
    assert numbers(didkit.compare(QUERY, [a])) == ["+12125550001", "+12125550002"]


def test_amounts_are_compared_within_the_most_common_currency_first() -> None:
    a = FakeProvider(
        "a",
        [
            offer("a", "+12125550001", "0.10", currency="EUR"),
            offer("a", "+12125550002", "2.00"),
            offer("a", "+12125550003", "1.00"),
        ],
    )
    assert numbers(didkit.compare(QUERY, [a])) == ["+12125550003", "+12125550002", "+12125550001"]


def test_comparison_is_a_sequence_with_a_report() -> None:
    a = FakeProvider("a", [offer("a", "+12125550001", "2.00"), offer("a", "+12125550002", "1.00")])
    b = FakeProvider("b", [], search_error=ServerError("down", provider="b", status_code=503))
    result = didkit.compare(QUERY, [a, b])
    assert len(result) == 2
    assert result[0].number == "+12125550002"
    assert result[-1].number == "+12125550001"
    assert [o.number for o in result[:1]] == ["+12125550002"]
    assert list(result) == list(result.offers)
    assert result.cheapest is result[0]
    assert result.offers[0] in result
    assert [r.provider for r in result.report] == ["a", "b"]
    assert set(result.errors) == {"b"}
    assert "2 offers" in repr(result) and "b=error" in repr(result)
    assert didkit.Comparison is Comparison
    with pytest.raises(IndexError):
        result[5]


def test_empty_comparison() -> None:
    result = didkit.compare(QUERY, [FakeProvider("a")])
    assert len(result) == 0
    assert result.cheapest is None
    assert result.report[0].ok and result.report[0].offers == 0


# -- reports and failures -----------------------------------------------------------------------


def test_one_failing_provider_does_not_fail_the_comparison() -> None:
    good = FakeProvider("good", [offer("good", "+12125550001")])
    error = ServerError("upstream down", provider="bad", status_code=502)
    bad = AsyncFakeProvider("bad", [offer("bad", "+13105550001")], search_error=error)
    result = didkit.compare(QUERY, [bad, good])
    assert numbers(result) == ["+12125550001"]
    bad_report, good_report = result.report
    assert bad_report.provider == "bad" and bad_report.error is error and bad_report.offers == 0
    assert not bad_report.ok and not bad_report.timed_out
    assert good_report == ProviderReport("good", 1, good_report.elapsed)
    assert good_report.ok and good_report.elapsed >= 0
    assert "failed" in str(bad_report) and "1 offer in" in str(good_report)


def test_an_unexpected_exception_is_reported_as_a_provider_error() -> None:
    bad = FakeProvider("bad", search_error=KeyError("price"))
    result = didkit.compare(QUERY, [bad, FakeProvider("good", [offer("good", "+12125550001")])])
    error = result.report[0].error
    assert isinstance(error, didkit.ProviderError) and error.provider == "bad"
    assert isinstance(error.__cause__, KeyError)
    assert len(result) == 1


def test_a_provider_yielding_non_offers_is_reported() -> None:
    weird = FakeProvider("weird", ["not an offer"])  # type: ignore[list-item]
    result = didkit.compare(QUERY, [weird, FakeProvider("good")])
    assert isinstance(result.report[0].error, didkit.ResponseFormatError)


def test_when_no_provider_answers_compare_raises_naming_each_failure(fake_registry: type[_NamedFake]) -> None:
    down = FakeProvider("down", search_error=ServerError("maintenance", provider="down", status_code=503))
    with pytest.raises(didkit.ComparisonFailedError) as caught:
        didkit.compare(QUERY, ["fakecarrier", down])
    message = str(caught.value)
    assert message.startswith("no provider answered: ")
    assert "fakecarrier: no API key for 'fakecarrier'" in message and "down: maintenance (HTTP 503)" in message
    assert set(caught.value.errors) == {"fakecarrier", "down"}
    assert [r.provider for r in caught.value.report] == ["fakecarrier", "down"]
    assert isinstance(caught.value, DidkitError)


async def test_when_no_provider_answers_compare_async_raises_too() -> None:
    bad = AsyncFakeProvider("bad", search_error=ServerError("down", provider="bad", status_code=500))
    with pytest.raises(didkit.ComparisonFailedError, match=r"no provider answered: bad: down \(HTTP 500\)"):
        await didkit.compare_async(QUERY, [bad])


@pytest.mark.parametrize("asynchronous", [False, True])
def test_each_failure_is_logged_at_warning_when_others_answer(
    asynchronous: bool, caplog: pytest.LogCaptureFixture
) -> None:
    bad = FakeProvider("bad", search_error=ServerError("maintenance", provider="bad", status_code=503))
    good = FakeProvider("good", [offer("good", "+12125550001")])
    with caplog.at_level("WARNING", logger="didkit.broker"):
        if asynchronous:
            result = asyncio.run(didkit.compare_async(QUERY, [bad, good]))
        else:
            result = didkit.compare(QUERY, [bad, good])
    assert numbers(result) == ["+12125550001"]
    warnings = [r for r in caplog.records if r.name == "didkit.broker" and r.levelname == "WARNING"]
    assert len(warnings) == 1 and "bad" in warnings[0].getMessage() and "maintenance" in warnings[0].getMessage()


def test_a_sync_provider_that_times_out_is_reported_and_the_rest_returned() -> None:
    gate = threading.Event()
    in_search = Overlap()
    slow = FakeProvider("slow", [offer("slow", "+13105550001")], gate=gate, overlap=in_search)
    fast = FakeProvider("fast", [offer("fast", "+12125550001")])
    try:
        result = didkit.compare(QUERY, [slow, fast], timeout=0.05)
        still_searching = in_search.now
    finally:
        gate.set()
    assert still_searching == 1  # compare returned without waiting for the slow search to end
    assert numbers(result) == ["+12125550001"]
    report = result.report[0]
    assert report.timed_out and isinstance(report.error, TransportError)
    assert report.error.provider == "slow" and "0.05 s" in str(report.error)
    assert not report.error.outcome_unknown


async def test_an_async_provider_that_times_out_is_cancelled() -> None:
    slow = AsyncFakeProvider("slow", [offer("slow", "+13105550001")], gate=asyncio.Event())
    fast = AsyncFakeProvider("fast", [offer("fast", "+12125550001")])
    result = await didkit.compare_async(QUERY, [slow, fast], timeout=0.05)
    assert numbers(result) == ["+12125550001"]
    assert result.report[0].timed_out and isinstance(result.report[0].error, TransportError)


def test_query_limit_is_respected_per_provider() -> None:
    many = [offer("a", f"+1212555{i:04d}", f"{i}.00") for i in range(1, 9)]
    a = FakeProvider("a", many)
    b = AsyncFakeProvider("b", [offer("b", f"+1310555{i:04d}", "0.50") for i in range(1, 9)])
    result = didkit.compare(SearchQuery(country="US", limit=3), [a, b])
    assert [r.offers for r in result.report] == [3, 3]
    assert len(result) == 6
    assert a.searches[0].limit == 3


# -- concurrency --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kinds",
    [("sync", "sync"), ("async", "async"), ("sync", "async")],
    ids=["two-sync", "two-async", "mixed"],
)
def test_providers_are_searched_concurrently(kinds: tuple[str, str]) -> None:
    overlap = Overlap()
    providers: list[Any] = [
        (FakeProvider if kind == "sync" else AsyncFakeProvider)(name, [offer(name, None)], delay=DELAY, overlap=overlap)
        for kind, name in zip(kinds, ("a", "b"), strict=True)
    ]
    result = didkit.compare(QUERY, providers)
    assert overlap.peak == 2  # both searches were in flight at once
    assert [r.offers for r in result.report] == [1, 1]


async def test_compare_async_searches_concurrently_without_blocking_the_loop() -> None:
    overlap = Overlap()
    providers: list[Any] = [
        FakeProvider("a", [offer("a", None)], delay=DELAY, overlap=overlap),
        AsyncFakeProvider("b", [offer("b", None)], delay=DELAY, overlap=overlap),
    ]
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        result = await didkit.compare_async(QUERY, providers)
    finally:
        task.cancel()
    assert overlap.peak == 2
    assert ticks >= 3  # the sync provider ran in a thread, not on the loop
    assert len(result) == 2


# -- progress ------------------------------------------------------------------------------------


def test_progress_is_called_as_each_provider_finishes() -> None:
    # "slow" can only finish after progress() has been called for "fast": so progress runs as
    # providers finish, not once at the end.
    released = threading.Event()
    slow = FakeProvider("slow", [offer("slow", None)], gate=released)
    fast = FakeProvider("fast", [offer("fast", None), offer("fast", "+12125550001")])
    seen: list[tuple[str, int]] = []

    def progress(report: ProviderReport) -> None:
        seen.append((report.provider, report.offers))
        released.set()

    result = didkit.compare(QUERY, [slow, fast], progress=progress)
    assert seen == [("fast", 2), ("slow", 1)]
    assert [r.provider for r in result.report] == ["slow", "fast"]  # the report keeps the given order


async def test_progress_may_be_a_coroutine_and_sees_failures() -> None:
    seen: list[ProviderReport] = []

    async def progress(report: ProviderReport) -> None:
        await asyncio.sleep(0)
        seen.append(report)

    bad = AsyncFakeProvider("bad", search_error=ServerError("down", provider="bad", status_code=500))
    await didkit.compare_async(QUERY, [bad, AsyncFakeProvider("good")], progress=progress)
    assert len(seen) == 2 and [type(r.error) for r in seen if r.provider == "bad"] == [ServerError]


def test_an_exception_in_progress_propagates() -> None:
    def progress(report: ProviderReport) -> None:
        raise RuntimeError("ui crashed")

    with pytest.raises(RuntimeError, match="ui crashed"):
        didkit.compare(QUERY, [FakeProvider("a")], progress=progress)


# -- calling conventions ------------------------------------------------------------------------------


async def test_compare_inside_a_running_loop_points_to_compare_async() -> None:
    with pytest.raises(EventLoopRunningError, match="compare_async"):
        didkit.compare(QUERY, [FakeProvider("a")])
    assert issubclass(EventLoopRunningError, DidkitError) and issubclass(EventLoopRunningError, RuntimeError)


def test_compare_works_from_a_worker_thread() -> None:
    out: list[Comparison] = []
    thread = threading.Thread(target=lambda: out.append(didkit.compare(QUERY, [FakeProvider("a", [offer("a", None)])])))
    thread.start()
    thread.join(5)
    assert len(out[0]) == 1


def test_a_single_provider_need_not_be_in_a_list() -> None:
    assert len(didkit.compare(QUERY, FakeProvider("a", [offer("a", None)]))) == 1


@pytest.mark.parametrize(
    "kwargs",
    [{"months": 0}, {"months": 1.5}, {"months": True}, {"timeout": 0}, {"timeout": -1}, {"timeout": "5"}],
)
def test_bad_arguments_are_rejected_before_any_search(kwargs: dict[str, Any]) -> None:
    provider = FakeProvider("a")
    with pytest.raises(InvalidInputError):
        didkit.compare(QUERY, [provider], **kwargs)
    assert provider.searches == []


def test_bad_query_and_providers_are_rejected() -> None:
    provider = FakeProvider("a")
    with pytest.raises(InvalidInputError):
        didkit.compare({"country": "US"}, [provider])  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        didkit.compare(QUERY, [])
    with pytest.raises(InvalidInputError, match="neither a provider name"):
        didkit.compare(QUERY, [provider, 42])  # type: ignore[list-item]
    assert provider.searches == []


# -- names -------------------------------------------------------------------------------------------


class _NamedFake(FakeProvider):
    """A registered provider class, as the registry would load it."""

    instances: list[_NamedFake] = []

    def __init__(self, *, api_key: str | None = None, **options: Any) -> None:
        if not api_key:
            raise ConfigurationError("no API key for 'fakecarrier': pass api_key=... or set FAKECARRIER_API_KEY")
        super().__init__("fakecarrier", [offer("fakecarrier", "+12125550009", "0.75")])
        self.options = options
        _NamedFake.instances.append(self)


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch) -> type[_NamedFake]:
    from didkit import registry

    real = registry.provider_class

    def provider_class(name: str) -> type[Any]:
        if isinstance(name, str) and name.strip().lower() == "fakecarrier":
            return _NamedFake
        if isinstance(name, str) and name.strip().lower() in ("wavix", "didww"):
            raise ConfigurationError(f"unknown provider {name!r} (test)")
        return real(name)

    monkeypatch.setattr(registry, "provider_class", provider_class)
    _NamedFake.instances.clear()
    return _NamedFake


def test_an_unknown_name_raises_before_anything_runs(fake_registry: type[_NamedFake]) -> None:
    provider = FakeProvider("a")
    with pytest.raises(ConfigurationError, match="unknown provider"):
        didkit.compare(QUERY, [provider, "no-such-carrier"])
    assert provider.searches == []


def test_a_name_without_a_key_is_reported(fake_registry: type[_NamedFake]) -> None:
    result = didkit.compare(QUERY, ["fakecarrier", FakeProvider("a", [offer("a", None)])])
    report = result.report[0]
    assert report.provider == "fakecarrier" and isinstance(report.error, ConfigurationError)
    assert len(result) == 1


def test_names_are_connected_with_options_and_closed(fake_registry: type[_NamedFake]) -> None:
    result = didkit.compare(QUERY, ["FakeCarrier"], connect_options={"api_key": "k", "sandbox": True})
    assert numbers(result) == ["+12125550009"]
    (instance,) = fake_registry.instances
    assert instance.options["sandbox"] is True
    assert instance.closed


def test_instances_given_by_the_caller_are_not_closed() -> None:
    provider = FakeProvider("a")
    didkit.compare(QUERY, [provider])
    assert not provider.closed


def test_reports_and_comparisons_count_in_good_english() -> None:
    from didkit.broker import ProviderReport

    assert str(ProviderReport("wavix", 1, 0.5)) == "wavix: 1 offer in 0.50 s"
    assert str(ProviderReport("wavix", 2, 0.5)) == "wavix: 2 offers in 0.50 s"
    single = didkit.compare(SearchQuery(country="US"), [FakeProvider("a", [offer("a", "+12135550101", "1.00")])])
    assert repr(single).startswith("<Comparison 1 offer over 12 months")


class _NotingProvider(FakeProvider):
    """A provider that attaches a note to its searches (a degraded mode)."""

    def search_notes(self) -> tuple[str, ...]:
        return ("only 'any number' offers for this account",)


class _BrokenNotes(FakeProvider):
    def search_notes(self) -> tuple[str, ...]:
        raise RuntimeError("notes are advice; this must not fail the search")


def test_a_provider_can_attach_notes_to_its_search_report() -> None:
    noting = _NotingProvider("a", [offer("a", None)])
    plain = FakeProvider("b", [offer("b", "+13105550001")])
    broken = _BrokenNotes("c", [offer("c", "+13105550002")])
    comparison = didkit.compare(SearchQuery(country="US"), [noting, plain, broken])
    a, b, c = comparison.report
    assert a.notes == ("only 'any number' offers for this account",) and a.degraded and a.ok
    assert "; note: only 'any number' offers" in str(a)
    assert (b.notes, b.degraded, c.notes, c.offers) == ((), False, (), 1)


def test_didww_denying_available_dids_is_a_note_in_the_report() -> None:
    with (
        didkit.connect("didww", sandbox=True, api_key="k") as didww,
        didkit.connect("wavix", sandbox=True, api_key="k") as wavix,
    ):
        didww.emulator.deny_available_dids()
        comparison = didkit.compare(SearchQuery(country="US", city="Los Angeles", prefix="213"), [didww, wavix])
    by_name = {report.provider: report for report in comparison.report}
    (note,) = by_name["didww"].notes
    assert "may not list specific numbers" in note and "available_dids" in note
    assert by_name["wavix"].notes == ()
