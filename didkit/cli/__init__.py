"""The ``didkit`` command line: a thin typer + rich shell over the library.

``main()`` is the console script. The command tree lives in :mod:`didkit.cli._app`; each command
imports what it needs (the broker, the adapters, ``phonenumbers``) when it runs, so that
``didkit --help`` starts fast.
"""

from __future__ import annotations

from ._app import app
from ._core import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE

__all__ = ["EXIT_FAILURE", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "app", "main"]


def main() -> None:
    """Run ``didkit`` with ``sys.argv``; exits with the command's status."""
    from typer.main import get_command

    get_command(app).main(prog_name="didkit")
