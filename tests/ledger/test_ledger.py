"""The ledger's rules on every backend (real SQLite files, a real PostgreSQL server)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest

from didkit import DID, AvailableNumber, InvalidInputError, Money, Order, OrderStatus
from didkit.ledger import (
    Intent,
    LedgerError,
    MemoryLedger,
    RecordedAttempt,
    SQLiteLedger,
    default_ledger_path,
    new_holder,
    open_ledger,
)

OFFER = AvailableNumber(
    "wavix", "+13055550100", "US", city="Miami", monthly_price=Money("1.50", "USD"), offer_ref={"id": "7"}
)
GROUP = AvailableNumber("didww", None, "US", city="Los Angeles", offer_ref={"sku_id": "sku-1"})


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def intent(offer: AvailableNumber = OFFER) -> Intent:
    return Intent(offer.provider, offer, 1, datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc))


def order(reference: str) -> Order:
    did = DID("101", "wavix", "+13055550100", created_at=datetime(2026, 12, 3, tzinfo=timezone.utc), raw={"id": 101})
    return Order("wavix-101", "wavix", OrderStatus.COMPLETED, reference, (did,), Money("1.50"), raw={"ok": True})


def test_a_purchase_is_written_through_and_read_back(any_ledger: Any) -> None:
    ledger = any_ledger()
    holder = new_holder()
    assert ledger.claim("r1", holder).granted
    entry = ledger.record_intent("r1", holder, intent())
    assert (entry.state, entry.unresolved, entry.intent.number) == ("intent", True, "+13055550100")
    ledger.record_outcome(
        "r1", holder, "bought", order=order("r1"), attempts=[RecordedAttempt("wavix", OFFER, "purchased")]
    )
    ledger.release("r1", holder)
    ledger.close()

    again = any_ledger().get("r1")  # a fresh object: what was committed, not what was cached
    assert again is not None
    assert (again.state, again.numbers, again.holder) == ("bought", ("+13055550100",), None)
    assert again.order == order("r1")
    assert again.order.numbers[0].raw == {"id": 101}
    assert again.intent == intent()
    assert again.intent.offer.offer_ref == {"id": "7"}
    assert [a.outcome for a in again.attempts] == ["purchased"]
    assert not any_ledger().claim("r1", new_holder()).granted  # bought: nobody claims it again


def test_one_holder_at_a_time_until_the_lease_runs_out(any_ledger: Any) -> None:
    clock = Clock()
    ledger = any_ledger(clock=clock, lease=30)
    first, second = new_holder(), new_holder()
    assert ledger.claim("r2", first).granted
    ledger.record_intent("r2", first, intent())
    refused = ledger.claim("r2", second)
    assert (refused.granted, refused.entry.holder) == (False, first)
    clock.now += 29
    assert not ledger.claim("r2", second).granted
    ledger.renew("r2", first)
    clock.now += 29
    assert not ledger.claim("r2", second).granted  # renewed: still the first's
    clock.now += 2
    taken = ledger.claim("r2", second)
    assert (taken.granted, taken.taken_over, taken.entry.state) == (True, first, "intent")
    with pytest.raises(LedgerError, match="lost"):
        ledger.record_outcome("r2", first, "failed", note="late")


def test_a_dead_holder_on_this_machine_is_taken_over_at_once(any_ledger: Any) -> None:
    ledger = any_ledger(lease=3600)
    child = subprocess.run(
        [sys.executable, "-c", "import didkit.ledger as l; print(l.new_holder())"], capture_output=True, text=True
    )
    dead = child.stdout.strip()
    assert ledger.claim("r3", dead).granted
    taken = ledger.claim("r3", new_holder())
    assert (taken.granted, taken.taken_over) == (True, dead)


def test_threads_racing_for_one_reference_get_one_claim(any_ledger: Any) -> None:
    ledger = any_ledger()
    granted: list[str] = []
    barrier = threading.Barrier(8)

    def race() -> None:
        holder = new_holder()
        barrier.wait()
        if ledger.claim("r4", holder).granted:
            granted.append(holder)

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 1


def test_outcomes(any_ledger: Any) -> None:
    ledger = any_ledger()
    holder = new_holder()
    ledger.claim("r5", holder)
    ledger.record_intent("r5", holder, intent(GROUP))
    entry = ledger.record_outcome("r5", holder, "unknown", note="checkout timed out")
    assert (entry.state, entry.unresolved, entry.note) == ("unknown", True, "checkout timed out")
    assert entry.to_check is not None
    assert "reference 'r5'" in entry.to_check
    assert "sku_id sku-1" in entry.to_check
    entry = ledger.record_outcome("r5", holder, "failed", note="sold out")
    assert (entry.state, entry.unresolved, entry.to_check) == ("open", False, None)
    with pytest.raises(InvalidInputError):
        ledger.record_outcome("r5", holder, "bought")


def test_list_puts_unresolved_first_and_forget_refuses_a_live_claim(any_ledger: Any) -> None:
    clock = Clock()
    ledger = any_ledger(clock=clock)
    holder = new_holder()
    for reference in ("done", "open", "pending"):
        ledger.claim(reference, holder)
        clock.now += 1
    ledger.record_intent("pending", holder, intent())
    ledger.record_intent("done", holder, intent())
    clock.now += 1
    ledger.record_outcome("done", holder, "bought", order=order("done"))
    assert [e.reference for e in ledger.entries()] == ["pending", "done", "open"]
    assert ledger.entries()[0].to_check == "is +13055550100 among the wavix account's numbers?"
    with pytest.raises(LedgerError, match="being procured right now"):
        ledger.forget("pending")
    ledger.release("pending", holder)
    assert ledger.forget("pending") is True
    assert ledger.forget("pending") is False
    assert ledger.get("pending") is None


@pytest.mark.parametrize(
    ("spec", "kind", "where"),
    [
        ("memory", MemoryLedger, None),
        ("sqlite:///relative/p.db", SQLiteLedger, Path("relative/p.db")),
        ("sqlite:////abs/p.db", SQLiteLedger, Path("/abs/p.db")),
        ("/abs/plain.sqlite3", SQLiteLedger, Path("/abs/plain.sqlite3")),
        ("plain.sqlite3", SQLiteLedger, Path("plain.sqlite3")),
    ],
)
def test_open_ledger_specs(spec: str, kind: type, where: Path | None) -> None:
    ledger = open_ledger(spec)
    assert type(ledger) is kind
    if where is not None:
        assert ledger.path == where


@pytest.mark.parametrize("spec", ["", "sqlite://", "sqlite:///", "sqlite:///:memory:", "mysql://x/y", 5])
def test_open_ledger_rejects(spec: Any) -> None:
    with pytest.raises(InvalidInputError):
        open_ledger(spec)


def test_postgres_spec_hides_the_password() -> None:
    ledger = open_ledger("postgresql://me:s3cret@db.example:5432/app")
    assert "s3cret" not in repr(ledger)
    assert ledger.url == "postgresql://me:***@db.example:5432/app"


def test_the_default_is_the_env_var_else_the_user_state_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIDKIT_LEDGER", str(tmp_path / "x.sqlite3"))
    assert open_ledger().path == tmp_path / "x.sqlite3"
    monkeypatch.delenv("DIDKIT_LEDGER")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert default_ledger_path() == tmp_path / "state" / "didkit" / "procurements.sqlite3"
    assert open_ledger().path == default_ledger_path()


def test_sqlite_is_in_wal_mode_and_versioned(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "l.sqlite3"
    open_ledger(str(path)).get("x")
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(LedgerError, match="schema version 99"):
        open_ledger(str(path)).get("x")


def test_sqlite_unreachable_says_where_and_why(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(LedgerError, match="unreachable") as caught:
        open_ledger(str(blocker / "l.sqlite3")).claim("r", new_holder())
    assert str(blocker) in str(caught.value)


def test_postgres_unreachable_says_where_and_why() -> None:
    ledger = open_ledger("postgresql://nobody:pw@127.0.0.1:1/none", connect_timeout=1)
    with pytest.raises(LedgerError, match="unreachable") as caught:
        ledger.get("r")
    assert "pw" not in str(caught.value).replace("***", "")


@pytest.mark.parametrize("durable_ledger", ["postgres"], indirect=True)
def test_postgres_schema_is_versioned(durable_ledger: Any) -> None:
    import psycopg

    durable_ledger().get("x")
    table = durable_ledger.options["table"]
    with psycopg.connect(durable_ledger.spec, autocommit=True) as connection:
        row = connection.execute("SELECT version FROM didkit_ledger_meta WHERE name = %s", (table,)).fetchone()
        assert row == (2,)
        connection.execute("UPDATE didkit_ledger_meta SET version = 99 WHERE name = %s", (table,))
    with pytest.raises(LedgerError, match="schema version 99"):
        durable_ledger().get("x")


def test_memory_ledger_rolls_back_a_failed_transaction() -> None:
    ledger = MemoryLedger()
    holder = new_holder()
    ledger.claim("r", holder)
    with pytest.raises(LedgerError):
        ledger.record_intent("r", "someone-else", intent())
    assert ledger.get("r").state == "open"
    assert os.getpid() == int(holder.split(":")[1])


def _format_1_body(reference: str) -> str:
    """An entry as didkit wrote it before several orders per reference (format 1)."""
    import orjson

    from didkit.ledger._codec import _converter, _plain

    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    unstructured = _converter.unstructure(order(reference))
    unstructured.pop("requested")
    body = {
        "reference": reference, "state": "bought", "created_at": now.isoformat(), "updated_at": now.isoformat(),
        "intent": None, "order": unstructured, "note": None, "attempts": [], "holder": None, "lease_until": None,
    }
    return orjson.dumps({"format": 1, "entry": body}, default=_plain).decode()


def test_a_version_1_sqlite_file_is_migrated_and_its_entries_read(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE procurements (reference TEXT PRIMARY KEY, state TEXT NOT NULL, holder TEXT, "
            "updated_at TEXT NOT NULL, body TEXT NOT NULL)"
        )
        db.execute("INSERT INTO procurements VALUES ('old', 'bought', NULL, '2026-12-01', ?)", (_format_1_body("old"),))
        db.execute("PRAGMA user_version = 1")
    entry = open_ledger(str(path)).get("old")
    assert entry is not None and entry.state == "bought"
    assert entry.orders == (entry.order,) and entry.numbers == ("+13055550100",) and entry.bought == 1
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
        assert db.execute("SELECT bought FROM procurements").fetchone() == (1,)


@pytest.mark.parametrize("durable_ledger", ["postgres"], indirect=True)
def test_a_version_1_postgres_table_is_migrated(durable_ledger: Any) -> None:
    import psycopg

    table = durable_ledger.options["table"]
    with psycopg.connect(durable_ledger.spec, autocommit=True) as connection:
        connection.execute(
            f"CREATE TABLE {table} (reference TEXT PRIMARY KEY, state TEXT NOT NULL, holder TEXT, "
            "updated_at TIMESTAMPTZ NOT NULL, body JSONB NOT NULL)"
        )
        connection.execute(
            "CREATE TABLE IF NOT EXISTS didkit_ledger_meta (name TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        )
        connection.execute(
            "INSERT INTO didkit_ledger_meta VALUES (%s, 1) ON CONFLICT (name) DO UPDATE SET version = 1", (table,)
        )
        connection.execute(
            f"INSERT INTO {table} VALUES ('old', 'bought', NULL, now(), %s::jsonb)", (_format_1_body("old"),)
        )
    entry = durable_ledger().get("old")
    assert entry is not None and entry.orders == (entry.order,) and entry.bought == 1
    with psycopg.connect(durable_ledger.spec, autocommit=True) as connection:
        row = connection.execute("SELECT version FROM didkit_ledger_meta WHERE name = %s", (table,)).fetchone()
        assert row == (2,)
        assert connection.execute(f"SELECT bought FROM {table}").fetchone() == (1,)


def test_a_count_fills_over_several_orders_and_never_overshoots(any_ledger: Any) -> None:
    ledger = any_ledger()
    holder = new_holder()
    ledger.claim("many", holder)
    at = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
    entry = ledger.record_intent("many", holder, Intent("didww", GROUP, 3, at, reference="many#1"), count=4)
    assert entry.count == 4 and entry.intent is not None and entry.intent.reference == "many#1"
    partial = attrs.evolve(order("many#1"), status=OrderStatus.PARTIAL, requested=3)  # 1 of 3 arrived
    entry = ledger.record_outcome("many", holder, "bought", order=partial)
    assert (entry.state, entry.bought, entry.count) == ("open", 1, 4)
    with pytest.raises(LedgerError, match="overshoot"):
        ledger.record_intent("many", holder, Intent("didww", GROUP, 4, at, reference="many#2"), count=4)
    ledger.record_intent("many", holder, Intent("didww", GROUP, 3, at, reference="many#2"), count=4)
    pending = attrs.evolve(order("many#2"), status=OrderStatus.PENDING, numbers=(), requested=3)
    entry = ledger.record_outcome("many", holder, "bought", order=pending)
    assert (entry.state, entry.bought) == ("bought", 4)
    assert [o.reference for o in ledger.get("many").orders] == ["many#1", "many#2"]
    assert ledger.get("many").order.reference == "many#1"


def test_a_registration_is_recorded_against_its_order_and_read_back(any_ledger: Any) -> None:
    from didkit.ledger import RecordedRegistration

    ledger = any_ledger()
    holder = new_holder()
    ledger.claim("reg", holder)
    ledger.record_intent("reg", holder, intent())
    ledger.record_outcome("reg", holder, "bought", order=order("reg"))
    at = datetime(2026, 12, 3, 9, 1, tzinfo=timezone.utc)
    with pytest.raises(LedgerError, match="no order"):
        ledger.record_registration("reg", holder, RecordedRegistration("other", "wavix", at, id="r-1"))
    ledger.record_registration("reg", holder, RecordedRegistration("wavix-101", "wavix", at, error="rejected: 422"))
    ledger.record_registration(
        "reg", holder, RecordedRegistration("wavix-101", "wavix", at, "r-9", "pending", ("+13055550100",))
    )
    ledger.release("reg", holder)
    ledger.close()
    again = any_ledger().get("reg")
    assert again is not None and len(again.registrations) == 2
    latest = again.registration_of("wavix-101")
    assert latest is not None and latest.submitted
    assert (latest.id, latest.status, latest.numbers, latest.at) == ("r-9", "pending", ("+13055550100",), at)
    assert again.registration_of("nope") is None


def test_format_2_entries_read_with_no_registrations_and_format_3_is_written() -> None:
    import orjson

    from didkit.ledger._codec import FORMAT, decode, encode

    old = orjson.loads(_format_1_body("f2"))
    old["format"] = 2
    entry = decode(orjson.dumps(old))
    assert entry.registrations == () and entry.numbers == ("+13055550100",)
    assert FORMAT == 3 and orjson.loads(encode(entry))["format"] == 3
    newer = {**old, "format": 4}
    with pytest.raises(LedgerError, match="format 4"):
        decode(orjson.dumps(newer))


def test_an_entry_written_before_realms_reads_as_real_and_a_sandbox_intent_round_trips(any_ledger: Any) -> None:
    import orjson

    from didkit.ledger._codec import decode, encode

    old = orjson.loads(_format_1_body("before-realms"))
    assert "sandbox" not in (old["entry"].get("intent") or {})
    assert decode(orjson.dumps(old)).sandbox is False
    ledger = any_ledger()
    holder = new_holder()
    ledger.claim("sbx", holder)
    ledger.record_intent("sbx", holder, attrs.evolve(intent(), sandbox=True))
    ledger.record_outcome("sbx", holder, "bought", order=order("sbx"))
    ledger.release("sbx", holder)
    ledger.close()
    again = any_ledger().get("sbx")
    assert again is not None and again.sandbox and decode(encode(again)).sandbox
