"""procure(end_user=) with fake providers: what a carrier's refusal to sell before documents does,
and a provider that cannot register."""

from __future__ import annotations

from broker_fakes import FakeProvider, offer

import didkit
from didkit import Address, Document, EndUser, SearchQuery
from didkit.ledger import MemoryLedger

ADA = EndUser.person(
    "Ada",
    "Lovelace",
    address=Address("1 Main St", "Los Angeles", "90012", "US"),
    documents=(Document("identity", "passport.pdf", b"%PDF passport"),),
)


def test_a_documents_refusal_with_a_profile_moves_on_to_a_carrier_that_sells_first() -> None:
    # A carrier that wants documents *before* selling cannot be helped by a registration (it
    # needs an owned number): procure moves on, and registers where it bought.
    refusing = FakeProvider(
        "a",
        [offer("a", "+12125550001", "1.00", documents=True)],
        outcomes={"+12125550001": didkit.DocumentsRequiredError("documents first", provider="a")},
    )
    selling = FakeProvider("b", [offer("b", "+13105550001", "2.00", documents=True)])  # has no register()
    result = didkit.procure(
        SearchQuery(country="US"),
        [refusing, selling],
        reference="us",
        end_user=ADA,
        ledger=MemoryLedger(),
    )
    assert [(a.provider, a.outcome) for a in result.attempts] == [("a", "failed"), ("b", "purchased")]
    assert isinstance(result.attempts[0].error, didkit.DocumentsRequiredError)
    assert result.provider == "b" and not result.registered
    assert isinstance(result.registration_errors[result.order.id], didkit.UnsupportedOperationError)
