"""``python -m didkit``: the ``didkit`` command line, for when the console script is not on PATH."""

from didkit.cli import main

if __name__ == "__main__":
    main()
