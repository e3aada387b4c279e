"""`paradime-bolt emulator ...`: the local Bolt emulator, with all its own options.

Every argument after `emulator` goes untouched to `paradime_bolt_emulator.cli.main(argv)`, the
emulator's own command line (the paradime-bolt-emulator distribution, which the `emulator` extra
installs); this module only imports it on use and says clearly when it is missing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import click

from ._errors import CliError, ExitCode, exit_code_of

__all__ = ["emulator"]

EMULATOR_CLI = "paradime_bolt_emulator.cli"
INSTALL_HINT = "pip install 'paradime-bolt[emulator]'"


def _import_emulator_cli() -> Any:
    return importlib.import_module(EMULATOR_CLI)


def load_emulator_cli() -> Any:
    """The emulator's command-line module; `CliError` (exit 4) when it cannot be imported."""
    try:
        return _import_emulator_cli()
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing == "paradime_bolt_emulator" or missing.startswith("paradime_bolt_emulator."):
            raise CliError(
                f"the emulator is not installed ({missing} is missing)",
                ExitCode.CONFIGURATION,
                hint=INSTALL_HINT,
            ) from None
        raise CliError(
            f"the emulator needs the `emulator` extra (the module {missing!r} is missing)",
            ExitCode.CONFIGURATION,
            hint=INSTALL_HINT,
        ) from None


@click.command(
    "emulator",
    add_help_option=False,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": False},
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def emulator(ctx: click.Context, args: tuple[str, ...]) -> None:
    """Run the local Bolt emulator: a fake Bolt API for tests, demos and CI dry runs.

    Every option after `emulator` is the emulator's own (listed below when it is installed).

    \b
    It needs the emulator extra:
      pip install 'paradime-bolt[emulator]'

    \b
    Examples:
      paradime-bolt emulator --port 8765
      paradime-bolt emulator --port 0 --schedules paradime_schedules.yml
    """
    if _asks_for_help(args):
        click.echo(ctx.get_help())
        try:
            module = load_emulator_cli()
        except CliError as exc:
            click.echo(f"\n{exc.message}; {INSTALL_HINT}")
            return
        build_parser: Callable[[], Any] | None = getattr(module, "build_parser", None)
        if build_parser is not None:
            parser = build_parser()
            parser.prog = f"{ctx.command_path}"
            click.echo("\nThe emulator's options:\n")
            click.echo(parser.format_help().rstrip())
        return
    main: Callable[[Sequence[str]], Any] = load_emulator_cli().main
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code
    ctx.exit(exit_code_of(code))


def _asks_for_help(args: Sequence[str]) -> bool:
    for arg in args:
        if arg == "--":
            return False
        if arg in ("-h", "--help"):
            return True
    return False
