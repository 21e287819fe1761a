"""The ``tariffsim`` command line: parse arguments, call the library, render.

A thin shell: no arithmetic here. Heavy libraries (pandas, pint, matplotlib)
are imported inside the commands so ``tariffsim --help`` answers fast. User
errors (:class:`~tariffsim.errors.TariffsimError`) pass through one funnel,
:func:`~tariffsim.cli.shell.user_errors`, that prints one line to stderr and
exits with code 2; any other exception is a bug and keeps its traceback
(exit code 1). Each module of this package registers its commands on
:data:`~tariffsim.cli.shell.app` when imported; :func:`main` imports only the
module of the command asked for (every one for ``--help`` or an unknown word),
and ``from tariffsim.cli import app`` gives the app with every command.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from typing import Any

from tariffsim.cli.shell import app as _app
from tariffsim.cli.shell import overview, user_errors

__all__ = ["app", "main", "user_errors"]

COMMAND_MODULES = {
    "run": "scenarios",
    "validate": "scenarios",
    "schema": "scenarios",
    "explain": "scenarios",
    "compare": "comparing",
    "report": "reporting",
    "exposure": "ledgers",
    "synth-ledger": "ledgers",
    "data": "official",
    "backtest": "history",
    "sweep": "uncertainty",
}
"""The module registering each command (``tests/cli/test_lazy_commands.py`` keeps it whole)."""

_ORDER = ("scenarios", "comparing", "reporting", "ledgers", "official", "history", "uncertainty")
"""Every command module, in the order ``--help`` lists their commands."""


def load_commands(modules: Iterable[str] = _ORDER) -> None:
    """Import command modules so they register their commands on the app."""
    for name in modules:
        importlib.import_module(f"tariffsim.cli.{name}")


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole app, as tests and embedders expect it
        load_commands()
        return _app
    if name in _ORDER:
        return importlib.import_module(f"tariffsim.cli.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console-script entry point: load the asked command's module only, then run.

    The top-level help (``tariffsim``, ``tariffsim --help``) comes from the commands'
    names and help alone (:func:`~tariffsim.cli.shell.overview`), the same text.
    """
    if sys.argv[1:] in ([], ["--help"]):
        load_commands()
        overview().main(sys.argv[1:])
        return
    words = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    wing = COMMAND_MODULES.get(words[0]) if words and sys.argv[1] == words[0] else None
    # scenarios registers several commands, so the app stays a group of commands
    load_commands(["scenarios", wing] if wing else _ORDER)
    _app()
