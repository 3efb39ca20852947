"""``python -m didkit.cli``."""

from . import main

main()
