"""compare(..., ready_only=True) and the report's count of offers that need documents."""

from __future__ import annotations

import pytest

import didkit
from didkit import SearchQuery

BERLIN = SearchQuery(country="DE", city="Berlin")


def test_the_report_counts_offers_that_need_documents_per_carrier() -> None:
    comparison = didkit.compare(BERLIN, ["wavix", "didww"], connect_options={"sandbox": True})
    for report in comparison.report:
        needing = [offer for offer in comparison if offer.provider == report.provider and offer.requires_documents]
        assert report.needs_documents == len(needing)
    assert sum(report.needs_documents for report in comparison.report) > 0
    wavix = next(report for report in comparison.report if report.provider == "wavix")
    assert f"({wavix.needs_documents} need documents)" in str(wavix)


def test_ready_only_keeps_offers_that_need_no_documents() -> None:
    everything = didkit.compare(BERLIN, ["wavix", "didww"], connect_options={"sandbox": True})
    ready = didkit.compare(BERLIN, ["wavix", "didww"], connect_options={"sandbox": True}, ready_only=True)
    assert ready and all(not offer.requires_documents for offer in ready)
    assert len(ready) == len(everything) - sum(report.needs_documents for report in everything.report)
    assert [r.needs_documents for r in ready.report] == [r.needs_documents for r in everything.report]
    with pytest.raises(didkit.InvalidInputError, match="ready_only"):
        didkit.compare(BERLIN, ["wavix"], connect_options={"sandbox": True}, ready_only="yes")  # type: ignore[arg-type]
