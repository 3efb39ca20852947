"""The adapter kit (``didkit.kit``): paging generators, the expiring cache, declarations."""

from __future__ import annotations

import ast
import pathlib
import weakref
from typing import Any

import pytest

import didkit.kit as kit
from didkit import ConfigurationError, InvalidInputError, NotFoundError
from didkit.engine import Emit, HttpRequest, HttpResponse, Operation, Stream
from didkit.kit import (
    Declared,
    ExpiringCache,
    Page,
    Param,
    check_flag,
    check_number,
    collect,
    first_emitted,
    linked_pages,
    numbered_pages,
)


def drive(operation: Any, answer: Any) -> tuple[list[Any], list[str], Any]:
    """Run a sans-I/O generator: ``answer(request)`` answers each request (or raises); returns
    (emitted items, request paths, return value)."""
    emitted: list[Any] = []
    paths: list[str] = []
    value: Any = None
    try:
        step = next(operation)
        while True:
            if isinstance(step, Emit):
                emitted.extend(step.items)
                step = operation.send(None)
                continue
            assert isinstance(step, HttpRequest)
            paths.append(step.path)
            try:
                response = answer(step)
            except NotFoundError as error:
                step = operation.throw(error)
                continue
            step = operation.send(response)
    except StopIteration as stop:
        value = stop.value
    return emitted, paths, value


def ok(body: Any = None) -> HttpResponse:
    return HttpResponse(200, {}, b"{}")


def numbered(pages: dict[int, list[int]], total: int | None) -> Stream:
    def fetch(number: int) -> Operation[Page[int]]:
        yield HttpRequest("GET", f"/p{number}")
        return Page(pages.get(number, []), total_pages=total)

    return numbered_pages(fetch)


def test_numbered_pages_stop_at_the_total_or_an_empty_page() -> None:
    items, paths, _ = drive(numbered({1: [1, 2], 2: [3], 3: [4]}, total=2), ok)
    assert (items, paths) == ([1, 2, 3], ["/p1", "/p2"])
    items, paths, _ = drive(numbered({1: [1], 2: [2]}, total=None), ok)
    assert (items, paths) == ([1, 2], ["/p1", "/p2", "/p3"])  # no total: on to the first empty page
    items, paths, _ = drive(numbered({}, total=9), ok)
    assert (items, paths) == ([], ["/p1"])


def test_pages_are_fetched_only_when_the_consumer_wants_more() -> None:
    stream = numbered({1: [1], 2: [2]}, total=2)
    assert isinstance(next(stream), HttpRequest)
    first = stream.send(ok())
    assert isinstance(first, Emit) and list(first.items) == [1]
    stream.close()  # the consumer stopped: page 2 is never asked for


def test_linked_pages_follow_next_and_each_may_send_requests() -> None:
    def fetch(cursor: str) -> Operation[Page[str]]:
        yield HttpRequest("GET", cursor)
        following = {"/a": "/b", "/b": "/c"}.get(cursor)
        return Page([cursor.upper()], next=following)

    def each(page: Page[str]) -> Stream:
        for item in page.items:
            yield HttpRequest("GET", f"/detail{item}")
            yield Emit([item])

    items, paths, _ = drive(linked_pages(fetch, "/a", each=each), ok)
    assert items == ["/A", "/B", "/C"]
    assert paths == ["/a", "/detail/A", "/b", "/detail/B", "/c", "/detail/C"]


@pytest.mark.parametrize("paging", ["numbered", "linked"])
def test_a_page_is_let_go_before_the_next_is_fetched(paging: str) -> None:
    # A listed page holds its decoded body (a DIDWW page of 1000 is ~40k objects): kept while
    # the next one is fetched and decoded, it doubles what the listing holds at once.
    made: list[weakref.ref[Page[int]]] = []
    alive_at_fetch: list[bool] = []

    def fetch(number: int) -> Operation[Page[int]]:
        alive_at_fetch.append(any(ref() is not None for ref in made))
        yield HttpRequest("GET", f"/p{number}")
        page = Page([number], total_pages=3, next=number + 1 if number < 3 else None)
        made.append(weakref.ref(page))
        return page

    stream = numbered_pages(fetch) if paging == "numbered" else linked_pages(fetch, 1)
    items, paths, _ = drive(stream, ok)
    assert (items, paths) == ([1, 2, 3], ["/p1", "/p2", "/p3"])
    assert alive_at_fetch == [False, False, False]


