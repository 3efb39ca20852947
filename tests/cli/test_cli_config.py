"""``didkit.config``: the configuration file."""

from __future__ import annotations

from pathlib import Path

import pytest

from didkit import ConfigurationError
from didkit.config import api_key_env, default_config_path, load_config


def test_default_path_follows_xdg(isolated_env: Path) -> None:
    assert default_config_path() == isolated_env / "didkit" / "config.toml"


def test_default_path_is_overridden_by_didkit_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIDKIT_CONFIG", str(tmp_path / "c.toml"))
    assert default_config_path() == tmp_path / "c.toml"


def test_missing_default_file_is_empty() -> None:
    config = load_config()
    assert config.providers == {}
    assert config.path is None
    assert config.provider("wavix").api_key is None


def test_provider_tables(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[providers.Wavix]\napi_key = " k1 "\n\n'
        '[providers.didww]\napi_key = "k2"\nbase_url = "https://sandbox-api.didww.com/v3"\ntimeout = 5\n'
        'environment = "sandbox"\n'
    )
    config = load_config(path)
    assert config.path == path
    assert config.provider("wavix").api_key == "k1"
    didww = config.provider("DIDWW")
    assert didww.connect_kwargs() == {
        "environment": "sandbox",
        "base_url": "https://sandbox-api.didww.com/v3",
        "timeout": 5.0,
    }


def test_keys_stay_out_of_reprs(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[providers.wavix]\napi_key = "very-secret"\n')
    config = load_config(path)
    assert "very-secret" not in repr(config)
    assert "very-secret" not in str(config.provider("wavix"))


@pytest.mark.parametrize(
    "text",
    [
        "providers = 3\n",
        "[providers]\nwavix = 3\n",
        "[providers.wavix]\napi_key = 3\n",
        '[providers.wavix]\napi_key = ""\n',
        '[providers.wavix]\nbase_url = "ftp://x"\n',
        "[providers.wavix]\ntimeout = -1\n",
        "[providers.wavix]\ntimeout = true\n",
        "[providers.wavix\n",
    ],
)
def test_bad_files(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigurationError):
        load_config(path)


def test_explicit_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_api_key_env() -> None:
    assert api_key_env("wavix") == "WAVIX_API_KEY"
    assert api_key_env("my-carrier") == "MY_CARRIER_API_KEY"
    assert api_key_env("x", "CUSTOM") == "CUSTOM"
