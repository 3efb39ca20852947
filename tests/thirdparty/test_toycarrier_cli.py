"""A carrier with credentials of several parts in the CLI and the configuration file: each part
from its own variable, or a table in the file; checked, named, never shown."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from toycarrier_registration import toycarrier_registered  # noqa: F401 - an autouse fixture

from didkit import ConfigurationError
from didkit.cli._core import State
from didkit.config import load_config

SID, TOKEN = "ACplantedSID0a1b2c3d4e5f", "tokPLANTEDsecret9z8y7x"
BASIC = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TOYCARRIER_ACCOUNT_SID", "TOYCARRIER_AUTH_TOKEN", "DIDKIT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def test_each_part_from_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    state = State(providers=["toycarrier"])
    assert state.key_source("toycarrier") is None
    monkeypatch.setenv("TOYCARRIER_ACCOUNT_SID", SID)
    assert state.key_source("toycarrier") is None  # one part is not a credential
    with pytest.raises(ConfigurationError, match=r"lack auth_token \(TOYCARRIER_AUTH_TOKEN\)"):
        state.connect("toycarrier")
    monkeypatch.setenv("TOYCARRIER_AUTH_TOKEN", TOKEN)
    assert state.key_source("toycarrier") == "env:TOYCARRIER_ACCOUNT_SID,TOYCARRIER_AUTH_TOKEN"
    assert state.connect("toycarrier")._config.headers["Authorization"] == BASIC  # type: ignore[attr-defined]


def test_no_credentials_names_every_variable() -> None:
    with pytest.raises(ConfigurationError, match="TOYCARRIER_ACCOUNT_SID and TOYCARRIER_AUTH_TOKEN"):
        State(providers=["toycarrier"]).connect("toycarrier")


def test_the_parts_in_the_configuration_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[providers.toycarrier]\napi_key = {{ account_sid = " {SID}\\n", auth_token = "{TOKEN}" }}\n')
    monkeypatch.setenv("DIDKIT_CONFIG", str(path))
    settings = load_config(path).provider("toycarrier")
    assert settings.api_key == {"account_sid": SID, "auth_token": TOKEN}
    assert SID not in repr(settings) and TOKEN not in repr(settings)
    state = State(providers=["toycarrier"])
    assert state.key_source("toycarrier") == "config"
    assert state.connect("toycarrier")._config.headers["Authorization"] == BASIC  # type: ignore[attr-defined]
    path.write_text('[providers.toycarrier]\napi_key = { account_sid = "AC\\u0000SECRET", auth_token = "t" }\n')
    with pytest.raises(ConfigurationError, match=r"account_sid part .*providers\.toycarrier") as info:
        load_config(path)
    assert "SECRET" not in str(info.value)
