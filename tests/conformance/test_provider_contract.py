"""Both bundled adapters keep the provider contract (``didkit.testing.contract``) on their emulators."""

from __future__ import annotations

from didkit.testing.contract import ProviderContract


class TestWavixContract(ProviderContract):
    provider_name = "wavix"


class TestDidwwContract(ProviderContract):
    provider_name = "didww"
