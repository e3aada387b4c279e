"""MkDocs hooks (mkdocs.yml `hooks:`): the site's pages that have their one home elsewhere.

- `index.md`, `contributing.md` and `changelog.md` are README.md, CONTRIBUTING.md and
  CHANGELOG.md, their links into the repository turned into links between pages.
- `cli-reference.md` is the `--help` of every `paradime-bolt` command, walked from the click
  tree at build time (with the emulator's own options), so it cannot drift from the code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
CLI_MARKER = "<!-- paradime-bolt commands: written by scripts/docs_hooks.py -->"
HELP_WIDTH = 80

# The pages that are files at the root of the repository.
ROOT_PAGES = {
    "index.md": "README.md",
    "contributing.md": "CONTRIBUTING.md",
    "changelog.md": "CHANGELOG.md",
}
# Their links into the repository, as pages of the site.
ROOT_LINKS = {
    "CONTRIBUTING.md": "contributing.md",
    "CHANGELOG.md": "changelog.md",
    "BENCHMARKS.md": "benchmarks.md",
    "integrations/airflow/README.md": "integrations/airflow.md",
    "integrations/dagster/README.md": "integrations/dagster.md",
    "integrations/prefect/README.md": "integrations/prefect.md",
}
_LINK = re.compile(r"\]\(([^)#\s]+)(#[^)\s]*)?\)")


def root_page(name: str) -> str:
    """The root file `name` with each link to a file of the repository pointed at its page."""

    def page(match: re.Match[str]) -> str:
        target, anchor = match.group(1), match.group(2) or ""
        if target.startswith(("https://", "http://", "mailto:")):
            return match.group(0)
        if target.startswith("docs/"):
            return f"]({target.removeprefix('docs/')}{anchor})"
        if target in ROOT_LINKS:
            return f"]({ROOT_LINKS[target]}{anchor})"
        raise PluginError(f"{name} links to {target!r}, which has no page on the site")

    return _LINK.sub(page, (ROOT / name).read_text(encoding="utf-8"))


def _command_help(
    command: click.Command, name: str, parent: click.Context | None
) -> tuple[click.Context, str]:
    ctx = click.Context(
        command,
        info_name=name,
        parent=parent,
        terminal_width=HELP_WIDTH,
        max_content_width=HELP_WIDTH,
    )
    return ctx, command.get_help(ctx)


def _emulator_options(prog: str) -> str:
    """The emulator's own command line (argparse), which `paradime-bolt emulator` hands on."""
    from paradime_bolt_emulator.cli import build_outage_parser, build_parser

    parser = build_parser()
    parser.prog = prog
    outage = build_outage_parser()
    outage.prog = f"{prog} outage"
    return f"{parser.format_help().rstrip()}\n\n{outage.format_help().rstrip()}"


def cli_reference() -> str:
    """One section per command, depth first, each with its `--help` as the command prints it."""
    from paradime_bolt.cli._app import cli

    sections: list[str] = []

    def walk(command: click.Command, name: str, parent: click.Context | None) -> None:
        ctx, text = _command_help(command, name, parent)
        level = "#" * min(ctx.command_path.count(" ") + 2, 6)
        sections.append(f"{level} `{ctx.command_path}`\n\n```text\n{text.rstrip()}\n```\n")
        if command.name == "emulator" and parent is not None:
            sections.append(
                "The emulator's own options, which `paradime-bolt emulator` hands on untouched "
                "(also `paradime-bolt-emulator`):\n\n"
                f"```text\n{_emulator_options(ctx.command_path)}\n```\n"
            )
        if isinstance(command, click.Group):
            for sub_name in command.list_commands(ctx):
                sub = command.get_command(ctx, sub_name)
                if sub is not None and not sub.hidden:
                    walk(sub, sub_name, ctx)

    walk(cli, "paradime-bolt", None)
    return "\n".join(sections)


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    """Fills in the pages whose text is a root file of the repository or the command line's."""
    source = page.file.src_uri
    if source in ROOT_PAGES:
        return root_page(ROOT_PAGES[source])
    if CLI_MARKER in markdown:
        return markdown.replace(CLI_MARKER, cli_reference())
    return markdown
