"""Both bundled adapters keep the provider contract (``didkit.testing.contract``) on their emulators."""

from __future__ import annotations

from didkit.testing.contract import ProviderContract


class TestWavixContract(ProviderContract):
    provider_name = "wavix"


class TestDidwwContract(ProviderContract):
    provider_name = "didww"  # API 2026-11-19, the default: bearer tokens


class TestDidww20260416Contract(ProviderContract):
    provider_name = "didww"
    options = {"api_version": "2026-04-16"}  # Api-Key, did_group_type
