"""didkit requirements, numbers register and registrations show, on the emulators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

PROFILE = """
subject = "person"
first_name = "Ada"
last_name = "Lovelace"
phone = "+4930901820"
description = "Berlin office line"

[address]
street = "Unter den Linden 1"
city = "Berlin"
postal_code = "10117"
country = "DE"

[[documents]]
kind = "identity"
path = "docs/passport.pdf"

[[documents]]
kind = "address"
path = "docs/bill.png"
"""


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "passport.pdf").write_bytes(b"%PDF-1.7 passport")
    (tmp_path / "docs" / "bill.png").write_bytes(b"\x89PNG bill")
    path = tmp_path / "ada.toml"
    path.write_text(PROFILE)
    return path


def test_requirements_per_carrier(didkit_cli: Any) -> None:
    result = didkit_cli("--sandbox", "--json", "requirements", "--country", "DE", "--type", "local")
    assert result.exit_code == 0, result.stderr
    rows = {row["provider"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"didww", "wavix"}
    assert all(row["documents_required"] and row["address"] == "local" for row in rows.values())
    table = didkit_cli("--sandbox", "requirements", "--country", "DE", columns=200)
    assert table.exit_code == 0 and "identity, address" in table.stdout


def test_requirements_rejects_a_bad_type_in_one_line(didkit_cli: Any) -> None:
    result = didkit_cli("--sandbox", "requirements", "--country", "DE", "--type", "banana")
    assert result.exit_code == 2
    assert "unknown number type" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("number", "provider"), [("+493071809839", "didww"), ("+13126073608", "wavix")])
def test_register_a_pending_number(didkit_cli: Any, profile: Path, number: str, provider: str) -> None:
    result = didkit_cli("--sandbox", "--json", "numbers", "register", number, "--profile", str(profile))
    assert result.exit_code == 0, result.stderr
    registration = json.loads(result.stdout)
    assert registration["provider"] == provider and registration["numbers"] == [number]
    assert registration["status"] in ("pending", "approved")


def test_a_profile_with_a_missing_document_fails_before_any_request(didkit_cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(PROFILE)  # docs/ does not exist here
    result = didkit_cli("--sandbox", "numbers", "register", "+493071809839", "--profile", str(path))
    assert result.exit_code == 2
    assert "cannot read document docs/passport.pdf" in result.stderr


def test_registrations_show_needs_an_id_of_the_carrier(didkit_cli: Any) -> None:
    result = didkit_cli("--sandbox", "registrations", "show", "not-a-uuid", "--provider", "didww")
    assert result.exit_code == 2 and "not a didww" in result.stderr
    missing = didkit_cli(
        "--sandbox", "registrations", "show", "9df99644-f1a5-4a3c-99a4-559d758eb96b", "--provider", "didww"
    )
    assert missing.exit_code == 1 and "Traceback" not in missing.stderr


def test_register_is_also_a_top_level_command(didkit_cli: Any, profile: Path) -> None:
    result = didkit_cli("--sandbox", "--json", "register", "+493071809839", "--profile", str(profile))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["numbers"] == ["+493071809839"]


@pytest.mark.parametrize("provider", ["didww", "wavix"])
def test_procure_with_a_profile_buys_and_registers(didkit_cli: Any, profile: Path, provider: str) -> None:
    berlin = ("--country", "DE", "--city", "Berlin", "--type", "local")
    args = ("--sandbox", "-p", provider, "procure", *berlin, "--reference", f"berlin-{provider}", "--yes")
    result = didkit_cli("--json", *args, "--profile", str(profile))
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    (registration,) = shown["registrations"]
    assert registration["provider"] == provider and registration["status"] == "pending"
    assert registration["numbers"] == [did["number"] for did in shown["order"]["numbers"]]
    assert shown["registration_errors"] == {}
    table = didkit_cli(*args[:-3], "--reference", f"table-{provider}", "--yes", "--profile", str(profile), columns=200)
    assert table.exit_code == 0, table.stderr
    (line,) = [line for line in table.stdout.splitlines() if line.startswith("registration ")]
    assert f"at {provider} for +49" in line and ": pending" in line and "registrations show" in line
    contradiction = didkit_cli(*args, "--profile", str(profile), "--no-documents")
    assert contradiction.exit_code == 2 and "contradict" in contradiction.stderr
