"""``python -m tariffsim``."""

from tariffsim.cli import main

main()
