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


def test_global_flags_are_accepted_after_the_command(didkit_cli: Invoker) -> None:
    result = didkit_cli("search", "--country", "US", "-p", "wavix", "--limit", "1", "--sandbox", "--json")
    assert result.exit_code == 0, result.stderr
    (offer,) = json.loads(result.stdout)
    assert offer["provider"] == "wavix"

    nested = didkit_cli("numbers", "list", "--json", "--sandbox")
    assert nested.exit_code == 0, nested.stderr
    assert {did["provider"] for did in json.loads(nested.stdout)} == {"wavix", "didww"}


def test_a_global_flag_after_double_dash_stays_an_argument(didkit_cli: Invoker) -> None:
    result = didkit_cli("--sandbox", "numbers", "show", "--", "--json")
    assert result.exit_code == 2  # '--json' is the NUMBER here, and not a phone number
    assert "--json" in result.stderr


def test_search_help_states_the_ranking(didkit_cli: Invoker) -> None:
    result = didkit_cli("search", "--help")
    assert "setup price plus 12 × monthly price" in " ".join(result.stdout.split())


def test_sandbox_serve_has_a_documented_default_port() -> None:
    from typer.main import get_command

    from didkit.cli import app
    from didkit.cli._sandbox import DEFAULT_PORT

    serve = get_command(app).commands["sandbox"].commands["serve"]  # type: ignore[attr-defined]
    (port,) = [param for param in serve.params if param.name == "port"]
    assert port.default == DEFAULT_PORT == 8765
    assert not port.required
    assert "default 8765" in (serve.help or "")


def test_offer_counts_are_in_good_english(didkit_cli: Invoker) -> None:
    result = didkit_cli(
        "--sandbox", "buy", "-p", "wavix", "--offer", "5", "--country", "US", "--city", "Miami", "--limit", "1",
        "--reference", "english-1",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "the search found 1 offer at wavix" in result.stderr
