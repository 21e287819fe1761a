"""The ``tariffsim`` command line: parse arguments, call the library, render.

A thin shell: no arithmetic here. Heavy libraries (pandas, pint, matplotlib)
are imported inside the commands so ``tariffsim --help`` answers fast. User
errors (:class:`~tariffsim.errors.TariffsimError`) pass through one funnel,
:func:`~tariffsim.cli.shell.user_errors`, that prints one line to stderr and
exits with code 2; any other exception is a bug and keeps its traceback
(exit code 1). Each module of this package registers its commands on
:data:`~tariffsim.cli.shell.app` when imported.
"""

from __future__ import annotations

from tariffsim.cli import (
    comparing,
    history,
    ledgers,
    official,
    reporting,
    scenarios,
    uncertainty,
)
from tariffsim.cli.shell import app, user_errors

__all__ = ["app", "main", "user_errors"]

_COMMAND_MODULES = (scenarios, comparing, reporting, ledgers, official, history, uncertainty)
"""Imported for the commands they register, in the order ``--help`` lists them."""


def main() -> None:
    """Console-script entry point."""
    app()
