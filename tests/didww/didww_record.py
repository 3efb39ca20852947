"""Recording mode, for someone who holds a real key (not part of the offline suite):

    DIDKIT_DIDWW_RECORD=1 DIDWW_API_KEY=... python tests/didww/didww_record.py

With a real ``DIDWW_API_KEY`` it records read-only calls (DIDWW's sandbox unless
``DIDKIT_DIDWW_ENVIRONMENT=production``) into ``cassettes/didww/recorded/``, once per API version
(``read_only_<environment>_<version>.yaml``; ``DIDKIT_DIDWW_API_VERSION`` records one only),
scrubbing the key and every token. The schema test then validates the recorded responses too."""

from __future__ import annotations

import itertools
import os

from didkit_didww import API_VERSIONS, DidwwProvider
from didww_support import RECORDED, RECORDING, make_vcr

from didkit import SearchQuery


def record_read_only_calls() -> None:
    if not (RECORDING and os.environ.get("DIDWW_API_KEY")):
        raise SystemExit("recording needs DIDKIT_DIDWW_RECORD=1 and DIDWW_API_KEY")
    key = os.environ["DIDWW_API_KEY"]
    environment = os.environ.get("DIDKIT_DIDWW_ENVIRONMENT", "sandbox")
    RECORDED.mkdir(parents=True, exist_ok=True)
    wanted = os.environ.get("DIDKIT_DIDWW_API_VERSION")
    for version in [wanted] if wanted else API_VERSIONS:
        name = f"read_only_{environment}_{version}.yaml"
        recorder = make_vcr(RECORDED, record_mode="once")
        with (
            recorder.use_cassette(name),
            DidwwProvider(api_key=key, environment=environment, api_version=version) as provider,
        ):
            assert provider.list_countries()
            provider.list_regions("US")
            list(itertools.islice(provider.search_numbers(SearchQuery(country="US", limit=3)), 3))
            list(itertools.islice(provider.list_numbers(), 5))
            tokens = provider._config.redactor  # every token minted for this recording
        text = (RECORDED / name).read_text()
        assert key not in text, "the API key must never reach a cassette"
        assert tokens.text(text) == text, "a token must never reach a cassette"
        print(f"recorded {RECORDED / name}")


if __name__ == "__main__":
    record_read_only_calls()
