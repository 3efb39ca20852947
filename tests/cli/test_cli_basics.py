"""Global options, ``providers``, ``coverage`` and the help."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import didkit

if TYPE_CHECKING:
    from conftest import Invoker


def test_help_lists_every_command(didkit_cli: Invoker) -> None:
    result = didkit_cli("--help")
    assert result.exit_code == 0
    for command in ("providers", "coverage", "search", "buy", "procure", "numbers", "sandbox"):
        assert command in result.stdout


def test_sandbox_help_says_state_does_not_persist(didkit_cli: Invoker) -> None:
    result = didkit_cli("--help")
    assert "fresh" in result.stdout
    assert "persists" in result.stdout


def test_version(didkit_cli: Invoker) -> None:
    result = didkit_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"didkit {didkit.__version__}"


def test_no_command_shows_help_and_fails(didkit_cli: Invoker) -> None:
    result = didkit_cli()
    assert result.exit_code == 2
    assert "Commands" in result.stderr


def test_providers_in_sandbox(didkit_cli: Invoker) -> None:
    result = didkit_cli("--sandbox", "providers")
    assert result.exit_code == 0, result.stderr
    assert "wavix" in result.stdout
    assert "didww" in result.stdout
    assert "immediate-release" in result.stdout  # wavix releases at once


def test_providers_json(didkit_cli: Invoker) -> None:
    result = didkit_cli("--sandbox", "--json", "providers")
    assert result.exit_code == 0, result.stderr
    entries = {entry["provider"]: entry for entry in json.loads(result.stdout)}
    assert {"wavix", "didww"} <= set(entries)
    didww = entries["didww"]
    assert didww["key_configured"] is True
    assert didww["emulator"] is True
    assert didww["capabilities"]["immediate_release"] is False
    assert didww["capabilities"]["carrier_side_reference"] is True
    assert entries["wavix"]["capabilities"]["labels"] is False


def test_providers_reports_key_sources_and_never_the_key(
    didkit_cli: Invoker, monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    monkeypatch.setenv("WAVIX_API_KEY", "wavix-secret-123")
    config = isolated_env / "didkit" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[providers.didww]\napi_key = "didww-secret-456"\n')

    table = didkit_cli("providers")
    as_json = didkit_cli("--json", "providers")

    assert table.exit_code == 0, table.stderr
    assert "env:WAVIX_API_KEY" in table.stdout
    assert "config" in table.stdout
    entries = {entry["provider"]: entry for entry in json.loads(as_json.stdout)}
    assert entries["wavix"]["key_source"] == "env:WAVIX_API_KEY"
    assert entries["didww"]["key_source"] == "config"
    for output in (table.stdout, table.stderr, as_json.stdout, as_json.stderr):
        assert "secret" not in output


def test_providers_without_any_key(didkit_cli: Invoker) -> None:
    result = didkit_cli("--json", "providers")
    assert result.exit_code == 0
    assert all(entry["key_configured"] is False for entry in json.loads(result.stdout))


def test_coverage_countries(didkit_cli: Invoker) -> None:
    result = didkit_cli("--sandbox", "coverage", "countries")
    assert result.exit_code == 0, result.stderr
    assert "US" in result.stdout
    assert "wavix" in result.stdout
    assert "didww" in result.stdout


def test_coverage_countries_json(didkit_cli: Invoker) -> None:
    result = didkit_cli("--sandbox", "--json", "coverage", "countries", "-p", "didww")
    assert result.exit_code == 0, result.stderr
    countries = json.loads(result.stdout)
    assert {c["provider"] for c in countries} == {"didww"}
    assert "US" in {c["code"] for c in countries}
    assert all("raw" not in c for c in countries)


def test_coverage_regions_and_cities(didkit_cli: Invoker) -> None:
    regions = didkit_cli("--sandbox", "--json", "coverage", "regions", "--country", "US")
    assert regions.exit_code == 0, regions.stderr
    names = {r["name"] for r in json.loads(regions.stdout)}
    assert "California" in names

    cities = didkit_cli("--sandbox", "coverage", "cities", "--country", "us")
    assert cities.exit_code == 0, cities.stderr
    assert "Los Angeles".lower() in cities.stdout.lower()


def test_coverage_bad_country(didkit_cli: Invoker) -> None:
    result = didkit_cli("--sandbox", "coverage", "regions", "--country", "XX")
    assert result.exit_code == 2
    assert "XX" in result.stderr
