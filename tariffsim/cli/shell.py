"""The shell of the ``tariffsim`` command line: the app, the error funnel, shared options.

A thin shell: no arithmetic here. Heavy libraries (pandas, pint, matplotlib)
are imported inside the commands so ``tariffsim --help`` answers fast. User
errors (:class:`~tariffsim.errors.TariffsimError`) pass through one funnel,
:func:`user_errors`, that prints one line to stderr and exits with code 2;
any other exception is a bug and keeps its traceback (exit code 1).
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from tariffsim.errors import TariffsimError

P = ParamSpec("P")
R = TypeVar("R")

COMMAND_ORDER = (
    "run",
    "compare",
    "report",
    "sweep",
    "backtest",
    "exposure",
    "synth-ledger",
    "data",
    "validate",
    "schema",
)
"""The order ``tariffsim --help`` lists the commands in: the main job first."""


class _OrderedGroup(TyperGroup):
    def list_commands(self, ctx: Any) -> list[str]:  # ctx: typer's bundled click Context
        names = super().list_commands(ctx)
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda name: rank.get(name, len(rank)))

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; a usage error is one line and exit code 2 (:func:`usage_line`)."""
        from typer._click.exceptions import ClickException, NoArgsIsHelpError

        try:
            done = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
            code = done if isinstance(done, int) else 0
        except NoArgsIsHelpError as exc:
            exc.show()  # bare 'tariffsim' or 'tariffsim run': the help is the answer
            code = 2
        except ClickException as exc:
            typer.echo(f"tariffsim: error: {usage_line(exc)}", err=True)
            code = 2
        except typer.Abort:
            typer.echo("tariffsim: aborted", err=True)
            code = 1
        if standalone_mode:
            sys.exit(code)
        return code


def usage_line(exc: Any) -> str:
    """A click usage error (typer's bundled ``ClickException``) as one line with a hint.

    Click prints a usage block, a "Try --help" line and the error; the funnel keeps the
    error and turns the rest into a hint naming the command's help.
    """
    message = " ".join(str(exc.format_message()).split())
    context = getattr(exc, "ctx", None)
    where = f"{context.command_path} --help" if context is not None else "tariffsim --help"
    return TariffsimError(message, hint=f"see '{where}'").render()


class _PlainCommand(TyperCommand):
    """A command whose help reads as plain text: ``FILE...``, not ``{FILE...}... <list[Path]>``."""

    def get_usage(self, ctx: Any) -> str:
        return _plain(super().get_usage(ctx))

    def get_help(self, ctx: Any) -> str:
        return _plain(super().get_help(ctx))


_TYPE_NOISE = re.compile(r" <list\[\w+\]>")
_BRACED = re.compile(r"\{([A-Z][A-Z_]*)\}")


def _plain(text: str) -> str:
    """Drop typer's braces around required arguments, its Python type names and the
    docstrings' reST literal quotes (``--lines`` reads --lines)."""
    return _BRACED.sub(r"\1", _TYPE_NOISE.sub("", text)).replace("``", "")


class _App(typer.Typer):
    """The app; every command it registers gets :class:`_PlainCommand`'s plain help."""

    def command(  # type: ignore[override]
        self, *args: Any, **kwargs: Any
    ) -> Callable[[Callable[P, R]], Callable[P, R]]:
        kwargs.setdefault("cls", _PlainCommand)
        decorator: Callable[[Callable[P, R]], Callable[P, R]] = super().command(*args, **kwargs)
        return decorator


