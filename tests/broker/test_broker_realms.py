"""A ledger reference belongs to one realm: the built-in sandbox emulators, or real carriers. A
procurement from one never answers for the other, and the default ledgers are apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from broker_fakes import FakeProvider, offer

import didkit
from didkit import InvalidInputError, SearchQuery
from didkit.ledger import MemoryLedger, open_ledger

QUERY = SearchQuery(country="US", city="Los Angeles")


def _real() -> FakeProvider:
    return FakeProvider("a", [offer("a", "+12125550001", "1.00")])


def test_a_sandbox_purchase_does_not_answer_for_a_real_procurement() -> None:
    ledger = MemoryLedger()
    with didkit.connect("wavix", sandbox=True) as sandbox:
        bought = didkit.procure(QUERY, [sandbox], reference="r-1", ledger=ledger, settle_window=0)
    assert ledger.get("r-1") is not None and ledger.get("r-1").sandbox  # type: ignore[union-attr]
    real = _real()
    with pytest.raises(InvalidInputError, match="'r-1' was procured from the sandbox"):
        didkit.procure(QUERY, [real], reference="r-1", ledger=ledger, settle_window=0)
    assert real.bought == []
    # the sandbox itself still gets its earlier purchase back
    with didkit.connect("wavix", sandbox=True) as again:
        assert didkit.procure(QUERY, [again], reference="r-1", ledger=ledger).numbers == bought.numbers
    assert ledger.get("r-1").holder is None  # type: ignore[union-attr]  # the refused call let go of it


def test_a_real_purchase_does_not_answer_for_a_sandbox_procurement() -> None:
    ledger = MemoryLedger()
    real = _real()
    didkit.procure(QUERY, [real], reference="r-2", ledger=ledger, settle_window=0)
    assert ledger.get("r-2") is not None and not ledger.get("r-2").sandbox  # type: ignore[union-attr]
    with pytest.raises(InvalidInputError, match="'r-2' was procured from real carriers"):
        didkit.procure(QUERY, ["wavix"], reference="r-2", ledger=ledger, connect_options={"sandbox": True})
    assert len(real.bought) == 1


def test_the_default_ledger_of_sandbox_procurements_is_a_file_of_its_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DIDKIT_LEDGER")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    didkit.procure(QUERY, ["wavix"], reference="r-3", connect_options={"sandbox": True}, settle_window=0)
    folder = tmp_path / "state" / "didkit"
    assert sorted(p.name for p in folder.glob("*.sqlite3")) == ["procurements-sandbox.sqlite3"]
    with open_ledger(folder / "procurements-sandbox.sqlite3") as book:
        assert [e.reference for e in book.entries()] == ["r-3"]


def test_a_carriers_own_test_environment_counts_as_make_believe() -> None:
    from didkit_didww._provider import SANDBOX_BASE_URL

    with didkit.connect("didww", api_key="k") as production:
        assert production.purchases_are_real  # type: ignore[attr-defined]
    with didkit.connect("didww", api_key="k", environment="sandbox") as named:
        assert not named.purchases_are_real  # type: ignore[attr-defined]
    with didkit.connect("didww", api_key="k", base_url=SANDBOX_BASE_URL + "/") as by_url:
        assert not by_url.purchases_are_real  # type: ignore[attr-defined]
    with didkit.connect("wavix", sandbox=True) as emulated:
        assert not emulated.purchases_are_real  # type: ignore[attr-defined]


def test_a_reference_bought_for_real_is_refused_on_the_carriers_test_environment_before_any_request() -> None:
    import httpx

    ledger = MemoryLedger()
    didkit.procure(QUERY, [_real()], reference="r-4", ledger=ledger, settle_window=0)
    sent: list[httpx.Request] = []

    def nothing(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    options = {"api_key": "k", "environment": "sandbox", "transport": httpx.MockTransport(nothing)}
    with pytest.raises(InvalidInputError, match="'r-4' was procured from real carriers"):
        didkit.procure(QUERY, ["didww"], reference="r-4", ledger=ledger, connect_options=options)
    assert sent == []