def test_first_emitted_stops_fetching_once_found_and_collect_takes_all() -> None:
    pages = {1: [1, 2], 2: [3, 4], 3: [5]}
    _, paths, found = drive(first_emitted(numbered(pages, total=3), lambda n: n == 3), ok)
    assert (found, paths) == (3, ["/p1", "/p2"])
    _, paths, missing = drive(first_emitted(numbered(pages, total=3), lambda n: n == 9), ok)
    assert (missing, paths) == (None, ["/p1", "/p2", "/p3"])
    _, _, everything = drive(collect(numbered(pages, total=3)), ok)
    assert everything == [1, 2, 3, 4, 5]


def test_errors_reach_the_wrapped_stream() -> None:
    def stream() -> Stream:
        try:
            yield HttpRequest("GET", "/missing")
        except NotFoundError:
            yield Emit(["recovered"])

    def answer(request: HttpRequest) -> HttpResponse:
        raise NotFoundError("gone", provider="toy")

    _, _, items = drive(collect(stream()), answer)
    assert items == ["recovered"]


def test_expiring_cache_keeps_values_for_their_ttl_only() -> None:
    now = [0.0]
    cache = ExpiringCache(10, lambda: now[0])
    calls: list[int] = []

    def fetch() -> Operation[int]:
        yield HttpRequest("GET", "/value")
        calls.append(1)
        return len(calls)

    assert drive(cache.get("k", fetch), ok)[2] == 1
    now[0] = 9.9
    assert drive(cache.get("k", fetch), ok)[1] == []  # a hit sends nothing
    now[0] = 10.0
    assert drive(cache.get("k", fetch), ok)[2] == 2  # expired: fetched again
    cache.clear()
    assert len(cache) == 0
    never = ExpiringCache(0, lambda: now[0])
    drive(never.get("k", fetch), ok)
    assert len(never) == 0
    with pytest.raises(ValueError, match="ttl"):
        ExpiringCache(-1, lambda: 0.0)


def test_a_failed_fetch_is_not_cached() -> None:
    cache = ExpiringCache(10, lambda: 0.0)

    def fetch() -> Operation[int]:
        yield HttpRequest("GET", "/value")
        raise NotFoundError("gone", provider="toy")

    with pytest.raises(NotFoundError):
        drive(cache.get("k", fetch), ok)
    assert len(cache) == 0


def test_declared_names_check_values_and_name_the_known_ones() -> None:
    declared = Declared(
        "filter",
        {
            "limit": Param("at most this many", check_number("limit", minimum=1, integer=True), default=10),
            "live": Param("only live ones", check_flag("live")),
            "order.id": Param("the order"),
        },
        canonical=lambda name: name.replace("__", ".") if "__" in name else None,
    )
    assert declared.check({"limit": 3, "order__id": "o1"}, provider="Toy") == {"limit": 3, "order.id": "o1"}
    assert declared.check(None, provider="Toy", defaults=True) == {"limit": 10}
    assert sorted(declared) == ["limit", "live", "order.id"] and declared["live"].description == "only live ones"
    with pytest.raises(InvalidInputError, match=r"Toy has no filter 'colour' \(known: limit, live, order.id\)"):
        declared.check({"colour": "blue"}, provider="Toy")
    with pytest.raises(InvalidInputError, match="live must be True or False"):
        declared.check({"live": "yes"}, provider="Toy")
    with pytest.raises(ConfigurationError, match="limit must be an integer >= 1"):
        declared.check({"limit": 0}, provider="Toy", error=ConfigurationError)
    with pytest.raises(ConfigurationError, match="Toy has no filter 'x'"):
        declared.check({"x": 1}, provider="Toy", error=ConfigurationError)
    with pytest.raises(InvalidInputError, match="limit must be an integer"):
        declared.check({"limit": True}, provider="Toy")
    with pytest.raises(InvalidInputError, match="mapping"):
        declared.check(["limit"], provider="Toy")  # type: ignore[arg-type]


def test_the_kit_knows_no_carrier_and_exports_what_it_documents() -> None:
    assert sorted(kit.__all__) == sorted(name for name in kit.__all__ if hasattr(kit, name))
    for path in pathlib.Path(kit.__file__).parent.glob("*.py"):
        text = path.read_text().lower()
        assert "wavix" not in text and "didww" not in text, path
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("didkit_wavix", "didkit_didww")), path


def test_no_adapter_keeps_its_own_paging_loop_or_cache() -> None:
    root = pathlib.Path(__file__).parents[2] / "adapters"
    for package in ("didkit_wavix", "didkit_didww"):
        source = (root / package / "_operations.py").read_text()
        assert "while True" not in source, package
        assert "ExpiringCache(" in source and "def _cached" not in source, package