app = _App(
    name="tariffsim",
    cls=_OrderedGroup,
    help="What will these tariffs cost? Day-exact duty exposure of tariff paths, with sources.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def overview() -> TyperGroup:
    """The app as ``tariffsim --help`` lists it: each command's name and help, no options.

    typer builds every option of every command to print the top-level help, which took
    longer than importing typer; this group holds plain commands that carry only their
    help, for the same text (``tests/cli/test_lazy_commands.py`` compares the two).
    """
    import inspect

    from typer.main import get_command_name

    def plain(value: Any) -> Any:  # typer wraps unset settings in a placeholder
        return getattr(value, "value", value)

    commands: dict[str, Any] = {}
    for info in app.registered_commands:
        assert info.callback is not None
        name = info.name or get_command_name(info.callback.__name__)
        commands[name] = _PlainCommand(
            name=name,
            help=info.help or inspect.getdoc(info.callback),
            short_help=info.short_help,
            hidden=info.hidden,
            deprecated=info.deprecated,
            rich_markup_mode=None,
        )
    for group in app.registered_groups:
        own = group.typer_instance.info if group.typer_instance else None
        name = plain(group.name) or plain(own.name if own else None)
        commands[name] = _PlainCommand(
            name=name,
            help=plain(group.help) or plain(own.help if own else None),
            hidden=bool(plain(group.hidden)),
            rich_markup_mode=None,
        )
    return _OrderedGroup(
        name="tariffsim",
        commands=commands,
        help=app.info.help,
        no_args_is_help=True,
        rich_markup_mode=None,
    )


class StepChoice(StrEnum):
    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


class ModeChoice(StrEnum):
    static = "static"
    behavioural = "behavioural"


class FormatChoice(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


def manifest_for(
    command: str,
    inputs: Sequence[tuple[str, Sequence[Path]]],
    options: dict[str, Any],
    seed: int | None = None,
) -> dict[str, Any]:
    """The manifest of this run (:mod:`tariffsim.outputs.manifest`): ``inputs`` are
    (role, files) pairs; option values are made JSON-ready (paths as text, enums as names)."""
    from tariffsim.outputs.manifest import build_manifest, input_entries

    def plain(value: Any) -> Any:
        if isinstance(value, Path):
            return value.as_posix()
        if isinstance(value, StrEnum):
            return value.value
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    entries = [e for role, files in inputs for e in input_entries(role, files)]
    return build_manifest(command, entries, {k: plain(v) for k, v in options.items()}, seed)


def at_file(exc: TariffsimError, path: Path | str, several: bool = True) -> TariffsimError:
    """``exc`` located at the scenario file ``path``; with ``several`` files, one raised by
    ``--set`` also names the file it was applied to (one change may suit one and not another)."""
    if exc.file == "--set" and several:
        hint = (f"{exc.hint}; " if exc.hint else "") + f"applied to {path}"
        return TariffsimError(exc.message, file=exc.file, line=exc.line, field=exc.field, hint=hint)
    return exc.located(file=path)


def report_error(exc: TariffsimError) -> None:
    """A user error as its one stderr line."""
    typer.echo(f"tariffsim: error: {exc.render()}", err=True)


def user_errors(command: Callable[P, R]) -> Callable[P, R]:
    """The one funnel: a user error becomes one stderr line and exit code 2.


    Inside it, the command's outputs are all written or none, and every input it
    reads is recorded so no output replaces it (:func:`tariffsim.outputs.files.command_outputs`).
    An operating-system error that reaches the funnel (standard output on a full disk,
    a closed pipe, an unreadable folder) is the machine's answer, not a bug: one line,
    exit code 2.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from tariffsim.outputs.files import command_outputs

        try:
            with command_outputs():
                return command(*args, **kwargs)
        except TariffsimError as exc:
            report_error(exc)
            raise typer.Exit(code=2) from None
        except OSError as exc:
            _silence_stdout()
            reason = exc.strerror or str(exc)
            report_error(
                TariffsimError(f"cannot write to standard output: {reason}")
                if exc.filename is None
                else TariffsimError(reason, file=exc.filename)
            )
            raise typer.Exit(code=2) from None
        except KeyboardInterrupt:
            typer.echo("tariffsim: interrupted; no output file was changed", err=True)
            raise typer.Exit(code=130) from None

    return wrapper


def _silence_stdout() -> None:
    """Point standard output at the null device, so Python's final flush of what could
    not be written (a full disk, a closed pipe) adds no second message."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):
        return  # not a real file (a test runner's buffer)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


Files = Annotated[
    list[Path],
    typer.Argument(help="Scenario YAML files.", show_default=False, metavar="FILE"),
]
StepOption = Annotated[
    StepChoice | None,
    typer.Option("--step", help="Reporting period, overriding the horizon's step."),
]
FormatOption = Annotated[
    FormatChoice | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format (default: by the --output file's extension, else table).",
    ),
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the output to this file (atomically).")
]
StaticOption = Annotated[
    bool,
    typer.Option(
        "--static",
        help="Switch the behavioural response off: imports do not respond to tariffs.",
    ),
]
ModeOption = Annotated[
    ModeChoice | None,
    typer.Option(
        "--mode",
        help="Keep only static or behavioural rows (a run holds both; summing all rows"
        " counts the duty twice).",
    ),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY.PATH=VALUE",
        help="Change one value of every scenario, checked as if written in the file, e.g."
        " --set tranches.list3.schedule.2019-01-01.rate='20 %' (repeatable).",
    ),
]
PlotOption = Annotated[
    Path | None, typer.Option("--plot", help="Write a chart: .png, .svg or .pdf.")
]


SamplesOption = Annotated[
    int | None,
    typer.Option("--samples", "-n", help="Draw the scenario's 'uncertainty:' N times."),
]
SeedOption = Annotated[int, typer.Option("--seed", min=0, help="Seed of the random draws.")]

ImporterOption = Annotated[
    str | None,
    typer.Option(
        "--importer",
        help="Only this importer's tranches and flows (ISO code); duties of two importers "
        "are never added.",
    ),
]

CurrencyOption = Annotated[
    str | None,
    typer.Option(
        "--currency",
        help="Also show money in this currency (EUR, CNY, CAD, MXN, GBP, JPY), at the "
        "exchange rate the scenario states in its 'currencies:' block.",
    ),
]
