"""The kit's settling of an unknown purchase outcome, driven by hand (each Sleep moves a fake clock)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from didkit import AmbiguousPurchaseError, ConfigurationError, DeadlineExceededError, ServerError
from didkit.engine import HttpRequest, Operation, Sleep
from didkit.reconcile import DEFAULT_SETTLE_WINDOW, SettleWindow, settle_purchase


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def drive(operation: Operation[Any], clock: Clock, answers: Callable[[int], Any], deadline: float = 1e9) -> Any:
    """Run ``operation``: the n-th look answers ``answers(n)`` (a value, or an error to throw)."""
    looks = 0
    step = next(operation)
    while True:
        try:
            if isinstance(step, Sleep):
                if clock.now + step.seconds > deadline:
                    clock.now = deadline
                    step = operation.throw(DeadlineExceededError("late", provider="toy"))
                    continue
                clock.now += step.seconds
                step = operation.send(None)
            else:
                looks += 1
                answer = answers(looks)
                step = operation.throw(answer) if isinstance(answer, Exception) else operation.send(answer)
        except StopIteration as stop:
            return stop.value, looks


def look() -> Operation[str | None]:
    return (yield HttpRequest("GET", "/lookup"))  # type: ignore[no-any-return]


def failure() -> ServerError:
    return ServerError("boom", provider="toy", status_code=503, outcome_unknown=True)


def settle(window: SettleWindow, clock: Clock, error: ServerError | None = None) -> Operation[str]:
    return settle_purchase(error or failure(), look, window=window, clock=clock, what="the order", reference="ref-1")


def test_found_on_a_later_look_settles_as_bought() -> None:
    clock = Clock()
    found, looks = drive(settle(SettleWindow(), clock), clock, lambda n: "order" if n == 3 else None)
    assert (found, looks) == ("order", 3)
    assert clock.now == pytest.approx(4.0)


def test_not_found_is_believed_only_after_the_window_and_two_looks() -> None:
    clock = Clock()
    error = failure()
    with pytest.raises(ServerError) as caught:
        drive(settle(SettleWindow(seconds=10.0, pause=2.0), clock, error), clock, lambda n: None)
    assert caught.value is error and error.outcome_unknown is False
    assert clock.now >= 10.0


def test_window_zero_believes_the_first_look() -> None:
    clock = Clock()
    with pytest.raises(ServerError):
        drive(settle(SettleWindow(seconds=0.0, pause=0.0), clock), clock, lambda n: None)
    assert clock.now == 0.0


def test_a_failing_look_is_ambiguous() -> None:
    clock = Clock()
    lookup_error = ServerError("down", provider="toy", status_code=502)
    with pytest.raises(AmbiguousPurchaseError, match="looking for it failed") as caught:
        drive(settle(SettleWindow(), clock), clock, lambda n: None if n == 1 else lookup_error)
    assert caught.value.reference == "ref-1" and caught.value.outcome_unknown


def test_the_deadline_inside_the_window_is_ambiguous() -> None:
    clock = Clock()
    with pytest.raises(AmbiguousPurchaseError, match="deadline"):
        drive(settle(SettleWindow(seconds=30.0), clock), clock, lambda n: None, deadline=5.0)


def test_an_earlier_failure_counts_from_when_it_happened() -> None:
    clock = Clock()
    clock.now = 100.0
    operation = settle_purchase(
        failure(), look, window=SettleWindow(seconds=10.0, looks=1), clock=clock, what="x", reference=None, since=50.0
    )
    with pytest.raises(ServerError):
        drive(operation, clock, lambda n: None)
    assert clock.now == 100.0  # the window had passed: one look that answers decides


def test_the_option() -> None:
    assert SettleWindow.from_options({}).seconds == DEFAULT_SETTLE_WINDOW
    assert SettleWindow.from_options({"settle_window": 0}).pause == 0
    for bad in (-1, True, "5", float("nan")):
        with pytest.raises(ConfigurationError, match="settle_window"):
            SettleWindow.from_options({"settle_window": bad})
