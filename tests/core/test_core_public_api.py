"""The ``didkit`` namespace: exactly the public API, every name of ``__all__`` importable."""

from __future__ import annotations

import subprocess
import sys

import didkit


def test_dir_lists_no_helper_names() -> None:
    names = set(dir(didkit))
    assert not names & {"Any", "TYPE_CHECKING", "annotations", "typing", "cast", "import_module"}
    assert not {name for name in names if name.startswith("_") and not name.startswith("__")}
    assert set(didkit.__all__) <= names


def test_everything_in_all_resolves() -> None:
    for name in didkit.__all__:
        assert getattr(didkit, name) is not None, name
    assert sorted(didkit.__all__) == sorted(set(didkit.__all__))


def test_star_import_gives_all() -> None:
    probe = "from didkit import *\nprint(sorted(k for k in dir() if not k.startswith('_')))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(sorted(didkit.__all__))


def test_event_loop_running_error_is_exported_from_the_top() -> None:
    from didkit.broker import EventLoopRunningError

    assert didkit.EventLoopRunningError is EventLoopRunningError
    assert issubclass(didkit.EventLoopRunningError, didkit.DidkitError)


def test_sandbox_protocols_are_exported() -> None:
    with didkit.connect("wavix", sandbox=True) as provider:
        assert isinstance(provider, didkit.SandboxNumberProvider)
        assert isinstance(provider, didkit.NumberProvider)
