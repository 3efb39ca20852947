"""Suite-wide conformance mode: every response any emulator produces during the test suite is
recorded, then validated against the JSON Schemas derived from the carriers' published OpenAPI
documents (see ``didkit_conformance``). Set ``DIDKIT_CONFORMANCE=0`` to switch it off locally.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from didkit_conformance import CHECKER, ConformanceChecker
from hypothesis import settings

# No deadline per example: the test workers share the cores (with each other and whatever else
# runs), so an example now and then waits longer than hypothesis's 200 ms for one, and hypothesis
# then fails the test for "unreliable test timings" although no test here asserts anything about
# time. The rest comes from the profile hypothesis loaded: under CI, its own "ci" profile
# (derandomized, no example database).
settings.register_profile("didkit", deadline=None)
settings.load_profile("didkit")


@pytest.fixture(scope="session")
def _ledger_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ledgers")


@pytest.fixture(autouse=True)
def _private_ledger(monkeypatch: pytest.MonkeyPatch, _ledger_folder: Path) -> None:
    """Every test's default procurement ledger is a fresh file of its own, never the user's.

    A unique name in one folder, not a numbered folder per test: ``mktemp`` lists the whole base
    folder to number each new one, which made every test slower than the one before it."""
    monkeypatch.setenv("DIDKIT_LEDGER", str(_ledger_folder / f"{uuid.uuid4().hex}.sqlite3"))


@pytest.fixture(autouse=True)
def _fresh_shared_tokens() -> Iterator[None]:
    """Providers on the real clock share minted tokens process-wide (by design); a test starts
    with none, so that what one test minted never answers for another."""
    from didkit.auth import SHARED_TOKENS

    SHARED_TOKENS.clear()
    yield
    SHARED_TOKENS.clear()


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    """The test PostgreSQL server (``.ci/start-postgres`` prints it). Without one the tests that
    need it fail under CI, and skip, saying so, elsewhere."""
    dsn = os.environ.get("DIDKIT_TEST_POSTGRES_DSN", "").strip()
    if dsn:
        return dsn
    reason = 'DIDKIT_TEST_POSTGRES_DSN is not set: run eval "$(.ci/start-postgres)" first'
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"PostgreSQL ledger tests cannot run under CI: {reason}")
    pytest.skip(reason)


class LedgerMaker:
    """Opens ledgers of one backend (the same store each time): ``spec`` and ``options`` are
    what another process needs to open it too."""

    def __init__(self, kind: str, spec: str, options: dict[str, Any]) -> None:
        self.kind, self.spec, self.options = kind, spec, options
        self._memory: Any = None

    def __call__(self, **options: Any) -> Any:
        from didkit.ledger import open_ledger

        if self.kind == "memory" and self._memory is not None:
            return self._memory  # one process, one memory
        ledger = open_ledger(self.spec, **{**self.options, **options})
        if self.kind == "memory":
            self._memory = ledger
        return ledger

    def __repr__(self) -> str:
        return f"<LedgerMaker {self.kind}>"


def _maker(request: pytest.FixtureRequest, kind: str) -> LedgerMaker:
    if kind == "memory":
        return LedgerMaker(kind, "memory", {})
    if kind == "sqlite":
        path = request.getfixturevalue("tmp_path") / "ledger" / "procurements.sqlite3"
        return LedgerMaker(kind, f"sqlite:///{path}", {})
    dsn = request.getfixturevalue("postgres_dsn")
    table = f"t_{uuid.uuid4().hex[:16]}"

    def drop() -> None:
        import psycopg

        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP TABLE IF EXISTS "{table}"')  # type: ignore[arg-type]
            connection.execute("DELETE FROM didkit_ledger_meta WHERE name = %s", (table,))

    request.addfinalizer(drop)
    return LedgerMaker(kind, dsn, {"table": table})


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def any_ledger(request: pytest.FixtureRequest) -> LedgerMaker:
    """Every backend in turn."""
    return _maker(request, request.param)


@pytest.fixture(params=["sqlite", "postgres"])
def durable_ledger(request: pytest.FixtureRequest) -> LedgerMaker:
    """The backends other processes share."""
    return _maker(request, request.param)


@pytest.fixture(scope="session", autouse=True)
def emulator_conformance() -> Iterator[ConformanceChecker]:
    """Record every emulator response of the session; fail the session on a non-conforming one."""
    if os.environ.get("DIDKIT_CONFORMANCE", "1") == "0":
        yield CHECKER
        return
    from didkit.sandbox import add_recorder, remove_recorder

    add_recorder(CHECKER.record)
    try:
        yield CHECKER
    finally:
        remove_recorder(CHECKER.record)
    problems = CHECKER.problems()
    if problems:
        listing = "\n  ".join(sorted(set(problems))[:60])
        pytest.fail(f"{len(problems)} emulator responses do not conform to the published specs:\n  {listing}")
